"""geoapp backup / restore of an instance on PostgreSQL (marker ``postgres``): the database
travels as a ``pg_dump -Fc`` file inside the same ZIP archive and comes back with
``pg_restore`` in one transaction; a backup of the other kind of database is refused."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from postgres import pg_url  # noqa: F401  (fixture)
from sqlalchemy import text

from geoapp.cli.main import main
from geoapp.core.errors import GeoappError
from geoapp.imports.staging import ImportRequest, import_file
from geoapp.store import backup as bk
from geoapp.store import create_engine_for, init_db, session_factory, set_password
from geoapp.store.backup import postgres as pg_backup

pytestmark = pytest.mark.postgres
TABLES = ("datasets", "dataset_rows", "users")


def facts(url: str) -> dict:
    """Every row of geoapp's main tables, as plain values."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            return {t: [tuple(r) for r in connection.execute(
                text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}  # noqa: S608
    finally:
        engine.dispose()


@pytest.fixture
def instance(pg_url, tmp_path, monkeypatch, sample_dir):  # noqa: F811
    """An instance folder whose data lives in the PostgreSQL database of ``pg_url``."""
    monkeypatch.setenv("GEOAPP_DATABASE_URL", pg_url)
    inst = tmp_path / "instance"
    inst.mkdir()
    (inst / "secret_key").write_text("a" * 64, encoding="ascii")
    engine = create_engine_for(pg_url)
    init_db(engine)
    with session_factory(engine)() as session:
        set_password(session, "perencana", "rahasia-panjang-1", "planner")
        data = sample_dir / "bantuan_umkm_pkl.csv"
        import_file(session, ImportRequest(program="umkm", data=data.read_bytes(),
                                           filename=data.name, title="UMKM", user="tes"))
    engine.dispose()
    return inst


def change_data(url: str) -> None:
    engine = create_engine_for(url)
    with session_factory(engine)() as session:
        set_password(session, "perencana", "kata-sandi-baru-2", "admin")
        set_password(session, "tamu", "kata-sandi-tamu-3", "planner")
        session.execute(text("DELETE FROM dataset_rows WHERE id IN "
                             "(SELECT id FROM dataset_rows ORDER BY id LIMIT 5)"))
        session.commit()
    engine.dispose()


def test_backup_change_restore_brings_the_data_back(instance, pg_url, tmp_path):  # noqa: F811
    before = facts(pg_url)
    assert before["dataset_rows"] and before["users"]
    info = bk.backup_instance(instance, tmp_path / "b.zip")
    assert set(info.members) == {"database.pgdump", "secret_key"}
    change_data(pg_url)
    changed = facts(pg_url)
    assert changed != before
    restored = bk.restore_instance(tmp_path / "b.zip", instance)
    assert facts(pg_url) == before
    kept = tmp_path / "instance.bak" / "previous-database.pgdump"
    assert restored.previous == str(kept.parent) and kept.is_file()   # the replaced data
    assert not (instance / "database.pgdump").exists()
    # the app still starts on the restored database (its migrations are all there)
    engine = create_engine_for(pg_url)
    init_db(engine)
    engine.dispose()
    assert facts(pg_url) == before


def test_cli_backup_and_restore_on_postgresql(instance, pg_url, tmp_path):  # noqa: F811
    runner, out = CliRunner(), tmp_path / "cli.zip"
    result = runner.invoke(main, ["--lang", "en", "backup", str(out), "--instance", str(instance)])
    assert result.exit_code == 0, result.output
    before = facts(pg_url)
    change_data(pg_url)
    result = runner.invoke(main, ["--lang", "en", "restore", str(out), "--instance", str(instance)])
    assert result.exit_code == 0, result.output
    assert facts(pg_url) == before


def test_missing_pg_dump_is_a_clear_error(instance, pg_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(pg_backup.shutil, "which", lambda name: None)
    result = CliRunner().invoke(main, ["--lang", "en", "backup", str(tmp_path / "x.zip"),
                                       "--instance", str(instance)])
    assert result.exit_code != 0 and "pg_dump was not found" in result.output
    assert "postgresql-client" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.zip").exists()


def test_sqlite_backup_is_refused_by_a_postgresql_instance(instance, pg_url, tmp_path,  # noqa: F811
                                                          monkeypatch):
    sqlite_instance = tmp_path / "lite"
    engine = create_engine_for(sqlite_instance / "geoapp.sqlite3")
    init_db(engine)
    engine.dispose()
    before = facts(pg_url)
    with monkeypatch.context() as patch:
        patch.delenv("GEOAPP_DATABASE_URL")
        bk.backup_instance(sqlite_instance, tmp_path / "lite.zip")
    with pytest.raises(GeoappError) as caught:
        bk.restore_instance(tmp_path / "lite.zip", instance)
    assert caught.value.code == "backup.other_database" and caught.value.status == 409
    assert facts(pg_url) == before and not (tmp_path / "instance.bak").exists()
