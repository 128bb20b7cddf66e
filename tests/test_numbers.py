import math

import numpy as np
import pandas as pd
import pytest

from geoapp.values.numbers import (
    format_number,
    format_percent,
    format_rupiah,
    parse_number,
    parse_number_column,
)


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("2.500.000", "id", 2500000.0),
        ("12,5", "id", 12.5),
        ("Rp 2.500.000,00", "id", 2500000.0),
        ("Rp2.500.000", "id", 2500000.0),
        ("Rp. 1.000", "id", 1000.0),
        ("Rp 750.000,-", "id", 750000.0),
        ("\u22121.234,5", "id", -1234.5),
        ("1,234,567.50", "en", 1234567.5),
        ("2.500", "en", 2.5),
        ("-", "id", None),
        ("", "id", None),
        ("abc", "id", None),
        ("36.71", "id", None),          # a code is not an Indonesian number
        ("12.5", "id", None),           # English shape is not re-read as 125
    ],
)
def test_parse_number(text, fmt, expected):
    assert parse_number(text, fmt) == expected


def test_column_votes_indonesian_and_ambiguous_follow():
    col = parse_number_column(pd.Series(["2.500.000", "12,5", "2.500", ""]))
    assert col.fmt == "id"
    np.testing.assert_array_equal(col.values[:3], [2500000.0, 12.5, 2500.0])
    assert math.isnan(col.values[3])
    assert col.unparsed == 0


def test_column_votes_english():
    col = parse_number_column(pd.Series(["1,234,567.50", "2,500", "7"]))
    assert col.fmt == "en"
    np.testing.assert_array_equal(col.values, [1234567.5, 2500.0, 7.0])


def test_all_ambiguous_column_uses_hint():
    texts = pd.Series(["2.500", "3.000"])
    assert parse_number_column(texts, locale_hint="id").values.tolist() == [2500.0, 3000.0]
    assert parse_number_column(texts, locale_hint="en").values.tolist() == [2.5, 3.0]


def test_unparsed_counted_not_zero():
    col = parse_number_column(pd.Series(["1", "x", "-", "2"]))
    assert col.fmt == "int"
    assert col.unparsed == 1
    assert math.isnan(col.values[1]) and math.isnan(col.values[2])


def test_format_numbers():
    assert format_number(1234567) == "1.234.567"
    assert format_number(12.5, decimals=1) == "12,5"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(12.5, "en", 1) == "12.5"
    assert format_rupiah(1234567) == "Rp 1.234.567"
    assert format_rupiah(1234567, "en") == "Rp 1,234,567"
    assert format_percent(1.5) == "1,5%"
    assert format_percent(1.5, "en") == "1.5%"
    assert format_number(None) == "\u2014"
    assert format_rupiah(float("nan")) == "\u2014"
    assert format_number(0) == "0"
