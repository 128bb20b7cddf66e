"""geoapp.figures on the seeded sample data and on tiny hand-made datasets."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sample_app import sample_sessions, sample_template  # noqa: F401  (fixtures)
from shapely.geometry import Point

from geoapp import figures as F
from geoapp.core.errors import GeoappError
from geoapp.io.boundaries import load_boundaries
from geoapp.store import (
    activate,
    active_dataset,
    create_engine_for,
    init_db,
    row_dicts,
    session_factory,
    stage_import,
)
from geoapp.store.active import ActiveVersions

KEL_A, KEL_B = "36.71.01.1001", "36.71.01.1002"


@pytest.fixture
def active():
    return ActiveVersions()


@pytest.fixture
def session(sample_sessions):  # noqa: F811
    with sample_sessions() as s:
        yield s


def _rows(session, program):
    rows = row_dicts(session, active_dataset(session, program).id)
    return [r for r in rows if not r["is_total"]]


def _matched_sum(rows, header, where=lambda r: True):
    return sum(r["measures"][header] for r in rows
               if r["status"] == "matched" and r["measures"].get(header) is not None and where(r))


def _import(session, program, headers, rows, sample=False):
    ds = stage_import(session, program=program, title=f"Uji {program}", rows=rows,
                      headers=headers, ledger={}, report={}, source_sha256="",
                      source_name="uji.csv", user="uji", sample=sample)
    return activate(session, ds.id)


def _umkm_row(kode, kelompok, status="matched", program="Tangerang BISA", tahun="2020"):
    return {"cells": ["1", kode, program, str(kelompok), "100", tahun], "kode": kode,
            "status": status, "measures": {"Jumlah Kelompok": kelompok, "Nilai Bantuan (Rp)": 100}}


UMKM_HEADERS = ["No", "Kode Wilayah", "Program", "Jumlah Kelompok", "Nilai Bantuan (Rp)", "Tahun"]


# --------------------------------------------------------------------------- catalogue

def test_catalogue_has_the_contract_layers():
    for key in ("umkm-kelompok-km2", "umkm-nilai", "umkm-kelompok-1000", "blk-peserta",
                "blk-peserta-1000", "kwt-bibit", "jobfair-lowongan", "kwt-titik",
                "ecofarm-titik", "kampung-tematik"):
        assert F.get_layer_def(key).key == key
    assert F.DEFAULT_LAYER == "umkm-kelompok-km2"
    assert {d.kind for d in F.LAYERS.values()} == {"area", "points"}


def test_unknown_layer_is_404_listing_keys():
    with pytest.raises(GeoappError) as err:
        F.get_layer_def("umkm'; drop")
    assert err.value.status == 404 and "umkm-nilai" in err.value.text("en")


def test_wrong_kind_is_400(session, active):
    with pytest.raises(GeoappError) as err:
        F.area_layer(session, active, "kwt-titik")
    assert err.value.status == 400
    with pytest.raises(GeoappError):
        F.point_layer(session, active, "umkm-nilai")


def test_available_layers_need_population_for_per_1000(tmp_path, active):
    engine = create_engine_for(tmp_path / "db.sqlite3")
    init_db(engine)
    with session_factory(engine)() as s:
        assert F.available_layers(s, active) == []
        _import(s, "umkm", UMKM_HEADERS, [_umkm_row(KEL_A, 3)])
        keys = [d.key for d in F.available_layers(s, active)]
        assert "umkm-kelompok-km2" in keys and "umkm-kelompok-1000" not in keys
        assert "blk-peserta" not in keys
    engine.dispose()


# --------------------------------------------------------------------------- sums

def test_umkm_total_equals_matched_rows_and_ledger_explains_rest(session, active):
    rows = _rows(session, "umkm")
    data = F.area_layer(session, active, "umkm-kelompok")
    expected = _matched_sum(rows, "Jumlah Kelompok")
    assert data.frame["value"].sum() == pytest.approx(expected)
    ledger = data.ledger
    assert ledger["sum_matched"] == pytest.approx(expected)
    assert ledger["sum_in_layer"] == pytest.approx(expected)
    review = sum(r["measures"]["Jumlah Kelompok"] or 0 for r in rows if r["status"] == "review")
    assert ledger["review"] == sum(r["status"] == "review" for r in rows) >= 1
    assert ledger["sum_review"] == pytest.approx(review)
    everything = sum(r["measures"]["Jumlah Kelompok"] or 0 for r in rows
                     if r["status"] in ("matched", "review", "unmatched"))
    assert ledger["sum_matched"] + ledger["sum_not_counted"] == pytest.approx(everything)


def test_each_layer_matches_the_store_per_kelurahan(session, active):
    rows = _rows(session, "jobfair")
    frame = F.area_layer(session, active, "jobfair-lowongan").frame.set_index("kode")
    kode = next(r["kode"] for r in rows if r["status"] == "matched")
    expected = _matched_sum(rows, "Jumlah Lowongan", lambda r: r["kode"] == kode)
    assert frame.loc[kode, "value"] == pytest.approx(expected)


def test_per_km2_and_per_1000(session, active):
    umkm, pend = _rows(session, "umkm"), _rows(session, "penduduk")
    kelompok = _matched_sum(umkm, "Jumlah Kelompok", lambda r: r["kode"] == KEL_A)
    residents = _matched_sum(pend, "Jumlah Penduduk", lambda r: r["kode"] == KEL_A)
    area = load_boundaries().frame.set_index("kode").loc[KEL_A, "luas_km2"]
    km2 = F.area_layer(session, active, "umkm-kelompok-km2").frame.set_index("kode")
    per1000 = F.area_layer(session, active, "umkm-kelompok-1000").frame.set_index("kode")
    assert km2.loc[KEL_A, "value"] == pytest.approx(kelompok / area)
    assert per1000.loc[KEL_A, "value"] == pytest.approx(kelompok / residents * 1000)
    assert per1000.loc[KEL_A, "penduduk"] == pytest.approx(residents)


def test_no_data_is_not_zero(session, active):
    _import(session, "umkm", UMKM_HEADERS, [_umkm_row(KEL_A, 0), _umkm_row(KEL_B, 5, "review")])
    frame = F.area_layer(session, active, "umkm-kelompok").frame.set_index("kode")
    assert frame.loc[KEL_A, "value"] == 0
    assert math.isnan(frame.loc[KEL_B, "value"])            # only a review row: no data
    assert frame["value"].notna().sum() == 1
    assert pd.isna(frame.loc[KEL_B, "rank_city"]) and frame.loc[KEL_A, "rank_city"] == 1


def test_new_version_is_not_served_from_cache(session, active):
    before = F.area_layer(session, active, "umkm-kelompok")
    _import(session, "umkm", UMKM_HEADERS, [_umkm_row(KEL_A, 7)])
    after = F.area_layer(session, active, "umkm-kelompok")
    assert after.dataset_id != before.dataset_id and after.dataset_version == 2
    assert after.frame["value"].sum() == 7 and after.sample is False


def test_returned_frames_are_private_copies(session, active):
    first = F.area_layer(session, active, "umkm-nilai")
    first.frame["value"] = -1.0
    first.ledger["rows"] = -1
    again = F.area_layer(session, active, "umkm-nilai")
    assert (again.frame["value"].dropna() >= 0).all() and again.ledger["rows"] > 0


# --------------------------------------------------------------------------- ranks

def test_ranks_are_1_to_n_and_nan_unranked(session, active):
    frame = F.area_layer(session, active, "kwt-bibit").frame
    has = frame["value"].notna()
    assert (~has).any() and has.any()
    assert frame.loc[~has, "rank_city"].isna().all()
    ranks = frame.loc[has, "rank_city"].astype(int)
    assert ranks.min() == 1 and ranks.max() <= has.sum()
    top = frame.loc[has].sort_values("value", ascending=False).iloc[0]
    assert top["rank_city"] == 1
    for _, group in frame[has].groupby("kode_kecamatan"):
        assert group["rank_kecamatan"].min() == 1
        assert group["rank_kecamatan"].max() <= len(group)


# --------------------------------------------------------------------------- filters

def test_year_filter_splits_the_sum(session, active):
    rows = _rows(session, "umkm")
    total = F.area_layer(session, active, "umkm-kelompok").frame["value"].sum()
    parts = []
    for year in F.filter_options(session, active)["years_by_program"]["umkm"]:
        value = F.area_layer(session, active, "umkm-kelompok", F.Filters(year=year)).frame["value"].sum()
        expected = _matched_sum(rows, "Jumlah Kelompok", lambda r, y=year: r["cells"][7] == y)
        assert value == pytest.approx(expected) and value < total
        parts.append(value)
    assert sum(parts) == pytest.approx(total)


def test_subprogram_filter_is_case_insensitive(session, active):
    rows = _rows(session, "umkm")
    bisa = F.area_layer(session, active, "umkm-kelompok", F.Filters(subprogram="tangerang  bisa"))
    expected = _matched_sum(rows, "Jumlah Kelompok", lambda r: r["cells"][4] == "Tangerang BISA")
    assert bisa.frame["value"].sum() == pytest.approx(expected)
    none = F.area_layer(session, active, "umkm-kelompok", F.Filters(subprogram="Tidak Ada"))
    assert none.frame["value"].isna().all()


def test_kecamatan_filter_keeps_city_ranks(session, active):
    city = F.area_layer(session, active, "umkm-kelompok").frame.set_index("kode")
    kec = F.area_layer(session, active, "umkm-kelompok", F.Filters(kecamatan="36.71.07")).frame
    assert len(kec) == 16 and set(kec["kode_kecamatan"]) == {"36.71.07"}
    assert kec["value"].sum() < city["value"].sum()
    for row in kec.itertuples():
        assert row.rank_city == city.loc[row.kode, "rank_city"]


def test_filter_options(session, active):
    options = F.filter_options(session, active)
    assert options["years"] == ["2020", "2021"]
    assert options["subprograms"]["umkm"] == ["Tangerang BISA", "Tangerang Emas"]
    assert len(options["kecamatan"]) == 13 and options["kecamatan"][0] == ("36.71.01", "Tangerang")


def test_filter_options_are_memoised_per_version_as_private_copies(session, active):
    first = F.filter_options(session, active)
    first["years"].append("1999")
    assert F.filter_options(session, active)["years"] == ["2020", "2021"]
    _import(session, "umkm", UMKM_HEADERS, [_umkm_row(KEL_A, 7, tahun="2023")])
    assert "2023" in F.filter_options(session, active)["years_by_program"]["umkm"]


# --------------------------------------------------------------------------- points

def test_point_layer_accounts_for_every_matched_row(session, active):
    data = F.point_layer(session, active, "kampung-tematik")
    matched = [r for r in _rows(session, "kampung") if r["status"] == "matched"]
    assert data.ledger["points"] + data.ledger["without_coordinates"] == len(matched)
    assert len(data.frame) == sum(r["lat"] is not None for r in matched)
    assert {"nama", "tema", "kode", "nama_kelurahan", "nama_kecamatan"} <= set(data.frame.columns)
    assert data.frame.crs.to_epsg() == 4326 and data.frame["tema"].notna().all()


def test_kwt_layer_maps_all_44_sample_groups(session, active):
    """DMS, UTM and swapped coordinates in the sample KWT file are stored as parsed."""
    data = F.point_layer(session, active, "kwt-titik")
    assert len(data.frame) == 44 and data.ledger["without_coordinates"] == 0
    kelurahan = set(data.frame["nama_kelurahan"])
    for name in ("Jurumudi Baru", "Bugel", "Gembor", "Sangiang Jaya", "Larangan Utara"):
        assert name in kelurahan, name
    assert data.frame.geometry.y.between(-6.4, -6.0).all()
    assert data.frame.geometry.x.between(106.4, 106.9).all()


def test_point_layer_kecamatan_filter(session, active):
    data = F.point_layer(session, active, "kwt-titik", F.Filters(kecamatan="36.71.01"))
    assert len(data.frame) and set(data.frame["kode_kecamatan"]) == {"36.71.01"}
    assert {"anggota", "bibit"} <= set(data.frame.columns)


# --------------------------------------------------------------------------- profile/summary

def test_profile_lists_points_inside_the_kelurahan(session, active):
    kampung = [r for r in _rows(session, "kampung") if r["status"] == "matched"]
    kode = kampung[0]["kode"]
    profile = F.kelurahan_profile(session, active, kode)
    expected = sorted(r["cells"][0] for r in kampung if r["kode"] == kode)
    assert sorted(p["nama"] for p in profile["points"]["kampung"]) == expected
    polygon = load_boundaries().frame.set_index("kode").loc[kode, "geometry"]
    for point in profile["points"]["kampung"]:
        if point["lat"] is not None:
            assert polygon.buffer(0.002).contains(Point(point["lon"], point["lat"]))
    assert profile["kode"] == kode and profile["penduduk"] > 0 and profile["sample"] is True


def test_profile_figures_have_ranks(session, active):
    profile = F.kelurahan_profile(session, active, KEL_A, lang="en")
    by_key = {f["layer"]: f for f in profile["figures"]}
    city = F.area_layer(session, active, "umkm-nilai").frame.set_index("kode")
    assert by_key["umkm-nilai"]["value"] == pytest.approx(city.loc[KEL_A, "value"])
    assert by_key["umkm-nilai"]["rank_city"] == city.loc[KEL_A, "rank_city"]
    assert by_key["umkm-nilai"]["ranked_kecamatan"] == 8
    assert by_key["umkm-nilai"]["title"].startswith("Business-aid")
    assert "sample data" in by_key["umkm-nilai"]["source"]


@pytest.mark.parametrize(("kode", "status"), [("36.71.99.9999", 404), ("36.71.01", 400),
                                               ("1 OR 1=1", 400), ("", 400)])
def test_profile_bad_kode(session, kode, status, active):
    with pytest.raises(GeoappError) as err:
        F.kelurahan_profile(session, active, kode)
    assert err.value.status == status


def test_summary(session, active):
    summary = F.kelurahan_summary(session, active)
    assert len(summary) == 104
    umkm = F.area_layer(session, active, "umkm-kelompok").frame.set_index("kode")["value"]
    for item in summary[:10]:
        expected = umkm[item["kode"]]
        got = item["figures"]["umkm"]
        assert (got is None and np.isnan(expected)) or got == pytest.approx(expected)
    assert all(isinstance(i["figures"]["kampung"], float) for i in summary)


# --------------------------------------------------------------------------- labels/export

def test_source_label_and_sample_flag(session, active):
    data = F.area_layer(session, active, "umkm-kelompok-km2")
    assert data.sample is True and data.dataset_version == 1
    assert "v1" in data.source_label and "(data contoh)" in data.source_label
    assert data.source_label.startswith("Sumber: Bantuan modal usaha UMKM/PKL")


def test_empty_program_layer(tmp_path, active):
    engine = create_engine_for(tmp_path / "db.sqlite3")
    init_db(engine)
    with session_factory(engine)() as s:
        area = F.area_layer(s, active, "blk-peserta")
        points = F.point_layer(s, active, "kwt-titik")
    engine.dispose()
    assert area.dataset_id is None and len(area.frame) == 104 and area.frame["value"].isna().all()
    assert len(points.frame) == 0 and "belum ada data" in points.source_label


def test_export_frame_tags_dataset(session, active):
    frame = F.export_frame(F.area_layer(session, active, "umkm-nilai"))
    assert set(frame["dataset_version"]) == {1} and frame["sample"].all()
    assert frame.columns[-1] == "geometry" and "has_data" not in frame.columns


def test_every_point_program_has_a_row_count_layer():
    from geoapp.figures.catalog import COUNT_LAYERS, POINT_PROGRAMS

    assert POINT_PROGRAMS and set(COUNT_LAYERS) == set(POINT_PROGRAMS)
    assert all(d.key == f"{p}-jumlah" and d.program == p for p, d in COUNT_LAYERS.items())


def test_subprogram_filter_shows_real_zeros_not_no_data(tmp_path, active):
    """Kelurahan A has BLK records, none of Barista: 0; C has a Barista row of 0: 0;
    B has Barista 5; kelurahan without any BLK record: no data."""
    engine = create_engine_for(tmp_path / "z.sqlite3")
    init_db(engine)
    kel_c = "36.71.01.1003"
    headers = ["Kode Wilayah", "Jenis Pelatihan", "Peserta"]

    def row(kode, jenis, peserta):
        return {"cells": [kode, jenis, str(peserta)], "kode": kode, "status": "matched",
                "measures": {"Peserta": peserta}}

    with session_factory(engine)() as s:
        _import(s, "blk", headers, [row(KEL_A, "Menjahit", 4), row(KEL_B, "Barista", 5),
                                    row(kel_c, "Barista", 0)])
        frame = F.area_layer(s, active, "blk-peserta",
                             F.Filters(subprogram="Barista")).frame.set_index("kode")
        assert frame.loc[KEL_A, "value"] == 0 and frame.loc[kel_c, "value"] == 0
        assert frame.loc[KEL_B, "value"] == 5
        assert frame.drop([KEL_A, KEL_B, kel_c])["value"].isna().all()
        unknown = F.area_layer(s, active, "blk-peserta", F.Filters(subprogram="Las")).frame
        assert unknown["value"].isna().all()
    engine.dispose()
