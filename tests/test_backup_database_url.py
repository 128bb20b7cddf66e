"""``geoapp backup``/``restore`` and the DATABASE_URL setting: a SQLite URL is backed up
like the DATABASE file; a PostgreSQL instance is dumped with pg_dump
(tests/test_backup_postgres.py), and a server it cannot reach is one clear message."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from geoapp.cli import main
from geoapp.core.errors import GeoappError
from geoapp.store.backup import backup_instance
from geoapp.store.backup.archive import instance_paths


def test_a_sqlite_url_names_the_database_file(tmp_path):
    paths = instance_paths(tmp_path, {"DATABASE": str(tmp_path / "unused.sqlite3"),
                                      "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}"})
    assert paths["DATABASE"] == tmp_path / "g.sqlite3"


def test_an_unreachable_postgresql_is_one_clean_message(tmp_path, monkeypatch):
    (tmp_path / "geoapp.sqlite3").write_bytes(b"a stale file the app no longer uses")
    monkeypatch.setenv("GEOAPP_DATABASE_URL", "postgresql+psycopg://geo:rahasia@127.0.0.1:1/geo")
    with pytest.raises(GeoappError) as caught:
        backup_instance(tmp_path, tmp_path / "out.zip")
    assert caught.value.code == "backup.pg_tool_failed"
    assert "rahasia" not in caught.value.text("en") and not (tmp_path / "out.zip").exists()
    result = CliRunner().invoke(main, ["--lang", "en", "backup", str(tmp_path / "out.zip"),
                                       "--instance", str(tmp_path)])
    assert result.exit_code != 0 and "pg_dump failed" in result.output
    assert "Traceback" not in result.output and "rahasia" not in result.output
