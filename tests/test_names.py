"""Place-name normalisation and comparison keys."""

import pytest

from geoapp.values.names import name_keys, normalise_name


@pytest.mark.parametrize("text, expected", [
    ("  KEL.  Sukasari ", "sukasari"),
    ("Kelurahan Suka-Asih", "suka asih"),
    ("Kec. Karang Tengah", "karang tengah"),
    ("Desa Jatake", "jatake"),
    ("Kota Tangerang", "kota tangerang"),
    ("Lurah", "lurah"),
    ("Kel. Kota Baru", "kota baru"),
    ("Kota", "kota"),
    ("Kel", ""),
    ("Cipóndoh!", "cipondoh"),
    ("Ma'had", "mahad"),
])
def test_normalise_name(text, expected):
    assert normalise_name(text) == expected


@pytest.mark.parametrize("text, key", [
    ("Pd. Bahar", "pondok bahar"),
    ("Ps. Baru", "pasar baru"),
    ("Kb. Besar", "kebon besar"),
    ("Krg. Tengah", "karang tengah"),
    ("Panunggangan Utr", "panunggangan utara"),
    ("Kreo Sel.", "kreo selatan"),
    ("Sudimara Brt", "sudimara barat"),
    ("Panunggangan Tmr", "panunggangan timur"),
    ("Kelapa Ind.", "kelapa indah"),
    ("Karawaci Br.", "karawaci baru"),
    ("Batu Jy", "batu jaya"),
    ("Tjipondoh", "cipondoh"),
    ("Djatake", "jatake"),
    ("Oewoeng Djaja", "uwung jaya"),
    ("Oewoeng", "uwung"),
    ("PorisGaga", "poris gaga"),
    ("Gebang Raja", "gebang raya"),
    ("Padurenan (Pedurenan)", "pedurenan"),
    ("Padurenan (Pedurenan)", "padurenan"),
    ("Suka Asih", "sukaasih"),
    ("Batu Ceper", "batuceper"),
])
def test_name_keys_contain(text, key):
    assert key in name_keys(text)


def test_keys_literal_first_and_unique():
    keys = name_keys("Kel. Batu Ceper")
    assert keys[0] == "batu ceper"
    assert len(keys) == len(set(keys))


def test_higher_level_bracket_is_not_an_alternate():
    assert name_keys("Cimone (Kec. Karawaci)") == ["cimone"]


def test_empty():
    assert name_keys("") == []
    assert name_keys("  -- ") == []


@pytest.mark.parametrize("text, key", [
    ("KEP. SERIBU UTARA", "kepulauan seribu utara"),
    ("P. PANGGANG", "pulau panggang"),
    ("Kp. Melayu", "kampung melayu"),
    ("Tg. Priok", "tanjung priok"),
    ("Sei Rampah", "sungai rampah"),
    ("Sei Rampah", "sei rampah"),
    ("Gn. Sahari", "gunung sahari"),
    ("Lurah", "lurah"),
    ("KOTABARU", "kotabaru"),
    ("Kota Baru", "kotabaru"),
])
def test_more_abbreviations_and_kota_names(text, key):
    assert key in name_keys(text)
