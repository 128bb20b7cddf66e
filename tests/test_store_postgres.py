"""The store on PostgreSQL (marker ``postgres``; see tests/postgres.py): the schema made by
``geoapp db upgrade``, and an import + activation read back with the same figures as SQLite."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest
from click.testing import CliRunner
from postgres import pg_url  # noqa: F401  (fixture)
from sqlalchemy import delete, inspect, text
from sqlalchemy.engine import make_url
from test_store_migrations import schema_differences

from geoapp.cli import main
from geoapp.figures import LAYERS, layer
from geoapp.imports.staging import ImportRequest, import_file, import_sample_data
from geoapp.store import (
    AuditEvent,
    Dataset,
    active_dataset,
    create_engine_for,
    delete_dataset,
    find_user,
    init_db,
    list_events,
    rollback,
    session_factory,
    set_actor,
    set_password,
    summary,
)
from geoapp.store.active import ActiveVersions, read_generation
from geoapp.store.logins import LockoutPolicy, attempt_login
from geoapp.store.migrations import current_revision, head_revision
from geoapp.store.sessions import end_sessions, session_epoch

pytestmark = pytest.mark.postgres

TABLES = {"users", "datasets", "dataset_rows", "store_generation", "audit_events",
          "account_states", "session_epochs", "login_throttles", "alembic_version"}


def test_db_upgrade_creates_the_schema_on_an_empty_database(pg_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("GEOAPP_DATABASE_URL", pg_url)
    args = ["--lang", "en", "db", "upgrade", "--instance", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert f"to revision {head_revision()}" in result.output
    engine = create_engine_for(pg_url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
        assert current_revision(engine) == head_revision()
        assert schema_differences(engine) == []
        assert not (tmp_path / "geoapp.sqlite3").exists()   # nothing written to SQLite
    finally:
        engine.dispose()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "already at the newest revision" in again.output


def _import_and_read(url: str, sample_dir) -> tuple[dict, tuple]:
    """Import every sample file (activated), then read every layer of the catalog; also
    the generation before and after the imports."""
    engine = create_engine_for(url)
    try:
        init_db(engine)
        with session_factory(engine)() as session:
            before = read_generation(session)
            imported = import_sample_data(session, sample_dir)
            after = read_generation(session)
            active = ActiveVersions()
            for dataset in imported:
                assert active.infos(session)[dataset.program].id == dataset.id
            facts = {"counts": [(d.program, d.row_count, d.matched_count, d.review_count,
                                 d.unmatched_count, d.excluded_count) for d in imported]}
            for key in LAYERS:
                data = layer(session, active, key)
                facts[key] = (pd.DataFrame(data.frame.to_wkt()), data.ledger, data.sample)
            return facts, (before, after)
    finally:
        engine.dispose()


def test_every_layer_on_postgresql_equals_sqlite(pg_url, sample_dir, tmp_path):  # noqa: F811
    pg_facts, (pg_before, pg_after) = _import_and_read(pg_url, sample_dir)
    lite_facts, _ = _import_and_read(f"sqlite:///{tmp_path / 'g.sqlite3'}", sample_dir)
    assert pg_facts["counts"] == lite_facts["counts"]
    for key in LAYERS:
        pg_frame, pg_ledger, pg_sample = pg_facts[key]
        lite_frame, lite_ledger, lite_sample = lite_facts[key]
        pd.testing.assert_frame_equal(pg_frame, lite_frame, obj=key)
        assert (pg_ledger, pg_sample) == (lite_ledger, lite_sample), key
    assert pg_facts["umkm-nilai"][0]["value"].notna().sum() > 10   # real figures
    assert pg_after[0] > pg_before[0]               # the generation trigger bumped
    assert pg_after[1] != pg_before[1]


def test_rollback_is_seen_through_the_generation_row(pg_url, sample_dir):  # noqa: F811
    engine = create_engine_for(pg_url)
    try:
        init_db(engine)
        sessions = session_factory(engine)
        data = (sample_dir / "bantuan_umkm_pkl.csv").read_bytes()
        ids = []
        with sessions() as session:
            for n in (1, 2):
                ids.append(import_file(session, ImportRequest(
                    program="umkm", data=data, filename="bantuan_umkm_pkl.csv",
                    title=f"UMKM {n}", user="uji")).id)
        versions = ActiveVersions()
        with sessions() as reader, sessions() as writer:
            assert versions.infos(reader)["umkm"].id == ids[1]
            rollback(writer, "umkm")
            reader.commit()   # a new transaction sees the other session's commit
            assert versions.infos(reader)["umkm"].id == ids[0]
    finally:
        engine.dispose()


def _audited_history(url: str, sample_dir) -> list[tuple]:
    """Two imports, a rollback by an admin and a delete; the audit log, oldest first."""
    engine = create_engine_for(url)
    try:
        init_db(engine)
        data = (sample_dir / "bantuan_umkm_pkl.csv").read_bytes()
        with session_factory(engine)() as session:
            for n in (1, 2):
                import_file(session, ImportRequest(program="umkm", data=data, title=f"UMKM {n}",
                                                   filename="bantuan_umkm_pkl.csv", user="budi"))
            set_actor(session, "admin")
            rollback(session, "umkm")
            second = active_dataset(session, "umkm").previous_id or 2
            delete_dataset(session, second, user="admin")
            events = list_events(session, per_page=50).events
            with pytest.raises(Exception, match="append-only"):   # the log cannot be edited
                session.execute(delete(AuditEvent))
                session.flush()
            session.rollback()
            return [(e.action, e.actor, e.actor_pending, e.target, e.dataset_id, e.program,
                     json.loads(e.details_json)) for e in reversed(events)]
    finally:
        engine.dispose()


def test_audit_log_on_postgresql_equals_sqlite(pg_url, sample_dir, tmp_path):  # noqa: F811
    on_pg = _audited_history(pg_url, sample_dir)
    on_sqlite = _audited_history(f"sqlite:///{tmp_path / 'g.sqlite3'}", sample_dir)
    assert on_pg == on_sqlite
    assert [e[0] for e in on_pg] == [
        "dataset.import", "dataset.archive", "dataset.import", "dataset.archive",
        "dataset.rollback", "dataset.delete"]
    assert [e[1] for e in on_pg][-3:] == ["admin", "admin", "admin"]   # claimed at commit
    assert not any(e[2] for e in on_pg)


def _account_story(url: str) -> tuple:
    """An account, three wrong logins (locked), the right one refused then accepted after
    the lock, then every session of the user ended."""
    engine = create_engine_for(url)
    try:
        init_db(engine)
        with session_factory(engine)() as session:
            set_password(session, "pat", "rahasia-123", "planner")
            policy = LockoutPolicy(failures=3, window=60, lock=60)
            locks = [attempt_login(session, " PAT ", "salah", now=1000.0 + i,
                                   policy=policy).locked_until for i in range(3)]
            refused = attempt_login(session, "pat", "rahasia-123", now=1010.0, policy=policy)
            accepted = attempt_login(session, "pat", "rahasia-123", now=1063.0, policy=policy)
            user = find_user(session, "pat")
            ended = end_sessions(session, user.id)
            return (locks, refused.user is None, accepted.user is not None, ended,
                    session_epoch(session, user.id))
    finally:
        engine.dispose()


def test_accounts_lockout_and_sessions_on_postgresql_equal_sqlite(pg_url, tmp_path):  # noqa: F811
    on_pg = _account_story(pg_url)
    assert on_pg == _account_story(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    assert on_pg == ([None, None, 1062.0], True, True, 2, 2)   # set_password bumped it once


def test_times_come_back_in_utc_whatever_the_server_time_zone(pg_url, sample_dir):  # noqa: F811
    jakarta = make_url(pg_url)
    jakarta = jakarta.update_query_dict(
        {"options": (jakarta.query.get("options", "") + " -ctimezone=Asia/Jakarta").strip()})
    engine = create_engine_for(jakarta.render_as_string(hide_password=False))
    try:
        init_db(engine)
        with session_factory(engine)() as session:
            assert session.execute(text("SHOW timezone")).scalar() == "UTC"
            dataset = import_file(session, ImportRequest(
                program="umkm", data=(sample_dir / "bantuan_umkm_pkl.csv").read_bytes(),
                filename="bantuan_umkm_pkl.csv", title="UMKM", user="uji"))
            session.expire_all()
            stored = session.get(Dataset, dataset.id)
            assert stored.imported_at.utcoffset() == timedelta(0)
            assert summary(stored)["imported_at"].endswith("Z")
    finally:
        engine.dispose()
