"""Phone numbers in a place's contact text: tel: numbers and WhatsApp (wa.me) numbers."""

from __future__ import annotations

import pytest

from geoapp.places.contacts import phone_number, whatsapp_number


@pytest.mark.parametrize(("contact", "tel", "wa"), [
    ("Ibu Sari (0812-0000-1234)", "081200001234", "6281200001234"),
    ("Pak Budi 0857 1234 5678", "085712345678", "6285712345678"),
    ("+62 812 3456 7890 (Bu Ani)", "+6281234567890", "6281234567890"),
    ("62812.3456.7890", "6281234567890", "6281234567890"),
    ("Kantor kelurahan 021-5551234", "0215551234", None),       # landline: no WhatsApp
    ("+65 9123 4567", "+6591234567", None),                    # another country
    ("812 3456 7890", "81234567890", "6281234567890"),
])
def test_numbers_in_contact_text(contact, tel, wa):
    assert phone_number(contact) == tel
    assert whatsapp_number(contact) == wa


@pytest.mark.parametrize("contact", [None, "", "Ibu Sari", "RT 05 RW 02", "12 34"])
def test_no_number(contact):
    assert phone_number(contact) is None
    assert whatsapp_number(contact) is None
