"""Phone numbers in a place's free-text contact, as ``tel:`` and WhatsApp (wa.me) numbers.

A contact reads like ``Ibu Sari (0812-3456-7890)`` or ``+62 21 5551234``. The first run of
at least 8 digits (spaces, dots and dashes allowed between them) is the number. WhatsApp
needs the international form without ``+`` (``62812...``) and a mobile number: Indonesian
mobile numbers start with 8 after the country code, landlines (``021 ...``) get no
WhatsApp link. Core module: no Flask.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(\+?\d[\d .\-]{6,}\d)")
COUNTRY = "62"


def phone_number(contact: str | None) -> str | None:
    """The first phone number in ``contact`` as dialable text (``+`` and digits), or None."""
    match = _NUMBER.search(contact or "")
    if match is None:
        return None
    text = match.group(1)
    digits = re.sub(r"\D", "", text)
    if len(digits) < 8:
        return None
    return ("+" if text.startswith("+") else "") + digits


def whatsapp_number(contact: str | None) -> str | None:
    """The number in ``contact`` in wa.me form (``62`` + national number without the
    leading 0), or None when there is none or it is not an Indonesian mobile number."""
    number = phone_number(contact)
    if number is None:
        return None
    digits = number.lstrip("+")
    if number.startswith("+") or digits.startswith(COUNTRY + "8"):
        if not digits.startswith(COUNTRY):
            return None                              # another country's number
        national = digits[len(COUNTRY):]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    if not national.startswith("8") or not 9 <= len(national) <= 12:
        return None
    return COUNTRY + national
