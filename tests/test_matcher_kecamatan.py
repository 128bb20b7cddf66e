"""Kecamatan column forms (codes, city words) and the notes of rows without usable evidence."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.matcher import match_rows
from geoapp.matching.resolve import resolve_kecamatan

BOUNDARIES = Path(__file__).resolve().parents[1] / "data" / "boundaries" / "kota_tangerang_kelurahan.geojson"
CIPADU = "36.71.13.1003"   # kelurahan Cipadu, kecamatan Larangan (36.71.13)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_boundaries(gpd.read_file(BOUNDARIES))


def one(gaz, kel, kec=None, lat=None, lon=None, lang="en"):
    res = match_rows(kode=None, kelurahan=[kel], kecamatan=None if kec is None else [kec],
                     lat=lat, lon=lon, exclude=None, gazetteer=gaz, lang=lang)
    return res.status[0], res.kode[0], res.note[0]


@pytest.mark.parametrize("kec", [
    "36.71.13", "367113", "36-71-13", "Larangan Tangerang", "Kec. Larangan, Kota Tangerang",
    "Larangan Kota Tangerang", "Larangan, Tangerang Kota", "Tangerang Larangan",
])
def test_kecamatan_with_city_words_or_code_is_recognised(gaz, kec):
    assert resolve_kecamatan(gaz, kec).codes == frozenset({"36.71.13"})
    status, kode, _ = one(gaz, "Cipadu", kec)
    assert (status, kode) == ("matched", CIPADU)


@pytest.mark.parametrize("kec", ["36.71.01", "Kec. Tangerang, Kota Tangerang", "Tangerang"])
def test_kecamatan_tangerang_still_restricts(gaz, kec):
    assert resolve_kecamatan(gaz, kec).codes == frozenset({"36.71.01"})
    assert one(gaz, "Sukarasa", kec)[:2] == ("matched", "36.71.01.1001")
    assert one(gaz, "Cipadu", kec)[:2] == ("review", None)


@pytest.mark.parametrize("kec", ["Kota Tangerang", "Tangerang Kota", "Kab. Tangerang",
                                 "Kota Tangerang Selatan"])
def test_city_alone_gives_no_kecamatan(gaz, kec):
    assert resolve_kecamatan(gaz, kec).kind == "city"
    assert one(gaz, "Cipadu", kec)[:2] == ("matched", CIPADU)


def test_kecamatan_code_outside_the_set_is_not_accepted(gaz):
    assert resolve_kecamatan(gaz, "36.74.01").kind == "unknown"
    assert one(gaz, "Cipadu", "36.74.01")[0] == "review"


def test_no_evidence_note_with_point_outside_says_so(gaz):
    for lang, word in (("en", "outside"), ("id", "di luar")):
        status, _, note = one(gaz, "", lat=np.array([-6.0]), lon=np.array([107.5]), lang=lang)
        assert status == "unmatched"
        assert word in note
        assert "without code, coordinates" not in note and "tanpa kode, koordinat," not in note


def test_no_evidence_note_does_not_deny_coordinates(gaz):
    for lat in (None, np.array([np.nan])):   # no column, or a value that could not be read
        status, _, note = one(gaz, "", lat=lat, lon=None if lat is None else np.array([np.nan]))
        assert status == "unmatched"
        assert "usable coordinates" in note


def test_unreadable_coordinates_note_end_to_end(gaz):
    from geoapp.imports.pipeline import run_match

    data = b"nama usaha,kelurahan,lat,lon\nA,,abc,xyz\nB,,-6.0,107.5\nC,Cipadu,,\n"
    run = run_match(data, "t.csv", boundaries=gaz)
    notes = [str(n) for n in run.result.note]
    assert list(run.result.status) == ["unmatched", "unmatched", "matched"]
    assert not any("tanpa kode, koordinat," in n for n in notes)
    assert "di luar wilayah" in notes[1]
