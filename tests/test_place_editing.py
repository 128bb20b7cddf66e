"""geoapp.places.editing: checking places, duplicates, and saving as new dataset versions."""

from __future__ import annotations

import json

import pytest
from pyproj import Transformer
from sqlalchemy import update
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.programs import detect_columns
from geoapp.imports import staging
from geoapp.places.editing.checking import check_place
from geoapp.places.editing.duplicates import find_duplicates
from geoapp.places.editing.form import PlaceInput
from geoapp.places.editing.listing import AdminPlace, get_place
from geoapp.places.editing.versions import delete_place, save_place
from geoapp.places.load import load_places
from geoapp.store import (
    activate,
    active_dataset,
    create_engine_for,
    init_db,
    list_datasets,
    rollback,
    row_dicts,
    stage_import,
)
from geoapp.store.active import ActiveVersions
from geoapp.store.models import Dataset

SUKARASA = "36.71.01.1001"          # kecamatan Tangerang
SUKAASIH = "36.71.01.1002"
IN_SUKARASA = (-6.171883, 106.631721)   # a point on the surface of Sukarasa
IN_SUKAASIH = (-6.171361, 106.638278)
HEADERS = ["Nama Kampung", "Tema", "Kelurahan", "Kecamatan", "Alamat", "Kontak", "Lintang",
           "Bujur", "Catatan"]


def _row(position: int, name: str, kode: str | None, lat=None, lon=None, *,
         status: str = "matched", is_total: bool = False) -> dict:
    cells = [name, "Kampung Hijau", "Sukarasa", "Tangerang", "Jl. A", "Ibu S", "", "", "asli"]
    return {"position": position, "source_row": position + 3, "cells": cells, "kode": kode,
            "status": status, "method": "nama", "score": 100.0, "note": "", "suggestions": [],
            "measures": {}, "lat": lat, "lon": lon, "is_total": is_total}


@pytest.fixture
def active():
    """The store's active-versions service (with the place-set cache), one per test."""
    return ActiveVersions()


@pytest.fixture
def session(tmp_path):
    """A store with one active kampung version (2 places, 1 without coordinates, a total)
    and one KWT version with a measure."""
    engine = create_engine_for(tmp_path / "places.sqlite3")
    init_db(engine)
    with Session(engine) as s:
        ds = stage_import(s, program="kampung", title="kampung v1", headers=HEADERS, rows=[
            _row(0, "Kampung Hijau RW 05", SUKARASA, *IN_SUKARASA),
            _row(1, "Kampung Tanpa Titik", SUKAASIH),
            _row(2, "JUMLAH", None, status="excluded", is_total=True),
        ], ledger={}, report={}, source_sha256="", source_name="k.csv", user="importer",
            sample=True)
        activate(s, ds.id)
        kwt = stage_import(s, program="kwt", title="kwt v1",
                           headers=["Nama KWT", "Kelurahan", "Bibit Diterima"], rows=[
                               {**_row(0, "KWT Melati", SUKAASIH, *IN_SUKAASIH),
                                "cells": ["KWT Melati", "Sukaasih", "100"],
                                "measures": {"Bibit Diterima": 100.0}}],
                           ledger={}, report={}, source_sha256="", source_name="kwt.csv",
                           user="importer")
        activate(s, kwt.id)
    s = Session(engine)
    yield s
    s.close()
    engine.dispose()


def _base(session, kind="kampung"):
    ds = active_dataset(session, kind)
    return None if ds is None else ds.id


def _input(**kw) -> PlaceInput:
    values = {"name": "Kampung Literasi RW 09", "kind": "kampung", "theme": "Kampung Literasi",
              "kelurahan": SUKAASIH, "address": "Jl. B", "contact": "0812",
              "lat": str(IN_SUKAASIH[0]), "lon": str(IN_SUKAASIH[1])}
    values.update(kw)
    return PlaceInput(**values)


def _save(session, values, **kw):
    kind = values.kind
    return save_place(session, values, user="perencana", base_id=_base(session, kind), **kw)


# --------------------------------------------------------------------------- checking


def test_decimal_comma_and_dms_are_accepted_without_corrections():
    for lat, lon in (("-6.171361", "106.638278"), ("-6,171361", "106,638278"),
                     ("6°10'16.9\"LS", "106°38'17.8\"BT")):
        checked = check_place(_input(lat=lat, lon=lon))
        assert checked.corrections == [], (lat, lon)
        assert checked.kode == SUKAASIH
        assert abs(checked.lat - IN_SUKAASIH[0]) < 1e-4 and abs(checked.lon - IN_SUKAASIH[1]) < 1e-4


def test_utm_48s_is_converted_and_needs_confirmation():
    east, north = Transformer.from_crs(4326, 32748, always_xy=True).transform(
        IN_SUKAASIH[1], IN_SUKAASIH[0])
    checked = check_place(_input(lat=f"{north:.1f}", lon=f"{east:.1f}"))
    assert [n.key for n in checked.corrections] == ["place_admin.utm_fixed"]
    assert "UTM" in checked.corrections[0].text("id")
    assert abs(float(checked.values.lat) - IN_SUKAASIH[0]) < 1e-5
    assert abs(float(checked.values.lon) - IN_SUKAASIH[1]) < 1e-5
    again = check_place(checked.values)        # the corrected values, saved again
    assert again.corrections == []


def test_swapped_and_missing_minus_are_corrected_with_notes():
    swapped = check_place(_input(lat=str(IN_SUKAASIH[1]), lon=str(IN_SUKAASIH[0])))
    assert [n.key for n in swapped.corrections] == ["place_admin.swap_fixed"]
    assert swapped.values.lat == f"{IN_SUKAASIH[0]:.6f}"
    north = check_place(_input(lat=str(-IN_SUKAASIH[0])))
    assert [n.key for n in north.corrections] == ["place_admin.sign_fixed"]
    assert north.values.lat == f"{IN_SUKAASIH[0]:.6f}" and north.kode == SUKAASIH


def test_outside_the_city_is_refused_naming_the_nearest_kelurahan():
    with pytest.raises(GeoappError) as err:
        check_place(_input(lat="-6.30", lon="106.90"))
    assert err.value.status == 422
    text = err.value.text("id")
    assert "di luar Kota Tangerang" in text and "Cipadu Jaya" in text and "km" in text
    assert "17,8 km" in text and "17.8 km" in err.value.text("en")


def test_kelurahan_disagreeing_with_the_point_is_replaced_and_must_be_confirmed():
    checked = check_place(_input(kelurahan=SUKARASA))
    assert [n.key for n in checked.corrections] == ["place_admin.kelurahan_fixed"]
    assert checked.values.kelurahan == SUKAASIH and checked.kode == SUKAASIH
    assert "Sukaasih" in checked.corrections[0].text("en")
    detected = check_place(_input(kelurahan=""))
    assert detected.corrections == [] and detected.kode == SUKAASIH
    assert [n.key for n in detected.notes] == ["place_admin.kelurahan_from_point"]


@pytest.mark.parametrize("values, code", [
    (_input(name="   "), "place_admin.name_required"),
    (_input(name="x" * 121), "place_admin.too_long"),
    (_input(kind="sekolah"), "place_admin.bad_kind"),
    (_input(kelurahan="36.71.99.9999"), "place_admin.bad_kelurahan"),
    (_input(lat=""), "place_admin.coords_required"),
    (_input(lat="dekat masjid"), "place_admin.coords_unreadable"),
])
def test_bad_input_is_refused_with_a_clear_error(values, code):
    with pytest.raises(GeoappError) as err:
        check_place(values)
    assert err.value.code == code and err.value.status == 400


def test_name_is_cleaned_of_control_characters_and_spacing():
    checked = check_place(_input(name="  Kampung\x00  Batik\n RW 01 "))
    assert checked.values.name == "Kampung Batik RW 01"


# --------------------------------------------------------------------------- duplicates


def _existing(name, lat=None, lon=None, pid="kampung-0", kode=SUKAASIH):
    return AdminPlace(pid, "kampung", 0, name, None, kode, "Sukaasih", "Tangerang",
                         None, None, lat, lon, "matched")


def test_duplicates_by_name_and_by_distance():
    far = (IN_SUKAASIH[0] + 0.02, IN_SUKAASIH[1])             # ~2.2 km away
    near = (IN_SUKAASIH[0] + 0.001, IN_SUKAASIH[1])           # ~110 m away
    close = (IN_SUKAASIH[0] + 0.005, IN_SUKAASIH[1])          # ~560 m away
    found = find_duplicates("Kampung Literasi RW 09", *IN_SUKAASIH, [
        _existing("kampung literasi rw 9", *far, pid="kampung-1"),     # same name, same kel.
        _existing("Kampung Batik", *near, pid="kampung-2"),            # other name, near
        _existing("Kampung Literasi RW 10", *far, pid="kampung-3"),    # other RW: different
        _existing("Kampung Lain", *far, pid="kampung-4"),
        _existing("Kampung Literasi RW 09", pid="kampung-5"),          # no point: by name
        _existing("Kampung Literasi RW 09", *far, pid="kampung-6", kode=SUKARASA),  # far away
        _existing("Kampung Literasi RW 09", *close, pid="kampung-7", kode=SUKARASA),
    ], kode=SUKAASIH)
    reasons = {d.id: d.reasons for d in found}
    assert reasons == {"kampung-1": ("name",), "kampung-2": ("near",), "kampung-5": ("name",),
                       "kampung-7": ("name",)}
    assert [d.id for d in found][0] == "kampung-2"                 # nearest first


def test_duplicate_is_saved_only_with_confirmation(session):
    values = _input(name="Kampung Hijau RW 5", kelurahan="", lat=str(IN_SUKARASA[0]),
                    lon=str(IN_SUKARASA[1]))
    first = _save(session, values)
    assert not first.saved and [d.id for d in first.unconfirmed] == ["kampung-0"]
    assert first.unconfirmed[0].reasons == ("name", "near")
    wrong = _save(session, values, confirmed={"kampung-1"})
    assert not wrong.saved
    ok = _save(session, values, confirmed={"kampung-0"})
    assert ok.saved and ok.dataset.version == 2


# --------------------------------------------------------------------------- versions


def test_add_creates_a_new_active_version_with_the_place(session, active):
    before = active_dataset(session, "kampung")
    outcome = _save(session, _input())
    assert outcome.saved
    ds = outcome.dataset
    assert ds.state == "active" and ds.version == 2 and ds.imported_by == "perencana"
    assert ds.title == "Kampung tematik — tambah 'Kampung Literasi RW 09' oleh perencana"
    assert ds.sample is True and ds.previous_id == before.id and ds.row_count == 4
    rows = row_dicts(session, ds.id)
    assert [r["position"] for r in rows] == [0, 1, 2, 3]
    new = rows[3]
    assert new["cells"][:8] == ["Kampung Literasi RW 09", "Kampung Literasi", "Sukaasih",
                                "Tangerang", "Jl. B", "0812", "-6.171361", "106.638278"]
    assert new["kode"] == SUKAASIH and new["status"] == "matched"
    assert (new["lat"], new["lon"]) == IN_SUKAASIH
    assert rows[:3] == row_dicts(session, before.id)                # others unchanged
    assert session.get(type(before), before.id).state == "archived"
    found = load_places(session, active)
    assert "Kampung Literasi RW 09" in {p.name for p in found.places}


def test_edit_keeps_position_other_cells_and_measures(session):
    outcome = save_place(session, _input(name="KWT Melati Baru", kind="kwt", theme="",
                                            address="Jl. Baru 1", contact=""),
                            user="perencana", base_id=_base(session, "kwt"),
                            place_id="kwt-0")
    assert outcome.saved
    ds = outcome.dataset
    assert ds.title == "Kelompok Wanita Tani (KWT) — ubah 'KWT Melati Baru' oleh perencana"
    (row,) = row_dicts(session, ds.id)
    assert row["position"] == 0 and row["source_row"] == 3
    assert row["measures"] == {"Bibit Diterima": 100.0}
    headers = json.loads(ds.headers_json)
    assert headers[:3] == ["Nama KWT", "Kelurahan", "Bibit Diterima"]
    assert "Alamat" in headers and "Kontak" not in headers          # only needed columns
    assert row["cells"][0] == "KWT Melati Baru" and row["cells"][2] == "100"
    assert row["cells"][headers.index("Alamat")] == "Jl. Baru 1"
    place = get_place(session, "kwt-0")
    assert place.name == "KWT Melati Baru" and place.address == "Jl. Baru 1"


def test_edit_adds_coordinates_to_a_place_without_them(session, active):
    assert get_place(session, "kampung-1").lat is None
    outcome = _save(session, _input(name="Kampung Tanpa Titik"), place_id="kampung-1")
    assert outcome.saved
    rows = row_dicts(session, outcome.dataset.id)
    assert rows[1]["cells"][8] == "asli"                              # untouched column
    assert "Kampung Tanpa Titik" in {p.name for p in load_places(session, active).places}


def test_delete_creates_a_version_without_the_row_and_rollback_restores_it(session, active):
    ds = delete_place(session, "kampung-0", user="perencana", base_id=_base(session))
    assert ds.title == "Kampung tematik — hapus 'Kampung Hijau RW 05' oleh perencana"
    assert [r["position"] for r in row_dicts(session, ds.id)] == [1, 2]
    assert "Kampung Hijau RW 05" not in {p.name for p in load_places(session, active).places}
    rollback(session, "kampung")
    assert "Kampung Hijau RW 05" in {p.name for p in load_places(session, active).places}
    assert get_place(session, "kampung-0").name == "Kampung Hijau RW 05"


def test_stale_form_is_refused_and_nothing_is_stored(session):
    old = _base(session)
    assert _save(session, _input()).saved
    with pytest.raises(GeoappError) as err:
        save_place(session, _input(name="Kampung Lain"), user="x", base_id=old)
    assert err.value.status == 409 and err.value.code == "place_admin.changed"
    with pytest.raises(GeoappError):
        delete_place(session, "kampung-0", user="x", base_id=old)
    assert len(list_datasets(session, "kampung")) == 2


def test_corrections_store_nothing(session):
    outcome = _save(session, _input(kelurahan=SUKARASA))
    assert not outcome.saved and outcome.checked.corrections
    assert len(list_datasets(session, "kampung")) == 1


def test_first_place_of_a_program_without_data_starts_version_one(session):
    outcome = save_place(session, _input(kind="ecofarm", name="Ecofarm Uji", theme="agrowisata"),
                            user="perencana", base_id=None)
    assert outcome.saved and outcome.dataset.version == 1
    headers = json.loads(outcome.dataset.headers_json)
    assert headers == ["Nama", "Jenis", "Alamat", "Kontak", "Kelurahan", "Kecamatan",
                       "Lintang", "Bujur"]
    place = get_place(session, "ecofarm-0")
    assert place.theme == "agrowisata" and place.kode == SUKAASIH


def test_unknown_or_changed_kind_ids_are_refused(session):
    for bad in ("kampung-99", "kampung-2", "sekolah-1", "kampung-x"):   # 2 is the total row
        with pytest.raises(GeoappError) as err:
            get_place(session, bad)
        assert err.value.status == 404
    with pytest.raises(GeoappError) as err:
        save_place(session, _input(kind="kwt"), user="x", base_id=_base(session, "kwt"),
                      place_id="kampung-0")
    assert err.value.code == "place_admin.kind_fixed"


def test_markup_in_a_name_is_stored_as_plain_text(session):
    name = "<script>alert(1)</script> & co"
    outcome = _save(session, _input(name=name))
    assert outcome.saved
    assert get_place(session, "kampung-3").name == name


def test_a_version_activated_meanwhile_is_kept_and_the_save_refused(session, monkeypatch):
    """Someone else's version becomes active between our check and our activation."""
    real_stage = staging.stage_import

    def racing_stage(s, **kw):
        other = real_stage(s, **{**kw, "title": "other planner", "user": "lain"})
        activate(s, other.id)
        return real_stage(s, **kw)

    monkeypatch.setattr(staging, "stage_import", racing_stage)
    with pytest.raises(GeoappError) as err:
        _save(session, _input())
    assert err.value.status == 409
    active = active_dataset(session, "kampung")
    assert active.title == "other planner"
    states = {d.title: d.state for d in list_datasets(session, "kampung", include_deleted=True)}
    assert states["Kampung tematik — tambah 'Kampung Literasi RW 09' oleh perencana"] == "deleted"


# --------------------------------------------------------------------------- column map


def test_place_roles_are_in_the_map_stored_at_staging(session):
    stored = json.loads(active_dataset(session, "kampung").columns_json)["roles"]
    assert {r: stored[r] for r in ("name", "place_theme", "kelurahan", "kecamatan", "address",
                                   "contact", "lat", "lon")} == {
        "name": 0, "place_theme": 1, "kelurahan": 2, "kecamatan": 3, "address": 4,
        "contact": 5, "lat": 6, "lon": 7}
    kwt = detect_columns("kwt", ["Nama KWT", "Jenis Tanaman", "Kode Kelurahan", "Kelurahan",
                                 "Latitude", "Longitude"], [])
    assert kwt.position("theme") is None and kwt.position("place_theme") == 1
    assert kwt.position("kelurahan") == 3                  # not the code column
    assert (kwt.position("lat"), kwt.position("lon")) == (4, 5)


def test_finder_and_editor_read_the_stored_map_not_the_headers(session):
    ds = active_dataset(session, "kampung")
    moved = json.loads(ds.columns_json)
    moved["roles"].update(name=8, contact=None)      # pretend "Catatan" holds the names
    session.execute(update(Dataset).where(Dataset.id == ds.id)
                    .values(columns_json=json.dumps(moved)))
    session.commit()
    finder = {p.id: p for p in load_places(session, ActiveVersions()).places}
    editor = get_place(session, "kampung-0")
    assert finder["kampung-0"].name == editor.name == "asli"
    assert finder["kampung-0"].contact is editor.contact is None
    assert editor.address == finder["kampung-0"].address == "Jl. A"


def test_a_newer_version_confirmed_meanwhile_supersedes_the_edit(session, monkeypatch):
    """Issue #13: a newer version (staged after ours) becomes active before ours is
    activated. Ours is superseded (never active), then deleted, and the save refused;
    the newer version stays active throughout (it is never archived and put back)."""
    from geoapp.store import list_events

    real_stage = staging.stage_import
    newer_id = {}

    def racing_stage(s, **kw):
        ours = real_stage(s, **kw)
        other = real_stage(s, **{**kw, "title": "newer planner", "user": "lain"})
        activate(s, other.id)
        newer_id["id"] = other.id
        return ours

    monkeypatch.setattr(staging, "stage_import", racing_stage)
    with pytest.raises(GeoappError) as err:
        _save(session, _input())
    assert err.value.status == 409 and err.value.code == "place_admin.changed"
    assert active_dataset(session, "kampung").title == "newer planner"
    states = {d.title: d.state for d in list_datasets(session, "kampung", include_deleted=True)}
    assert states["Kampung tematik — tambah 'Kampung Literasi RW 09' oleh perencana"] == "deleted"
    newer_events = [e.action for e in list_events(session).events
                    if e.dataset_id == newer_id["id"]]
    assert newer_events == ["dataset.import"]
