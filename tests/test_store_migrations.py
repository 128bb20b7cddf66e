"""Schema migrations (geoapp.store.migrations) and ``geoapp db upgrade`` on SQLite; the
same on PostgreSQL in tests/test_store_postgres.py."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner

from geoapp.cli import main
from geoapp.core.errors import GeoappError
from geoapp.store import create_engine_for, init_db
from geoapp.store.engine import database_url, upgrade_url
from geoapp.store.migrations import (
    BASELINE,
    current_revision,
    head_revision,
    own_object,
    upgrade,
)
from geoapp.store.migrations.schema import create_schema
from geoapp.store.models import Base


def schema_differences(engine) -> list:
    """What differs between the database's schema and the models (alembic's comparison)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": own_object})
        return compare_metadata(context, Base.metadata)


def sqlite_objects(path) -> set[tuple[str, str]]:
    with sqlite3.connect(path) as con:
        return {(t, n) for t, n in con.execute("SELECT type, name FROM sqlite_master")
                if "alembic_version" not in n}


def test_database_url_defaults_to_the_sqlite_file_of_database():
    assert database_url({"DATABASE": "/srv/g.sqlite3", "DATABASE_URL": ""}) == "sqlite:////srv/g.sqlite3"
    url = "postgresql+psycopg://u@h/db"
    assert database_url({"DATABASE": "/srv/g.sqlite3", "DATABASE_URL": url}) == url


def test_migrations_make_the_schema_init_db_makes(tmp_path):
    migrated = create_engine_for(tmp_path / "migrated.sqlite3")
    migrated.connect().close()              # the file exists: every revision is run on it
    assert upgrade(migrated) == (None, head_revision())
    assert schema_differences(migrated) == []
    started = create_engine_for(tmp_path / "started.sqlite3")
    init_db(started)                        # a new file: a copy of the migrated template
    # the app's start gives the same tables, indexes and triggers
    assert current_revision(started) == head_revision() and schema_differences(started) == []
    assert sqlite_objects(tmp_path / "migrated.sqlite3") == sqlite_objects(tmp_path / "started.sqlite3")
    assert any(t == "trigger" for t, _ in sqlite_objects(tmp_path / "migrated.sqlite3"))
    assert {"uploads", "user_aliases", "rate_counters", "app_settings"} <= {
        n for t, n in sqlite_objects(tmp_path / "started.sqlite3") if t == "table"}


def test_a_new_file_is_a_template_copy_and_an_existing_one_is_never_replaced(tmp_path):
    from geoapp.store.migrations.template import create_from_template

    def no_migration(_engine):
        raise AssertionError("the template is made once per process")

    first = create_engine_for(tmp_path / "first.sqlite3")
    assert upgrade(first) == (None, head_revision())     # made the template if needed
    second = create_engine_for(tmp_path / "second.sqlite3")
    assert create_from_template(second, head_revision(), no_migration)
    assert schema_differences(second) == [] and current_revision(second) == head_revision()
    with second.begin() as connection:
        connection.exec_driver_sql("INSERT INTO app_settings (name, value) VALUES ('x', 'y')")
    assert not create_from_template(second, head_revision(), no_migration)   # it exists
    with second.connect() as connection:
        assert connection.exec_driver_sql("SELECT value FROM app_settings").scalar() == "y"


def legacy_sqlite(path):
    """A SQLite file as geoapp made it before migrations: the schema from the models of
    that time (``create_schema`` without the tables added since), no alembic_version."""
    engine = create_engine_for(path)
    create_schema(engine)
    with engine.begin() as connection:
        for table in ("uploads", "user_aliases", "rate_counters", "app_settings"):
            connection.exec_driver_sql(f"DROP TABLE {table}")
        connection.exec_driver_sql("INSERT INTO users (username, password_hash, role, created_at) "
                                   "VALUES ('budi', 'x', 'planner', '2026-01-01 00:00:00')")
    return engine


def test_a_database_made_before_migrations_is_adopted(tmp_path):
    engine = legacy_sqlite(tmp_path / "old.sqlite3")
    assert current_revision(engine) is None
    assert upgrade(engine) == (None, head_revision())
    assert current_revision(engine) == head_revision() and BASELINE <= head_revision()
    with engine.connect() as connection:   # kept, not re-created
        assert connection.exec_driver_sql("SELECT username FROM users").scalars().all() == ["budi"]
    init_db(engine)   # the app still starts on it
    assert schema_differences(engine) == []


def test_app_start_adopts_a_database_made_before_migrations(tmp_path, monkeypatch):
    engine = legacy_sqlite(tmp_path / "old.sqlite3")
    init_db(engine)   # what create_app does
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT username FROM users").scalars().all() == ["budi"]

    def no_alembic(*_a, **_k):
        raise AssertionError("a database at the newest revision is not migrated again")

    monkeypatch.setattr("geoapp.store.migrations.command.upgrade", no_alembic)
    init_db(engine)   # the next start: one read of alembic_version


def test_db_upgrade_command_on_the_instance_sqlite(tmp_path, monkeypatch):
    monkeypatch.delenv("GEOAPP_DATABASE_URL", raising=False)
    monkeypatch.delenv("GEOAPP_DATABASE", raising=False)
    runner = CliRunner()
    args = ["--lang", "en", "db", "upgrade", "--instance", str(tmp_path / "inst")]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert f"upgraded from none (new database) to revision {head_revision()}" in first.output
    assert (tmp_path / "inst" / "geoapp.sqlite3").is_file()
    again = runner.invoke(main, args)
    assert again.exit_code == 0 and "already at the newest revision" in again.output


def test_db_upgrade_refuses_other_databases_in_the_users_language(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOAPP_DATABASE_URL", "mysql://root:rahasia@db/geo")
    result = CliRunner().invoke(main, ["--lang", "id", "db", "upgrade", "--instance", str(tmp_path)])
    assert result.exit_code != 0
    assert "DATABASE_URL" in result.output and "rahasia" not in result.output
    assert "Traceback" not in result.output
    with pytest.raises(GeoappError) as caught:
        upgrade_url("postgresql+psycopg://u:rahasia@127.0.0.1:1/none")
    assert caught.value.code == "db.no_connection" and "rahasia" not in caught.value.text("en")
