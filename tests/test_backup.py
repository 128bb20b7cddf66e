"""geoapp backup / restore: whole-instance round trip, live backups, hostile archives."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sample_app import DB_NAME, copy_instance, open_sessions, sample_template  # noqa: F401
from sqlalchemy import text
from sqlalchemy.orm import Session

from geoapp.cli.main import main
from geoapp.core.errors import GeoappError
from geoapp.imports.staging import ImportRequest, import_file
from geoapp.store import backup as bk
from geoapp.store import create_engine_for, set_password

TOKEN = "0123456789abcdef0123456789abcdef"
pytestmark = pytest.mark.sqlite_only(
    reason="reads and damages the instance's SQLite file; tests/test_backup_postgres.py "
    "covers backup and restore on PostgreSQL")


@pytest.fixture
def instance(sample_template, tmp_path):  # noqa: F811
    """A private sample instance with a user, aliases, config, secret key and an upload."""
    inst = copy_instance(sample_template, tmp_path / "instance")
    sessions = open_sessions(inst)
    with sessions() as session:
        set_password(session, "perencana", "rahasia-panjang-1", "planner")
    sessions.kw["bind"].dispose()
    (inst / "aliases.csv").write_text("nama,kode,kecamatan\nCipete Raya,36.71.01.1001,\n", encoding="utf-8")
    (inst / "config.toml").write_text("MAX_ROWS = 40000\n", encoding="utf-8")
    (inst / "secret_key").write_text("a" * 64, encoding="ascii")
    (inst / "uploads").mkdir()
    (inst / "uploads" / f"{TOKEN}.upload").write_bytes(b"kelurahan;jumlah\nSukasari;3\n")
    (inst / "uploads" / f"{TOKEN}.json").write_text('{"token": "x"}', encoding="utf-8")
    return inst


def snapshot(inst: Path) -> dict:
    """Everything a restore must bring back, as plain values."""
    con = sqlite3.connect(inst / DB_NAME)
    try:
        tables = {t: con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()  # noqa: S608
                  for t in ("datasets", "dataset_rows", "users")}
    finally:
        con.close()
    files = {p.relative_to(inst).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(inst.rglob("*")) if p.is_file()
             and p.name not in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", bk.LOCK_FILE)
             and "sample" not in p.parts}
    return {**tables, "files": files}


def change_everything(inst: Path) -> None:
    sessions = open_sessions(inst)
    with sessions() as session:
        set_password(session, "perencana", "kata-sandi-baru-2", "admin")
        set_password(session, "tamu", "kata-sandi-tamu-3", "planner")
        session.execute(text("DELETE FROM dataset_rows WHERE id IN (SELECT id FROM dataset_rows LIMIT 5)"))
        session.commit()
    sessions.kw["bind"].dispose()
    (inst / "aliases.csv").write_text("nama,kode,kecamatan\n", encoding="utf-8")
    (inst / "uploads" / f"{TOKEN}.upload").unlink()


def test_backup_change_restore_gives_identical_instance(instance, tmp_path):
    before = snapshot(instance)
    info = bk.backup_instance(instance, tmp_path / "out" / "backup.zip")
    assert set(info.members) >= {"database.sqlite3", "aliases.csv", "config.toml", "secret_key",
                                 f"uploads/{TOKEN}.upload", f"uploads/{TOKEN}.json"}
    change_everything(instance)
    assert snapshot(instance) != before
    restored = bk.restore_instance(tmp_path / "out" / "backup.zip", instance)
    after = snapshot(instance)
    for key in ("datasets", "dataset_rows", "users", "files"):
        assert after[key] == before[key], key
    assert restored.previous == str(instance.with_name("instance.bak"))
    assert snapshot(Path(restored.previous))["users"] != before["users"]  # the old one is kept
    assert not list(tmp_path.glob(".instance.restore-*"))


def test_second_restore_keeps_both_previous_instances(instance, tmp_path):
    archive = tmp_path / "b.zip"
    bk.backup_instance(instance, archive)
    first = bk.restore_instance(archive, instance).previous
    second = bk.restore_instance(archive, instance).previous
    assert first != second and Path(first).is_dir() and Path(second).is_dir()


def test_backup_while_a_writer_imports(instance, tmp_path, sample_dir):
    """Each snapshot taken during imports is a consistent database (no half-written version)."""
    data = sample_dir / "bantuan_umkm_pkl.csv"
    request = ImportRequest(program="umkm", data=data.read_bytes(), filename=data.name,
                            title="UMKM ulang", user="tes")
    engine = create_engine_for(instance / DB_NAME)
    errors: list[BaseException] = []
    stop = threading.Event()
    imported: list[int] = []

    def writer() -> None:
        try:
            with Session(engine) as session:
                while not stop.is_set():
                    imported.append(import_file(session, request).id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    archives = []
    try:
        while len(imported) < 3 or len(archives) < 4:  # backups overlap several imports
            archives.append(bk.backup_instance(instance, tmp_path / f"live{len(archives)}.zip").archive)
            if len(archives) > 200:
                break
    finally:
        stop.set()
        thread.join(timeout=120)
        engine.dispose()
    assert not errors and len(imported) >= 3
    for i, archive in enumerate(archives[:: max(1, len(archives) // 6)]):
        target = bk.restore_instance(archive, tmp_path / f"restored{i}").instance
        con = sqlite3.connect(Path(target) / DB_NAME)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = con.execute(
                "SELECT d.id, d.row_count, (SELECT count(*) FROM dataset_rows r WHERE r.dataset_id = d.id)"
                " FROM datasets d WHERE d.state != 'staged'").fetchall()
            active = con.execute("SELECT count(*) FROM datasets WHERE program='umkm' AND state='active'").fetchone()
        finally:
            con.close()
        assert all(rows == counted for _, rows, counted in stored)
        assert active == (1,)


def _rewrite(archive: Path, target: Path, *, extra: dict[str, bytes] | None = None,
             replace: dict[str, bytes] | None = None, fix_manifest: bool = True) -> Path:
    """A copy of ``archive`` with members added/replaced (manifest updated if asked)."""
    with zipfile.ZipFile(archive) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    members.update(replace or {})
    members.update(extra or {})
    if fix_manifest:
        manifest = json.loads(members[bk.MANIFEST])
        manifest["files"] = {n: {"size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                             for n, d in members.items() if n != bk.MANIFEST}
        members[bk.MANIFEST] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)
    return target


@pytest.mark.parametrize("case", ["traversal", "absolute", "unexpected", "checksum", "not_sqlite",
                                  "no_manifest", "not_zip"])
def test_restore_refuses_bad_archives_and_touches_nothing(instance, tmp_path, case):
    good = tmp_path / "good.zip"
    bk.backup_instance(instance, good)
    bad = tmp_path / "bad.zip"
    if case == "traversal":
        _rewrite(good, bad, extra={"../../evil.txt": b"x"})
    elif case == "absolute":
        _rewrite(good, bad, extra={"/etc/evil": b"x"})
    elif case == "unexpected":
        _rewrite(good, bad, extra={"uploads/../config.toml": b"x"})
    elif case == "checksum":
        _rewrite(good, bad, replace={"aliases.csv": b"nama,kode\nX,36.71.01.1001\n"}, fix_manifest=False)
    elif case == "not_sqlite":
        _rewrite(good, bad, replace={"database.sqlite3": b"not a database at all" * 10})
    elif case == "no_manifest":
        with zipfile.ZipFile(bad, "w") as out:
            out.writestr("database.sqlite3", (instance / DB_NAME).read_bytes())
    else:
        bad.write_bytes(b"PK\x03\x04 broken")
    before = snapshot(instance)
    with pytest.raises(GeoappError) as info:
        bk.restore_instance(bad, instance)
    assert str(bad) in info.value.text("en")
    assert snapshot(instance) == before
    assert not instance.with_name("instance.bak").exists()
    assert not list(tmp_path.glob(".instance.restore-*"))
    assert not (tmp_path.parent / "evil.txt").exists()


def test_restore_refuses_a_running_instance_unless_forced(instance, tmp_path):
    archive = tmp_path / "b.zip"
    bk.backup_instance(instance, archive)
    handle = bk.hold_instance_lock(instance)  # what `geoapp serve` holds
    try:
        assert bk.is_running(instance)
        with pytest.raises(GeoappError) as info:
            bk.restore_instance(archive, instance)
        assert info.value.status == 409 and "--force" in info.value.text("en")
        assert bk.restore_instance(archive, instance, force=True).previous
    finally:
        handle.close()
    assert not bk.is_running(instance)


def test_cli_backup_and_restore(instance, tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli.zip"
    result = runner.invoke(main, ["--lang", "en", "backup", str(out), "--instance", str(instance)])
    assert result.exit_code == 0, result.output
    assert "Backup of the instance" in result.output and out.is_file()
    result = runner.invoke(main, ["--lang", "en", "restore", str(out), "--instance", str(instance)])
    assert result.exit_code == 0, result.output
    assert "instance.bak" in result.output


def test_cli_restore_bad_archive_is_one_clean_message(instance, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"garbage")
    result = CliRunner().invoke(main, ["--lang", "en", "restore", str(bad), "--instance", str(instance)])
    assert result.exit_code == 2
    assert "not a valid geoapp backup" in result.output and "Traceback" not in result.output


def test_backup_without_database_names_it(tmp_path):
    with pytest.raises(GeoappError) as info:
        bk.backup_instance(tmp_path / "empty", tmp_path / "x.zip")
    assert "geoapp.sqlite3" in info.value.text("en")


# --------------------------------------------------------------------------- issue #13 point 1

TOKEN2 = "fedcba9876543210fedcba9876543210"


def _vanish_after_listing(monkeypatch, action):
    """Run ``action(files)`` right after the backup listed the files and before it reads them."""
    from geoapp.store.backup import create

    listed = create._collect

    def collect_then_act(*args, **kwargs):
        files = listed(*args, **kwargs)
        action(files)
        return files

    monkeypatch.setattr(create, "_collect", collect_then_act)


def test_upload_discarded_during_backup_is_skipped_and_counted(instance, tmp_path, monkeypatch):
    """A planner discards an upload while the backup runs: the backup still succeeds."""
    (instance / "uploads" / f"{TOKEN2}.upload").write_bytes(b"kelurahan;jumlah\nSukasari;9\n")
    (instance / "uploads" / f"{TOKEN2}.json").write_text('{"token": "y"}', encoding="utf-8")
    gone = [f"uploads/{TOKEN}.upload", f"uploads/{TOKEN}.json"]

    def discard(files):
        assert set(gone) <= set(files)              # listed ...
        files[gone[0]].unlink()                     # ... then gone before it is read

    _vanish_after_listing(monkeypatch, discard)
    before = snapshot(instance)
    archive = tmp_path / "out" / "live.zip"
    info = bk.backup_instance(instance, archive)
    assert sorted(info.skipped) == sorted(gone)      # the upload's other file is left out too
    assert not set(gone) & set(info.members) and f"uploads/{TOKEN2}.upload" in info.members
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read(bk.MANIFEST))
    assert sorted(manifest["skipped"]) == sorted(gone) and not set(gone) & set(manifest["files"])
    restored = bk.restore_instance(archive, tmp_path / "restored").instance
    after = snapshot(Path(restored))
    assert after["datasets"] == before["datasets"] and after["users"] == before["users"]
    assert set(after["files"]) == set(before["files"]) - set(gone)


def test_cli_backup_says_how_many_files_vanished(instance, tmp_path, monkeypatch):
    upload = instance / "uploads" / f"{TOKEN}.upload"
    _vanish_after_listing(monkeypatch, lambda files: upload.unlink())
    out = tmp_path / "cli.zip"
    for lang, words in (("en", "2 files were left out"), ("id", "2 berkas tidak ikut")):
        if not upload.exists():
            upload.write_bytes(b"x")
        result = CliRunner().invoke(main, ["--lang", lang, "backup", str(out), "--instance",
                                           str(instance)])
        assert result.exit_code == 0, result.output
        assert words in result.output and f"{TOKEN}.upload" in result.output, result.output


def test_unreadable_source_file_is_named_as_a_read_error(instance, tmp_path, monkeypatch):
    """Something other than a vanished file: the message names the file that could not be read."""
    victim = instance / "uploads" / f"{TOKEN}.upload"

    def make_unreadable(files):
        victim.unlink()
        victim.mkdir()                              # still there, but cannot be read as a file

    _vanish_after_listing(monkeypatch, make_unreadable)
    out = tmp_path / "out.zip"
    with pytest.raises(GeoappError) as info:
        bk.backup_instance(instance, out)
    text = info.value.text("en")
    assert str(victim) in text and "read" in text.lower() and "archive.zip" not in text
    assert "disk space" not in text and not out.exists()
    assert not list(tmp_path.glob(".geoapp-backup-*"))
    victim.rmdir()
    victim.write_bytes(b"x")
    result = CliRunner().invoke(main, ["--lang", "en", "backup", str(out), "--instance",
                                       str(instance)])
    assert result.exit_code == 2 and str(victim) in result.output
    assert "Traceback" not in result.output


def test_unwritable_backup_target_names_the_target(instance, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "backup.zip"
    with pytest.raises(GeoappError) as info:
        bk.backup_instance(instance, out)
    assert str(out) in info.value.text("en") and "archive.zip" not in info.value.text("en")
