"""geoapp.places: loading from the store (cached per active versions), tolerant search,
filters, query checking, distances and activity."""

from __future__ import annotations

import math

import pytest
from sample_app import sample_sessions, sample_template  # noqa: F401  (fixtures)
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.places import load as places_load
from geoapp.places.distance import distances, format_distance, haversine_m, nearest
from geoapp.places.load import load_places
from geoapp.places.model import Activity, Place, PlaceQuery, PlaceSet
from geoapp.places.options import filter_options
from geoapp.places.query import check_query
from geoapp.places.search import filter_places, search_places, text_matches
from geoapp.store import activate, create_engine_for, init_db, stage_import
from geoapp.store.active import ActiveVersions

KEL_A = "36.71.01.1001"
KEL_B = "36.71.01.1002"
BASE = (-6.17, 106.63)


# --------------------------------------------------------------------------- tiny store


def _row(position: int, cells: list[str], kode: str | None, lat=None, lon=None,
         status: str = "matched", measures: dict | None = None, is_total: bool = False) -> dict:
    return {"position": position, "source_row": position + 2, "cells": cells, "kode": kode,
            "status": status, "method": "nama", "score": 100.0, "note": "", "suggestions": [],
            "measures": measures or {}, "lat": lat, "lon": lon, "is_total": is_total}


def _import(session: Session, program: str, headers: list[str], rows: list[dict]) -> None:
    ds = stage_import(session, program=program, title=f"test {program}", rows=rows,
                      headers=headers, ledger={}, report={}, source_sha256="",
                      source_name=f"{program}.csv", user="test")
    activate(session, ds.id)


KAMPUNG_HEADERS = ["Nama Kampung", "Tema", "Kelurahan", "Kecamatan", "Alamat", "Kontak",
                   "Lintang", "Bujur"]


@pytest.fixture
def active():
    """The store's active-versions service (with the place-set cache), one per test."""
    return ActiveVersions()


@pytest.fixture
def tiny(tmp_path):
    """A store with 3 kampung (one unmatched, one without coordinates), 1 KWT, BLK and job fair."""
    engine = create_engine_for(tmp_path / "tiny.sqlite3")
    init_db(engine)
    with Session(engine) as session:
        _import(session, "kampung", KAMPUNG_HEADERS, [
            _row(0, ["Kampung Bekelir RW 05", "Kampung Bekelir", "x", "y", "Jl. A", "Ibu S (0812)"],
                 KEL_A, *BASE),
            _row(1, ["Kampung Hijau", "Kampung Hijau", "x", "y", "", ""], KEL_B),   # no coords
            _row(2, ["Kampung Jauh", "Kampung Hijau", "x", "y", "", ""], None, -6.2, 106.7,
                 status="unmatched"),
            _row(3, ["<img src=x onerror=alert(1)> ]]> & co", "Kampung Hijau", "", "", "", ""],
                 KEL_B, BASE[0] + 0.009, BASE[1]),                              # ~1 km north
        ])
        _import(session, "kwt", ["Nama KWT", "Kelurahan", "Jumlah Anggota", "Bibit Diterima"], [
            _row(0, ["KWT Melati", "x", "20", "100"], KEL_B, BASE[0] + 0.0027, BASE[1],
                 measures={"Jumlah Anggota": 20, "Bibit Diterima": 100}),
        ])
        _import(session, "blk", ["Kelurahan", "Jenis Pelatihan", "Peserta"], [
            _row(0, ["x", "Menjahit", "10"], KEL_A, measures={"Peserta": 10}),
            _row(1, ["x", "Barista", "15"], KEL_A, measures={"Peserta": 15}),
            _row(2, ["x", "Tata Boga", "99"], KEL_B, measures={"Peserta": 99}),
            _row(3, ["JUMLAH", "", "124"], None, measures={"Peserta": 124}, is_total=True,
                 status="excluded"),
        ])
        _import(session, "jobfair", ["Nama Perusahaan", "Sektor", "Jumlah Lowongan"], [
            _row(0, ["PT Dekat", "Ritel", "5"], KEL_B, BASE[0] - 0.003, BASE[1],
                 measures={"Jumlah Lowongan": 5}),                              # ~330 m south
            _row(1, ["PT Jauh", "Ritel", "7"], KEL_B, BASE[0] - 0.03, BASE[1],
                 measures={"Jumlah Lowongan": 7}),                              # ~3.3 km
        ])
    yield Session(engine)
    engine.dispose()


def _by_name(found: PlaceSet, name: str) -> Place:
    return next(p for p in found.places if p.name == name)


# --------------------------------------------------------------------------- loading


def test_matched_rows_become_places_with_or_without_coordinates(tiny, active):
    found = load_places(tiny, active)
    names = sorted(p.name for p in found.places)
    assert names == sorted(["Kampung Bekelir RW 05", "<img src=x onerror=alert(1)> ]]> & co",
                            "Kampung Hijau", "KWT Melati"])           # unmatched row left out
    assert found.sources["kampung"].places == 3
    assert found.sources["kampung"].without_coordinates == 1
    assert found.without_coordinates == 1
    hijau = _by_name(found, "Kampung Hijau")
    assert (hijau.lat, hijau.lon, hijau.located) == (None, None, False)
    assert hijau.kelurahan and hijau.kode == KEL_B
    place = _by_name(found, "Kampung Bekelir RW 05")
    assert (place.kind, place.theme, place.kode) == ("kampung", "Kampung Bekelir", KEL_A)
    assert place.address == "Jl. A" and place.contact == "Ibu S (0812)"
    assert place.kelurahan and place.kecamatan and place.kode_kecamatan == "36.71.01"
    assert _by_name(found, "KWT Melati").theme is None


def test_sample_data_places(sample_sessions, active):  # noqa: F811
    with sample_sessions() as session:
        found = load_places(session, active)
    kinds = {p.kind for p in found.places}
    assert kinds == {"kampung", "kwt", "ecofarm"}
    assert found.sample is True and found.updated_at is not None
    for kind, source in found.sources.items():
        assert source.places == sum(p.kind == kind for p in found.places)
    assert all(-6.4 < p.lat < -6.0 and 106.4 < p.lon < 106.9
               for p in found.places if p.located)
    kwt = [p for p in found.places if p.kind == "kwt"]
    assert len(kwt) == 44 and all(p.located for p in kwt)                 # DMS/UTM/swapped too
    for kel in ("Jurumudi Baru", "Bugel", "Gembor", "Sangiang Jaya", "Larangan Utara"):
        assert any(p.kelurahan == kel for p in kwt), kel
    bekelir = search_places(found.places, "kampung bekelir")
    assert bekelir and all(p.theme == "Kampung Bekelir" for p in bekelir)


def test_place_sets_are_cached_per_active_versions_and_radius(tiny, active, monkeypatch):
    real, built = places_load.build_places, []

    def counting(session, infos, radius_m):
        built.append(radius_m)
        return real(session, infos, radius_m)

    monkeypatch.setattr(places_load, "build_places", counting)
    first = load_places(tiny, active)
    second = load_places(tiny, active)
    assert built == [500.0] and first.places == second.places
    second.places.clear()                                   # callers get their own list
    assert load_places(tiny, active).places == first.places and built == [500.0]
    load_places(tiny, active, radius_m=100)
    assert built == [500.0, 100.0]                          # the radius is part of the key
    _import(tiny, "kwt", ["Nama KWT", "Kelurahan"], [_row(0, ["KWT Mawar", "x"], KEL_A)])
    names = {p.name for p in load_places(tiny, active).places}
    assert "KWT Mawar" in names and "KWT Melati" not in names   # the new version, at once
    assert built == [500.0, 100.0, 500.0]
    assert {p.name for p in load_places(tiny, ActiveVersions()).places} == names


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize("query", ["kampung bekelir", "Kampung  Bekelir", "kampung bekelri",
                                   "KAMPUNG-BEKELIR", "kampungbekelir", "bekel", "Békelir"])
def test_search_is_tolerant(tiny, query, active):
    found = search_places(load_places(tiny, active).places, query)
    assert [p.name for p in found] == ["Kampung Bekelir RW 05"]


@pytest.mark.parametrize("query", ["kampung bersih", "bekxxir", "zzz", "kwt mawar"])
def test_search_does_not_match_other_names(tiny, query, active):
    assert search_places(load_places(tiny, active).places, query) == []


def test_search_finds_kelurahan_and_kecamatan_names(tiny, active):
    places = load_places(tiny, active).places
    in_b = sorted(p.name for p in places if p.kode == KEL_B)
    in_a = sorted(p.name for p in places if p.kode == KEL_A)
    assert in_a and in_b
    assert sorted(p.name for p in search_places(places, "Sukaasih")) == in_b   # kelurahan
    assert sorted(p.name for p in search_places(places, "sukarasa")) == in_a
    assert sorted(p.name for p in search_places(places, "Kecamatan Tangerang")) == sorted(
        p.name for p in places if p.kecamatan == "Tangerang")                 # kecamatan


def test_empty_search_keeps_everything(tiny, active):
    all_places = load_places(tiny, active).places
    assert search_places(all_places, "  ") == all_places
    assert search_places(all_places, None) == all_places


def test_typo_budget_depends_on_word_length():
    assert text_matches("hijua", "Kampung Hijau")            # swap: 1 edit
    assert not text_matches("hjiua", "Kampung Hijau")        # 2 edits in 5 letters
    assert text_matches("literrasi", "Kampung Literasi")     # 1 edit
    assert not text_matches("kwx", "KWT Melati")             # short words: exact only


# --------------------------------------------------------------------------- filters


def test_filters(tiny, active):
    all_places = load_places(tiny, active).places
    only = filter_places(all_places, PlaceQuery(kind="kwt"))
    assert [p.name for p in only] == ["KWT Melati"]
    themed = filter_places(all_places, PlaceQuery(theme="kampung hijau"))
    assert [p.name for p in themed] == ["<img src=x onerror=alert(1)> ]]> & co",
                                        "Kampung Hijau"]
    in_a = filter_places(all_places, PlaceQuery(kelurahan=KEL_A))
    assert [p.kode for p in in_a] == [KEL_A]
    in_kec = filter_places(all_places, PlaceQuery(kecamatan="36.71.01"))
    assert len(in_kec) == 4
    assert filter_places(all_places, PlaceQuery(kecamatan="36.71.02")) == []


def test_check_query_accepts_names_and_codes(tiny, active):
    all_places = load_places(tiny, active).places
    query = check_query({"kind": "kampung", "theme": "KAMPUNG  hijau",
                                "kelurahan": KEL_A, "lat": "-6.17", "lon": "106.63"}, all_places)
    assert query == PlaceQuery(kind="kampung", theme="Kampung Hijau", kelurahan=KEL_A,
                                      lat=-6.17, lon=106.63)
    by_name = check_query({"kecamatan": "Tangerang"}, all_places)
    assert by_name.kecamatan == "36.71.01"


@pytest.mark.parametrize("params", [
    {"nope": "1"}, {"kind": "pasar"}, {"theme": "Kampung Bulan"}, {"kelurahan": "99.99.99.9999"},
    {"lat": "abc", "lon": "106"}, {"lat": "-6.1"}, {"lat": "-95", "lon": "106"},
    {"lat": "nan", "lon": "106"}, {"q": "x" * 101},
])
def test_check_query_rejects_bad_values(tiny, params, active):
    with pytest.raises(GeoappError) as info:
        check_query(params, load_places(tiny, active).places)
    assert info.value.status == 400
    assert info.value.text("en") and info.value.text("id")


# --------------------------------------------------------------------------- distances


def test_haversine_known_distances():
    # One degree of latitude is about 111.2 km; Jakarta (Monas) to Tangerang (Kantor Walikota)
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195, rel=1e-4)
    assert haversine_m(-6.1754, 106.8272, -6.1783, 106.6319) == pytest.approx(
        21_600, rel=0.01)
    assert haversine_m(-6.2, 106.6, -6.2, 106.6) == 0


@pytest.mark.parametrize("metres,lang,text", [
    (850, "id", "850 m"), (849.6, "id", "850 m"), (999.4, "id", "999 m"), (999.6, "id", "1,0 km"),
    (1234, "id", "1,2 km"), (1234, "en", "1.2 km"), (15_050, "id", "15,1 km"), (0, "id", "0 m"),
])
def test_format_distance(metres, lang, text):
    assert format_distance(metres, lang) == text


def test_nearest_orders_by_distance(tiny, active):
    all_places = load_places(tiny, active).places
    ranked = nearest(all_places, BASE[0] + 0.0027, BASE[1])
    assert [p.name for p, _ in ranked][0] == "KWT Melati"
    assert ranked[0][1] == pytest.approx(0, abs=1)
    assert [d for _, d in ranked] == sorted(d for _, d in ranked)
    assert ranked[1][1] == pytest.approx(300, rel=0.02)
    query = PlaceQuery(lat=BASE[0] + 0.0027, lon=BASE[1])
    assert "Kampung Hijau" not in [p.name for p, _ in ranked]            # no coordinates
    assert [p.name for p in filter_places(all_places, query)] == [
        *(p.name for p, _ in ranked), "Kampung Hijau"]                  # listed last, unranked
    assert distances(filter_places(all_places, query), query.near)[-1] is None


def test_place_without_coordinates_is_found_by_name_and_filters(tiny, active):
    all_places = load_places(tiny, active).places
    assert "Kampung Hijau" in [p.name for p in search_places(all_places, "kmpung hijau")]
    in_b = filter_places(all_places, PlaceQuery(kelurahan=KEL_B, kind="kampung"))
    assert "Kampung Hijau" in [p.name for p in in_b]


# --------------------------------------------------------------------------- activity


def _activity(place: Place) -> dict[str, Activity]:
    return {a.program: a for a in place.activity}


def _kel_activity(place: Place) -> dict[str, Activity]:
    return {a.program: a for a in place.kelurahan_activity}


def test_activity_within_radius_and_same_kelurahan_kept_apart(tiny, active):
    place = _by_name(load_places(tiny, active, radius_m=500), "Kampung Bekelir RW 05")
    found = _activity(place)
    assert "blk" not in found                        # BLK rows have no coordinates
    blk = _kel_activity(place)["blk"]
    assert (blk.rows, blk.in_kelurahan, blk.nearby, blk.total) == (2, 2, 0, 25.0)
    assert blk.examples == ("Menjahit", "Barista")                      # total row left out
    assert set(_kel_activity(place)) == {"blk"}      # located rows never count by kelurahan
    job = found["jobfair"]
    assert (job.rows, job.in_kelurahan, job.nearby, job.total) == (1, 0, 1, 5.0)
    assert job.examples == ("Ritel",)
    kwt = found["kwt"]
    assert (kwt.rows, kwt.nearby) == (1, 1) and kwt.examples == ("KWT Melati",)


def test_activity_radius_is_configurable(tiny, active):
    small = _activity(_by_name(load_places(tiny, active, radius_m=100), "Kampung Bekelir RW 05"))
    assert "jobfair" not in small and "kwt" not in small
    large = _activity(_by_name(load_places(tiny, active, radius_m=5000), "Kampung Bekelir RW 05"))
    assert large["jobfair"].rows == 2 and math.isclose(large["jobfair"].total, 12.0)


def test_a_kwt_is_not_its_own_activity(tiny, active):
    kwt = _by_name(load_places(tiny, active, radius_m=500), "KWT Melati")
    assert "kwt" not in _activity(kwt) and "kwt" not in _kel_activity(kwt)
    assert _kel_activity(kwt)["blk"].in_kelurahan == 1                   # Tata Boga in KEL_B


def test_two_places_in_one_kelurahan_get_their_own_activity(tiny, active):
    found = load_places(tiny, active, radius_m=700)
    melati = _by_name(found, "KWT Melati")                   # PT Dekat ~630 m away
    other = _by_name(found, "<img src=x onerror=alert(1)> ]]> & co")   # ~1.3 km away
    assert (melati.kode, other.kode) == (KEL_B, KEL_B)
    job = _activity(melati)["jobfair"]
    assert (job.rows, job.in_kelurahan, job.nearby, job.total) == (1, 1, 1, 5.0)
    assert "jobfair" not in _activity(other) and "jobfair" not in _kel_activity(other)
    assert _activity(melati) != _activity(other)


def test_place_without_coordinates_gets_only_kelurahan_activity(tiny, active):
    hijau = _by_name(load_places(tiny, active), "Kampung Hijau")
    assert hijau.activity == ()
    kel = _kel_activity(hijau)
    assert (kel["jobfair"].rows, kel["jobfair"].total) == (2, 12.0)
    assert kel["blk"].rows == 1 and kel["kwt"].rows == 1


def test_filter_options_cover_the_city(tiny, active):
    options = filter_options(load_places(tiny, active).places)
    assert len(options["kelurahan"]) == 104 and len(options["kecamatan"]) == 13
    assert [v for v, _ in options["theme"]] == ["Kampung Bekelir", "Kampung Hijau"]
