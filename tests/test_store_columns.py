"""Column maps: found once when a version is stored, read by role, kept for older databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from geoapp import figures
from geoapp.core.programs import PROGRAMS, ROLES, ColumnMap, detect_columns
from geoapp.store import (
    PROGRAMS as STORE_PROGRAMS,
)
from geoapp.store import (
    activate,
    create_engine_for,
    init_db,
    session_factory,
    stage_import,
)
from geoapp.store.active import ActiveVersions
from geoapp.store.columns import cell, cells_by_role, dataset_columns
from geoapp.store.models import Dataset

KEL_A, KEL_B = "36.71.01.1001", "36.71.01.1002"
HEADERS = ["No", "Kode Wilayah", "Program", "Jumlah Kelompok", "Nilai Bantuan (Rp)", "Tahun"]


def _row(kode, kelompok, program="Tangerang BISA", tahun="2020"):
    return {"cells": ["1", kode, program, str(kelompok), "100", tahun], "kode": kode,
            "status": "matched", "measures": {"Jumlah Kelompok": kelompok,
                                              "Nilai Bantuan (Rp)": 100}}


ROWS = [_row(KEL_A, 3), _row(KEL_B, 5, "Emas", "2021.0")]


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "geoapp.sqlite3"


@pytest.fixture
def engine(db_path):
    eng = create_engine_for(db_path)
    init_db(eng)
    yield eng
    eng.dispose()


def _import(session, rows=ROWS, headers=HEADERS):
    ds = stage_import(session, program="umkm", title="Uji", rows=rows, headers=headers,
                      ledger={}, report={}, source_sha256="", source_name="uji.csv", user="uji")
    return activate(session, ds.id)


def _figures(session):
    active = ActiveVersions()
    layer = figures.area_layer(session, active, "umkm-kelompok").frame.set_index("kode")
    options = figures.filter_options(session, active)
    return layer.loc[[KEL_A, KEL_B], "value"].tolist(), options["subprograms"], options["years"]


def test_the_store_uses_the_one_program_registry():
    assert STORE_PROGRAMS == tuple(PROGRAMS)


def test_main_figures_of_every_program():
    main = {p: figures.catalog.main_layer(p).key for p in PROGRAMS}
    assert main == {"umkm": "umkm-kelompok", "blk": "blk-peserta", "kwt": "kwt-jumlah",
                    "ecofarm": "ecofarm-jumlah", "kampung": "kampung-jumlah",
                    "jobfair": "jobfair-lowongan", "penduduk": "penduduk"}


def test_detect_columns_finds_roles_and_measures():
    found = detect_columns("umkm", HEADERS, ["Jumlah Kelompok", "Nilai Bantuan (Rp)"])
    assert found.position("year") == 5 and found.position("sub") == 2
    assert found.position("name") is None and found.position("alamat") is None
    assert found.measure_names() == {"kelompok": "Jumlah Kelompok", "nilai": "Nilai Bantuan (Rp)"}
    assert ColumnMap.from_dict(json.loads(json.dumps(found.as_dict()))) == found


def test_place_address_is_lokasi_unless_that_is_the_name():
    place = detect_columns("kampung", ["Nama Lokasi", "Tema", "Alamat Lengkap", "Telp"], [])
    assert place.position("name") == 0 and place.position("address") == 2
    assert place.position("alamat") == 2 and place.position("contact") == 3
    other = detect_columns("kampung", ["Nama", "Lokasi", "Alamat"], [])
    assert other.position("address") == 1 and other.position("alamat") == 2


def test_cells_by_role():
    columns = detect_columns("umkm", HEADERS, [])
    cells = ["1", KEL_A, "  Tangerang   BISA ", "3", "100", ""]
    assert cells_by_role(cells, columns, ["sub", "year", "name"]) == {
        "sub": "Tangerang BISA", "year": None, "name": None}
    assert cell(cells, 99) is None and cell(cells, None) is None


def test_the_map_is_stored_when_a_version_is_staged(engine):
    with session_factory(engine)() as s:
        ds = _import(s)
        stored = json.loads(ds.columns_json)
    assert set(stored["roles"]) == set(ROLES)
    assert stored["roles"]["year"] == 5 and stored["measures"]["kelompok"] == "Jumlah Kelompok"


def test_figures_read_the_stored_map_not_the_headers(engine):
    with session_factory(engine)() as s:
        ds = _import(s)
        moved = json.loads(ds.columns_json)
        moved["roles"]["sub"] = 1            # pretend the sub-program column is "Kode Wilayah"
        s.execute(text("UPDATE datasets SET columns_json = :c WHERE id = :id"),
                  {"c": json.dumps(moved), "id": ds.id})
        s.commit()
        assert _figures(s)[1] == {"umkm": [KEL_A, KEL_B]}


def test_a_database_from_before_the_column_map_keeps_working(engine, db_path):
    with session_factory(engine)() as s:
        _import(s)
        before = _figures(s)
    engine.dispose()
    old = create_engine_for(db_path)    # make it look like a database from before migrations
    with old.begin() as connection:
        connection.execute(text("ALTER TABLE datasets DROP COLUMN columns_json"))
        connection.execute(text("DROP TABLE alembic_version"))
    init_db(old)                                      # adds the column and fills the maps
    try:
        with session_factory(old)() as s:
            ds = s.query(Dataset).one()
            assert json.loads(ds.columns_json)["roles"]["year"] == 5
            assert _figures(s) == before == ([3.0, 5.0], {"umkm": ["Emas", "Tangerang BISA"]},
                                             ["2020", "2021"])
    finally:
        old.dispose()


def test_a_version_without_a_stored_map_is_detected_on_read(engine):
    with session_factory(engine)() as s:
        ds = _import(s)
        stored = dataset_columns(ds)
        before = _figures(s)
        s.execute(text("UPDATE datasets SET columns_json = '' WHERE id = :id"), {"id": ds.id})
        s.commit()
        s.refresh(ds)
        assert dataset_columns(ds) == stored and _figures(s) == before
    init_db(engine)                                   # ... and stored at the next start
    with session_factory(engine)() as s:
        assert json.loads(s.get(Dataset, ds.id).columns_json) == stored.as_dict()


def test_a_map_stored_before_a_role_was_added_is_detected_then_stored_again(engine):
    with session_factory(engine)() as s:
        ds = _import(s)
        full = dataset_columns(ds)
        older = json.loads(ds.columns_json)
        for role in ("place_theme", "kelurahan", "kecamatan", "lat", "lon"):
            del older["roles"][role]
        s.execute(text("UPDATE datasets SET columns_json = :c WHERE id = :id"),
                  {"c": json.dumps(older), "id": ds.id})
        s.commit()
        s.refresh(ds)
        assert dataset_columns(ds) == full                # detected from the headers on read
    init_db(engine)                                       # ... and stored at the next start
    with session_factory(engine)() as s:
        assert json.loads(s.get(Dataset, ds.id).columns_json) == full.as_dict()
