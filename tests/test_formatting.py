"""Number formatting on Babel's locale data (values.numbers) and by map measure kind (maps.formatting)."""

from __future__ import annotations

import pytest

from geoapp.maps.formatting import format_bound, format_value
from geoapp.values.numbers import NO_DATA, format_amount, format_number, format_rupiah


@pytest.mark.parametrize(("x", "lang", "decimals", "expected"), [
    (1234567.891, "id", 2, "1.234.567,89"),
    (1234567.891, "en", 2, "1,234,567.89"),
    (-1234.5, "id", 1, "-1.234,5"),
    (-0.004, "id", 2, "0,00"),            # no "-0"
    (2.675, "en", 2, "2.67"),             # the float's exact value decides, as before
    (0.5, "id", 0, "0"),                  # half to even, as Python rounds
    (1.5, "id", 0, "2"),
    (1e25, "id", 0, "10.000.000.000.000.000.905.969.664"),  # every digit of a huge float
    (1234.5, "jv", 1, "1.234,5"),        # any language but English reads like Indonesian
])
def test_format_number_cases(x, lang, decimals, expected):
    assert format_number(x, lang, decimals) == expected


def test_format_amount_whole_or_with_decimals():
    assert format_amount(1500.0) == "1.500"
    assert format_amount(12.25, "en") == "12.25"
    assert format_amount(12.25, "id", 1) == "12,2"
    assert format_amount(None) == NO_DATA and format_amount(float("inf")) == NO_DATA


def test_format_rupiah_sign_before_the_symbol():
    assert format_rupiah(-2500000.4) == "-Rp 2.500.000"
    assert format_rupiah(-0.4) == "Rp 0"
    assert format_rupiah(-1250000.5, "id", 2) == "-Rp 1.250.000,50"
    assert format_rupiah(1250000.5, "en", 2) == "Rp 1,250,000.50"


@pytest.mark.parametrize(("x", "kind", "lang", "expected"), [
    (1234567.0, "rupiah", "id", "Rp 1.234.567"),
    (12.0, "count", "id", "12"),
    (12.5, "count", "en", "12.5"),
    (3.0, "rate", "id", "3,0"),
    (0.125, "number", "id", "0,12"),
    (float("nan"), "count", "id", None),
    (None, "rate", "en", None),
])
def test_format_value_by_kind(x, kind, lang, expected):
    assert format_value(x, kind, lang) == expected


def test_format_bound_by_kind():
    assert format_bound(2500000.6, "rupiah", "id") == "Rp 2.500.001"
    assert format_bound(4.0, "rate", "id") == "4"
    assert format_bound(4.25, "rate", "en") == "4.2"
    assert format_bound(4.257, "number", "id") == "4,26"
