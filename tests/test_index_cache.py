"""The matcher index of a large boundary set kept on disk (geoapp.matching.index_cache):
read back equal to a fresh build with the frame's own geometry, rebuilt when the boundary
file changes or the cache file is damaged, and never a failure when the cache folder
cannot be written. Tiny hand-made sets, with MIN_ROWS lowered."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from geoapp.matching import index_cache
from geoapp.matching.gazetteer import Gazetteer

FRAME = gpd.GeoDataFrame(
    {"kode": ["36.71.02.1001", "36.71.01.1002", "36.71.01.1001"],
     "nama": ["Cipondoh", "Sukasari", "Babakan"],
     "nama_kecamatan": ["Cipondoh", "Tangerang", "Tangerang"]},
    geometry=[box(2, 0, 3, 1), box(1, 0, 2, 1), box(0, 0, 1, 1)], crs="EPSG:4326")
IDENTITY = ("kelurahan.parquet", 1, 100)


@pytest.fixture(autouse=True)
def small_sets_cached(monkeypatch, tmp_path):
    monkeypatch.setattr(index_cache, "MIN_ROWS", 3)
    monkeypatch.setenv("GEOAPP_CACHE_DIR", str(tmp_path / "cache"))


def _built(calls):
    def build(frame):
        calls.append(len(frame))
        return Gazetteer.from_boundaries(frame)
    return build


def test_built_once_then_read_back_equal(tmp_path):
    calls: list[int] = []
    first = index_cache.cached_gazetteer(IDENTITY, FRAME, _built(calls))
    again = index_cache.cached_gazetteer(IDENTITY, FRAME, _built(calls))
    assert calls == [3]                                   # the second came from the file
    assert again.kode == first.kode == ["36.71.01.1001", "36.71.01.1002", "36.71.02.1001"]
    assert again.by_key == first.by_key and again.members == first.members
    assert [g.bounds for g in again.geometry] == [(0, 0, 1, 1), (1, 0, 2, 1), (2, 0, 3, 1)]
    assert index_cache.cache_file(IDENTITY).parent == tmp_path / "cache"


def test_another_file_or_a_damaged_cache_is_built_again():
    calls: list[int] = []
    index_cache.cached_gazetteer(IDENTITY, FRAME, _built(calls))
    index_cache.cached_gazetteer(("kelurahan.parquet", 2, 100), FRAME, _built(calls))
    assert calls == [3, 3]                                # a newer file: a new index
    index_cache.cache_file(IDENTITY).write_bytes(b"not a pickle")
    rebuilt = index_cache.cached_gazetteer(IDENTITY, FRAME, _built(calls))
    assert calls == [3, 3, 3] and rebuilt.nama[0] == "Babakan"
    assert index_cache.cached_gazetteer(IDENTITY, FRAME, _built(calls)).nama[0] == "Babakan"
    assert calls == [3, 3, 3]                             # and written again


def test_a_cache_of_another_size_is_not_used():
    calls: list[int] = []
    index_cache.cached_gazetteer(IDENTITY, FRAME, _built(calls))
    bigger = gpd.GeoDataFrame(
        {"kode": [*FRAME["kode"], "36.71.02.1002"], "nama": [*FRAME["nama"], "Gondrong"]},
        geometry=[*FRAME.geometry, box(3, 0, 4, 1)], crs="EPSG:4326")
    assert len(index_cache.cached_gazetteer(IDENTITY, bigger, _built(calls))) == 4
    assert calls == [3, 4]


def test_an_unwritable_cache_folder_only_costs_the_build(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setenv("GEOAPP_CACHE_DIR", str(blocked / "cache"))
    calls: list[int] = []
    for _ in range(2):
        assert len(index_cache.cached_gazetteer(IDENTITY, FRAME, _built(calls))) == 3
    assert calls == [3, 3]


def test_small_sets_are_not_cached(monkeypatch, tmp_path):
    monkeypatch.setattr(index_cache, "MIN_ROWS", 4)
    index_cache.cached_gazetteer(IDENTITY, FRAME, Gazetteer.from_boundaries)
    assert not (tmp_path / "cache").exists()
