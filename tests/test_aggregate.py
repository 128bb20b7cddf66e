"""Aggregation per kelurahan and kecamatan: sums, zero versus no data, rates, ranks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geoapp.core.errors import GeoappError
from geoapp.figures.aggregate import aggregate_kecamatan, aggregate_kelurahan, rank_within
from geoapp.io.boundaries import load_boundaries, load_kecamatan

NAN = np.nan


@pytest.fixture
def tiny() -> gpd.GeoDataFrame:
    """Four kelurahan in two kecamatan with round areas (given out of kode order)."""
    return gpd.GeoDataFrame(
        {"kode": ["99.01.02.1001", "99.01.01.1001", "99.01.01.1002", "99.01.02.1002"],
         "nama": ["C", "A", "B", "D"],
         "kode_kecamatan": ["99.01.02", "99.01.01", "99.01.01", "99.01.02"],
         "nama_kecamatan": ["Dua", "Satu", "Satu", "Dua"],
         "luas_km2": [4.0, 2.0, 0.5, 0.0]},
        geometry=[box(2, 0, 3, 1), box(0, 0, 1, 1), box(1, 0, 2, 1), box(3, 0, 4, 1)],
        crs="EPSG:4326")


def by_kode(layer: pd.DataFrame) -> pd.DataFrame:
    return layer.set_index("kode")


def test_sums_counts_and_order(tiny):
    kode = ["99.01.01.1001", "99.01.01.1001", None, "99.01.02.1001", "", NAN]
    value = np.array([10.0, 5.0, 1000.0, 7.0, 1000.0, 1000.0])
    layer = aggregate_kelurahan(kode, {"bantuan": value}, tiny)
    assert list(layer["kode"]) == sorted(tiny["kode"])
    assert list(layer.columns) == [
        "kode", "nama", "kode_kecamatan", "nama_kecamatan", "luas_km2", "jumlah_baris",
        "jumlah_baris_per_km2", "bantuan", "bantuan_per_km2", "has_data", "geometry"]
    t = by_kode(layer)
    assert t.loc["99.01.01.1001", "jumlah_baris"] == 2
    assert t.loc["99.01.01.1001", "bantuan"] == 15.0
    assert t.loc["99.01.01.1001", "bantuan_per_km2"] == 7.5
    assert t.loc["99.01.02.1001", "bantuan"] == 7.0
    assert layer["jumlah_baris"].dtype == np.int64
    assert layer["jumlah_baris"].sum() == 3               # unmatched rows skipped
    assert t.loc["99.01.01.1001", "nama"] == "A"
    assert layer.geometry.iloc[0].equals(box(0, 0, 1, 1))
    assert layer.crs.to_epsg() == 4326


def test_zero_is_not_no_data(tiny):
    kode = ["99.01.01.1001", "99.01.01.1002", "99.01.01.1002"]
    value = np.array([0.0, NAN, NAN])
    t = by_kode(aggregate_kelurahan(kode, {"m": value}, tiny))
    assert t.loc["99.01.01.1001", "m"] == 0.0                 # rows summing to zero
    assert t.loc["99.01.01.1001", "has_data"]
    assert np.isnan(t.loc["99.01.01.1002", "m"])              # rows, but every cell empty
    assert t.loc["99.01.01.1002", "jumlah_baris"] == 2
    assert np.isnan(t.loc["99.01.02.1001", "m"])              # no rows at all
    assert t.loc["99.01.02.1001", "jumlah_baris"] == 0
    assert not t.loc["99.01.02.1001", "has_data"]
    assert t.loc["99.01.02.1001", "jumlah_baris_per_km2"] == 0.0


def test_empty_cells_inside_a_group_are_skipped(tiny):
    kode = ["99.01.01.1001"] * 3
    t = by_kode(aggregate_kelurahan(kode, {"m": np.array([1.0, NAN, 2.5])}, tiny))
    assert t.loc["99.01.01.1001", "m"] == 3.5


def test_zero_area_gives_no_density(tiny):
    t = by_kode(aggregate_kelurahan(["99.01.02.1002"], {"m": np.array([4.0])}, tiny))
    assert t.loc["99.01.02.1002", "m"] == 4.0
    assert np.isnan(t.loc["99.01.02.1002", "m_per_km2"])
    assert np.isnan(t.loc["99.01.02.1002", "jumlah_baris_per_km2"])


def test_population_rates(tiny):
    kode = ["99.01.01.1001", "99.01.01.1002", "99.01.02.1001"]
    population = pd.Series({"99.01.01.1001": 2000, "99.01.01.1002": 0, "99.09.09.1009": 5})
    layer = aggregate_kelurahan(kode, {"m": np.array([10.0, 3.0, 1.0])}, tiny, population)
    t = by_kode(layer)
    assert t.loc["99.01.01.1001", "penduduk"] == 2000
    assert t.loc["99.01.01.1001", "m_per_1000"] == 5.0
    assert t.loc["99.01.01.1001", "jumlah_baris_per_1000"] == 0.5
    assert np.isnan(t.loc["99.01.01.1002", "penduduk"])        # zero population
    assert np.isnan(t.loc["99.01.01.1002", "m_per_1000"])
    assert np.isnan(t.loc["99.01.02.1001", "m_per_1000"])      # population missing
    assert list(layer.columns)[-5:] == ["penduduk", "jumlah_baris_per_1000", "m_per_1000",
                                        "has_data", "geometry"]


def test_user_headers_are_kept_as_given(tiny):
    name = "Nilai (Rp) =SUM(A1) ; DROP"
    layer = aggregate_kelurahan(["99.01.01.1001"], {name: np.array([2.0])}, tiny)
    assert layer[name].iloc[0] == 2.0
    assert name + "_per_km2" in layer.columns


@pytest.mark.parametrize("names", [["kode"], ["geometry"], ["jumlah_baris"], ["a", "a_per_km2"]])
def test_clashing_measure_names_are_refused(tiny, names):
    measures = {n: np.array([1.0]) for n in names}
    with pytest.raises(GeoappError) as err:
        aggregate_kelurahan(["99.01.01.1001"], measures, tiny)
    assert err.value.code == "aggregate.column_clash"


def test_unknown_codes_are_not_dropped_silently(tiny):
    with pytest.raises(GeoappError) as err:
        aggregate_kelurahan(["99.01.01.1001", "36.71.01.1001"], {}, tiny)
    assert "36.71.01.1001" in err.value.text("en")


def test_measure_length_must_match(tiny):
    with pytest.raises(GeoappError):
        aggregate_kelurahan(["99.01.01.1001"], {"m": np.array([1.0, 2.0])}, tiny)


def test_matches_pandas_groupby_on_many_rows():
    boundaries = load_boundaries().frame
    rng = np.random.default_rng(7)
    n = 200_000
    kode = boundaries["kode"].to_numpy(object)[rng.integers(0, 100, n)]
    kode[rng.random(n) < 0.1] = None
    value = rng.normal(100, 30, n)
    value[rng.random(n) < 0.2] = NAN
    layer = aggregate_kelurahan(kode, {"v": value}, boundaries)
    frame = pd.DataFrame({"kode": kode, "v": value}).dropna(subset=["kode"])
    expected = frame.groupby("kode")["v"].sum(min_count=1)
    got = layer.set_index("kode")["v"]
    np.testing.assert_allclose(got.reindex(expected.index), expected, rtol=1e-9)
    assert got.drop(expected.index).isna().all()
    assert layer["jumlah_baris"].sum() == len(frame)


def test_kecamatan_sums_equal_kelurahan_sums():
    boundaries = load_boundaries().frame
    rng = np.random.default_rng(3)
    kode = boundaries["kode"].to_numpy(object)[rng.integers(0, 90, 5000)]
    value = rng.integers(0, 50, 5000).astype(float)
    pop = pd.Series(1000.0, index=boundaries["kode"])
    kel = aggregate_kelurahan(kode, {"v": value}, boundaries, pop)
    kec = aggregate_kecamatan(kel, load_kecamatan())
    assert len(kec) == 13
    assert kec["jumlah_baris"].sum() == kel["jumlah_baris"].sum() == 5000
    assert kec["v"].sum() == pytest.approx(kel["v"].sum())
    assert kec["jumlah_kelurahan"].sum() == 104
    per = kel.groupby("kode_kecamatan")["v"].sum(min_count=1)
    np.testing.assert_allclose(kec.set_index("kode")["v"].reindex(per.index), per)
    row = kec.set_index("kode").loc["36.71.01"]
    assert row["nama"] == "Tangerang"
    assert row["v_per_km2"] == pytest.approx(row["v"] / row["luas_km2"])
    assert row["penduduk"] == 8000
    assert row["v_per_1000"] == pytest.approx(row["v"] / 8)
    given = load_kecamatan().set_index("kode").geometry["36.71.01"]
    assert kec.set_index("kode").geometry["36.71.01"].equals(given)


def test_kecamatan_keeps_no_data_and_dissolves(tiny):
    population = pd.Series({"99.01.01.1001": 100, "99.01.01.1002": 300, "99.01.02.1001": 50})
    kel = aggregate_kelurahan(["99.01.01.1001", "99.01.01.1002"],
                              {"m": np.array([1.0, 0.0])}, tiny, population)
    kec = by_kode(aggregate_kecamatan(kel))
    assert kec.loc["99.01.01", "m"] == 1.0
    assert kec.loc["99.01.01", "luas_km2"] == 2.5
    assert kec.loc["99.01.01", "m_per_km2"] == pytest.approx(0.4)
    assert kec.loc["99.01.01", "penduduk"] == 400
    assert np.isnan(kec.loc["99.01.02", "m"])                 # no data stays no data
    assert kec.loc["99.01.02", "jumlah_baris"] == 0
    assert not kec.loc["99.01.02", "has_data"]
    assert np.isnan(kec.loc["99.01.02", "penduduk"])          # one kelurahan lacks a figure
    assert kec.loc["99.01.01"].geometry.equals(box(0, 0, 2, 1))


def test_rank_within():
    layer = pd.DataFrame({"v": [5.0, NAN, 9.0, 5.0, 1.0], "g": ["a", "a", "a", "b", "b"]})
    assert rank_within(layer, "v").tolist()[:1] == [2.0]
    ranks = rank_within(layer, "v")
    assert ranks[0] == ranks[3] == 2.0 and ranks[2] == 1.0 and ranks[4] == 4.0
    assert np.isnan(ranks[1])
    within = rank_within(layer, "v", by="g")
    assert within.tolist()[2:] == [1.0, 1.0, 2.0] and within[0] == 2.0
    assert np.isnan(within[1])
