"""Dataset store: atomic imports, versions, rollback, delete, compare, users, adapter."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from geoapp.core.errors import GeoappError
from geoapp.store import (
    activate,
    active_dataset,
    authenticate,
    cleanup_staged,
    compare,
    create_engine_for,
    delete_dataset,
    details,
    ensure_default_planner,
    get_dataset,
    has_role,
    init_db,
    list_datasets,
    rollback,
    row_dicts,
    session_factory,
    set_password,
    stage_import,
)
from geoapp.store import staged as staged_module
from geoapp.store.lifecycle import STAGED_MAX_AGE
from geoapp.store.models import Dataset, DatasetRow, utcnow

KEL_A = "36.71.01.1001"
KEL_B = "36.71.01.1002"


@pytest.fixture
def engine(tmp_path):
    eng = create_engine_for(tmp_path / "db" / "geoapp.sqlite3")
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    with session_factory(engine)() as s:
        yield s


def row(kode, status="matched", modal=None, is_total=False, **extra):
    return {"cells": [kode or "", str(modal)], "kode": kode, "status": status, "method": "kode",
            "score": 100.0, "note": "", "measures": {"Modal": modal}, "is_total": is_total, **extra}


def stage(session, rows, program="umkm", **kw):
    args = dict(program=program, title="Bantuan UMKM 2025", rows=rows, headers=["Kode", "Modal"],
                ledger={"rows_in": len(rows)}, report={"ok": True}, source_sha256="ab" * 32,
                source_name="umkm.xlsx", user="planner")
    args.update(kw)
    return stage_import(session, **args)


def import_version(session, rows, program="umkm", **kw):
    return activate(session, stage(session, rows, program, **kw).id)


def test_wal_and_foreign_keys_are_on(engine, tmp_path):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_stage_then_activate_makes_version_visible(session):
    ds = stage(session, [row(KEL_A, modal=10), row(None, "unmatched", modal=5)])
    assert ds.state == "staged" and ds.version == 1
    assert list_datasets(session) == [] and get_dataset(session, ds.id) is None
    activate(session, ds.id)
    assert active_dataset(session, "umkm").id == ds.id
    info = details(get_dataset(session, ds.id))
    assert (info["rows"], info["matched"], info["unmatched"]) == (2, 1, 1)
    assert info["ledger"] == {"rows_in": 2} and info["measures"] == ["Modal"]
    assert info["imported_at"].endswith("Z")


def test_versions_increment_per_program(session):
    v1 = import_version(session, [row(KEL_A, modal=1)])
    v2 = import_version(session, [row(KEL_A, modal=2)])
    other = import_version(session, [row(KEL_A, modal=2)], program="blk")
    assert (v1.version, v2.version, other.version) == (1, 2, 1)
    session.refresh(v1)
    assert v1.state == "archived" and v2.state == "active" and v2.previous_id == v1.id
    assert [d.version for d in list_datasets(session, "umkm")] == [2, 1]


def test_failure_midway_leaves_previous_version_intact(session, monkeypatch):
    v1 = import_version(session, [row(KEL_A, modal=1)])
    monkeypatch.setattr(staged_module, "_CHUNK", 2)  # rows really reach the DB first
    real = staged_module._row_values
    calls = {"n": 0}

    def failing(dataset_id, index, values, *year_at):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk went away")
        return real(dataset_id, index, values, *year_at)

    monkeypatch.setattr(staged_module, "_row_values", failing)
    with pytest.raises(RuntimeError):
        stage(session, [row(KEL_B, modal=i) for i in range(8)])
    assert calls["n"] == 5
    assert active_dataset(session, "umkm").id == v1.id
    assert session.scalar(select(func.count(Dataset.id))) == 1
    assert session.scalar(select(func.count(DatasetRow.id))) == 1


def test_storing_reports_progress_per_batch(session, monkeypatch):
    monkeypatch.setattr(staged_module, "_CHUNK", 3)
    seen = []
    ds = stage(session, [row(KEL_A, modal=i) for i in range(7)],
               progress=lambda done, total: seen.append((done, total)))
    assert seen == [(3, 7), (6, 7), (7, 7)]
    assert ds.row_count == 7 and [r["measures"]["Modal"] for r in row_dicts(session, ds.id)] == list(range(7))


def test_invalid_row_status_rejects_whole_import(session):
    with pytest.raises(GeoappError) as err:
        stage(session, [row(KEL_A, modal=1), row(KEL_A, status="bogus")])
    assert err.value.status == 400 and "bogus" in err.value.text("en")
    assert session.scalar(select(func.count(DatasetRow.id))) == 0


def test_unknown_program_names_allowed_ones(session):
    with pytest.raises(GeoappError) as err:
        stage(session, [row(KEL_A)], program="kopi")
    assert "kopi" in err.value.text("id") and "umkm" in err.value.text("id")


def _age(session, dataset_id, age):
    session.execute(update(Dataset).where(Dataset.id == dataset_id)
                    .values(imported_at=utcnow() - age))
    session.commit()


def test_crashed_staged_import_is_cleaned_on_start(engine, session):
    crashed = stage(session, [row(KEL_A, modal=1)])  # never activated: a crash before activation
    _age(session, crashed.id, STAGED_MAX_AGE + timedelta(minutes=1))
    init_db(engine)  # what the app does on start
    assert session.scalar(select(func.count(Dataset.id))) == 0
    assert session.scalar(select(func.count(DatasetRow.id))) == 0
    assert cleanup_staged(session) == 0


def test_start_keeps_a_staged_import_that_may_be_in_progress(engine, session):
    """Another process starting (create_app, ``geoapp set-password``) must not remove an
    import staged a moment ago and about to be activated; only an old one goes."""
    fresh = stage(session, [row(KEL_A, modal=1)])
    recent = stage(session, [row(KEL_A, modal=2)], program="blk")
    _age(session, recent.id, STAGED_MAX_AGE - timedelta(minutes=5))
    old = stage(session, [row(KEL_A, modal=3)], program="kwt")
    _age(session, old.id, STAGED_MAX_AGE + timedelta(minutes=5))
    init_db(engine)
    init_db(engine)  # a second start
    left = set(session.scalars(select(Dataset.id).execution_options(populate_existing=True)))
    assert left == {fresh.id, recent.id}
    assert session.scalar(select(func.count(DatasetRow.id))) == 2
    assert activate(session, fresh.id).state == "active"  # the import can still finish


def test_activate_twice_is_refused(session):
    ds = import_version(session, [row(KEL_A)])
    with pytest.raises(GeoappError) as err:
        activate(session, ds.id)
    assert err.value.status == 409
    with pytest.raises(GeoappError) as err:
        activate(session, 999)
    assert err.value.status == 404


def test_only_one_active_per_program_enforced_by_database(engine, session):
    import_version(session, [row(KEL_A)])
    stage(session, [row(KEL_A)])
    raw = sqlite3.connect(engine.url.database)
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("UPDATE datasets SET state='active' WHERE state='staged'")
    raw.close()


def test_rollback_follows_replacement_chain(session):
    v1 = import_version(session, [row(KEL_A, modal=1)])
    v2 = import_version(session, [row(KEL_A, modal=2)])
    v3 = import_version(session, [row(KEL_A, modal=3)])
    assert rollback(session, "umkm").id == v2.id
    assert rollback(session, "umkm").id == v1.id
    with pytest.raises(GeoappError) as err:
        rollback(session, "umkm")
    assert err.value.status == 409
    assert {d.id: d.state for d in list_datasets(session)} == {
        v1.id: "active", v2.id: "archived", v3.id: "archived"}


def test_rollback_after_new_import_returns_to_previous_active(session):
    v1 = import_version(session, [row(KEL_A)])
    import_version(session, [row(KEL_A)])
    rollback(session, "umkm")  # v1 active again
    import_version(session, [row(KEL_A)])  # v3 replaces v1
    assert rollback(session, "umkm").id == v1.id


def test_rollback_without_active_version(session):
    with pytest.raises(GeoappError) as err:
        rollback(session, "kwt")
    assert err.value.status == 409 and "kwt" in err.value.text("en")


def test_delete_is_soft_and_refuses_active(session):
    v1 = import_version(session, [row(KEL_A)])
    v2 = import_version(session, [row(KEL_A)])
    with pytest.raises(GeoappError) as err:
        delete_dataset(session, v2.id)
    assert err.value.status == 409 and "roll back" in err.value.text("en").lower()
    delete_dataset(session, v1.id, user="admin")
    assert [d.id for d in list_datasets(session)] == [v2.id]
    assert get_dataset(session, v1.id) is None
    assert list_datasets(session, include_deleted=True)[-1].deleted_by == "admin"
    assert len(row_dicts(session, v1.id)) == 1  # soft: rows kept
    with pytest.raises(GeoappError) as err:  # the deleted version is skipped by rollback
        rollback(session, "umkm")
    assert err.value.status == 409
    with pytest.raises(GeoappError):
        delete_dataset(session, 12345)


def test_compare_counts_sums_and_kelurahan(session):
    a = import_version(session, [row(KEL_A, modal=10), row(KEL_B, modal=5),
                                 row(None, "unmatched", modal=1),
                                 row(None, "excluded", modal=100),
                                 row(None, "matched", modal=16, is_total=True)])
    b = import_version(session, [row(KEL_A, modal=10), row(KEL_B, modal=7),
                                 row(KEL_B, modal=None)])
    out = compare(session, a.id, b.id)
    assert out["rows"] == {"a": 5, "b": 3, "diff": -2}
    assert out["status"]["unmatched"] == {"a": 1, "b": 0, "diff": -1}
    assert out["measures"]["Modal"] == {"a": 16.0, "b": 17.0, "diff": 1.0}
    assert [k["kode"] for k in out["kelurahan"]] == [KEL_B]
    assert out["kelurahan"][0]["rows"] == {"a": 1, "b": 2, "diff": 1}
    json.dumps(out, allow_nan=False)


def test_compare_no_data_is_not_zero(session):
    a = import_version(session, [row(KEL_A, modal=None)])
    b = import_version(session, [row(KEL_A, modal=0)])
    out = compare(session, a.id, b.id)
    assert out["measures"]["Modal"] == {"a": None, "b": 0.0, "diff": None}
    assert out["kelurahan"][0]["kode"] == KEL_A


def test_nan_measures_and_suggestions_stored_as_strict_json(session):
    ds = import_version(session, [row(KEL_A, modal=float("nan"), score=float("inf"),
                                      suggestions=[{"kode": KEL_B, "score": float("nan")}])])
    stored = row_dicts(session, ds.id)[0]
    assert stored["measures"] == {"Modal": None} and stored["score"] is None
    assert stored["suggestions"] == [{"kode": KEL_B, "score": None}]


def test_users_roles_and_authentication(session):
    creds = ensure_default_planner(session)
    assert creds is not None and creds[0] == "planner" and len(creds[1]) >= 12
    assert ensure_default_planner(session) is None  # only on first start
    assert authenticate(session, "planner", creds[1]).role == "planner"
    assert authenticate(session, "planner", "wrong-password") is None
    assert authenticate(session, "nobody", creds[1]) is None
    set_password(session, "kepala", "rahasia-panjang", "admin")
    assert authenticate(session, "kepala", "rahasia-panjang").role == "admin"
    assert has_role("admin", "planner") and not has_role("planner", "admin")
    assert not has_role(None, "planner")


@pytest.mark.parametrize("username,password,role", [
    ("a", "longenough", "planner"), ("ok_user", "short", "planner"),
    ("ok_user", "longenough", "root"), ("bad name", "longenough", "admin")])
def test_set_password_validates(session, username, password, role):
    with pytest.raises(GeoappError) as err:
        set_password(session, username, password, role)
    assert err.value.status == 400


def test_password_is_hashed(session):
    user = set_password(session, "kepala", "rahasia-panjang", "admin")
    assert "rahasia-panjang" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
