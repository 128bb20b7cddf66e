"""geoapp.store.active: the generation row, active infos without TTL, the one bounded cache."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text, update

from geoapp.store import (
    activate,
    create_engine_for,
    delete_dataset,
    init_db,
    rollback,
    session_factory,
    stage_import,
)
from geoapp.store.active import ActiveVersions, read_generation
from geoapp.store.models import Base, DatasetRow

KEL_A = "36.71.01.1001"


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "db" / "geoapp.sqlite3"


@pytest.fixture
def engine(db_path):
    eng = create_engine_for(db_path)
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    with session_factory(engine)() as s:
        yield s


def stage(session, program="umkm", modal=1.0):
    rows = [{"cells": [KEL_A, str(modal)], "kode": KEL_A, "status": "matched",
             "measures": {"Modal": modal}}]
    return stage_import(session, program=program, title="Uji", rows=rows,
                        headers=["Kode", "Modal"], ledger={}, report={}, source_sha256="",
                        source_name="uji.csv", user="uji")


def test_init_db_creates_the_row_once_and_keeps_it(engine, session):
    first = read_generation(session)
    assert first is not None and first[0] == 0 and len(first[1]) == 16
    init_db(engine)
    assert read_generation(session) == first


def test_staging_does_not_bump_but_activation_and_rollback_do(session):
    start = read_generation(session)
    staged = stage(session)
    assert read_generation(session) == start
    activate(session, staged.id)
    after_activate = read_generation(session)
    assert after_activate[0] > start[0] and after_activate[1] != start[1]
    activate(session, stage(session, modal=2.0).id)
    after_second = read_generation(session)
    assert after_second[0] > after_activate[0]
    rollback(session, "umkm")
    assert read_generation(session)[0] > after_second[0]


def test_deleting_an_archived_version_does_not_bump(session):
    first = activate(session, stage(session).id)
    activate(session, stage(session, modal=2.0).id)
    before = read_generation(session)
    delete_dataset(session, first.id, user="uji")
    assert read_generation(session) == before


def test_changing_rows_of_the_active_version_bumps(session):
    ds = activate(session, stage(session).id)
    before = read_generation(session)
    session.execute(update(DatasetRow).where(DatasetRow.dataset_id == ds.id).values(note="x"))
    session.commit()
    assert read_generation(session)[0] == before[0] + 1


def test_a_rolled_back_change_leaves_the_generation(session):
    ds = stage(session)
    before = read_generation(session)
    session.execute(text("UPDATE datasets SET state = 'active' WHERE id = :id"), {"id": ds.id})
    assert read_generation(session) != before      # the session sees its own change
    session.rollback()
    assert read_generation(session) == before


def test_infos_follow_changes_made_by_another_process_at_once(engine, db_path, session):
    active = ActiveVersions()
    assert active.infos(session) == {}
    other = create_engine_for(db_path)            # a second server or the CLI
    try:
        with session_factory(other)() as elsewhere:
            activate(elsewhere, stage(elsewhere).id)
        session.rollback()                        # end the read snapshot, as a request would
        infos = active.infos(session)
        assert list(infos) == ["umkm"] and infos["umkm"].version == 1
        with session_factory(other)() as elsewhere:
            activate(elsewhere, stage(elsewhere, modal=2.0).id)
        session.rollback()
        assert active.infos(session)["umkm"].version == 2
    finally:
        other.dispose()


def test_infos_are_read_once_per_generation(session, monkeypatch):
    from geoapp.store import active as module

    activate(session, stage(session).id)
    calls = []
    real = module.query_infos
    monkeypatch.setattr(module, "query_infos", lambda s: calls.append(1) or real(s))
    service = ActiveVersions()
    first = service.infos(session)
    first["umkm"] = None                          # callers get a private dict
    again = service.infos(session)
    assert len(calls) == 1 and again["umkm"] is not None
    activate(session, stage(session, modal=2.0).id)
    assert service.infos(session)["umkm"].version == 2 and len(calls) == 2


def test_identity_names_the_version_and_the_database(session, tmp_path):
    active = ActiveVersions()
    assert active.identity(session) == ()
    ds = activate(session, stage(session).id)
    blk = activate(session, stage(session, program="blk").id)
    identity = active.identity(session, ["umkm", "kwt"])
    assert len(identity) == 1 and ds.id in identity[0] and str(session.get_bind().url) in identity[0]
    assert active.identity(session) == active.identity(session, ["blk", "umkm"])
    assert active.identity(session)[0][2] == blk.id
    new = activate(session, stage(session, modal=3.0).id)
    assert active.identity(session, ["umkm"])[0][2] == new.id


def test_without_the_generation_row_infos_are_always_queried(tmp_path):
    eng = create_engine_for(tmp_path / "bare.sqlite3")
    Base.metadata.create_all(eng)                 # no init_db: no row, no triggers
    try:
        with session_factory(eng)() as s:
            active = ActiveVersions()
            assert read_generation(s) is None and active.infos(s) == {}
            activate(s, stage(s).id)
            assert active.infos(s)["umkm"].version == 1
    finally:
        eng.dispose()


def test_cache_is_bounded_least_recently_used_first():
    active = ActiveVersions(max_entries=2)
    calls = []

    def compute(name):
        return lambda: calls.append(name) or name.upper()

    assert active.cached("a", compute("a")) == "A"
    assert active.cached("b", compute("b")) == "B"
    assert active.cached("a", compute("a")) == "A"      # hit: "a" is now the newest
    active.cached("c", compute("c"))                     # evicts "b"
    active.cached("a", compute("a"))
    active.cached("b", compute("b"))
    assert calls == ["a", "b", "c", "b"]
    active.clear()
    active.cached("a", compute("a"))
    assert calls[-1] == "a"


def test_cache_is_safe_under_threads():
    active = ActiveVersions(max_entries=50)
    errors = []

    def work(n):
        try:
            for i in range(500):
                key = (n + i) % 80
                assert active.cached(key, lambda k=key: k * 2) == key * 2
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(active) <= 50
