"""Kemendagri code forms."""

import pytest

from geoapp.core.errors import GeoappError
from geoapp.values.codes import kode_level, looks_scientific, normalise_kode


@pytest.mark.parametrize("value, expected", [
    ("36.71.01.1001", "36.71.01.1001"),
    ("3671011001", "36.71.01.1001"),
    ("3671011001.0", "36.71.01.1001"),
    (3671011001, "36.71.01.1001"),
    (3671011001.0, "36.71.01.1001"),
    (" 36 71 01 1001 ", "36.71.01.1001"),
    ("36-71-01-1001", "36.71.01.1001"),
    ("36.71.1.1001", "36.71.01.1001"),
    ("'3671011001", "36.71.01.1001"),
    ("36.71.011001", "36.71.01.1001"),
    ("36.71.01", "36.71.01"),
    ("367101", "36.71.01"),
    ("36.71", "36.71"),
    ("36", "36"),
])
def test_written_forms(value, expected):
    assert normalise_kode(value) == expected


@pytest.mark.parametrize("value", [
    None, "", "abc", "3.67101E+09", "3,67101E+09", float("nan"), 3.5, True,
    "36.71.01.0001", "36.00.01.1001", "06.71.01.1001", "367101100", "Kel. 36.71.01.1001",
])
def test_not_a_code(value):
    assert normalise_kode(value) is None


def test_scientific_is_flagged():
    assert looks_scientific("3.67101E+09")
    assert not looks_scientific("3671011001")


def test_levels():
    assert kode_level("3671011001") == "desa_kelurahan"
    assert kode_level("36.71.01") == "kecamatan"
    assert kode_level("3671") == "kabupaten_kota"
    assert kode_level(36) == "provinsi"
    with pytest.raises(GeoappError) as err:
        kode_level("x1")
    assert "36.71.01.1001" in err.value.text("en")
