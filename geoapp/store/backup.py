"""Back up and restore a whole geoapp instance as one ZIP file.

The archive holds the database (copied with SQLite's online backup API, so it is a
consistent snapshot even while the server writes), the alias file, the upload folder,
``config.toml`` and the secret key, plus a manifest with every member's size and
SHA-256. Restore trusts nothing in the archive: only the expected member names are
accepted (no paths of the user's choosing), sizes and counts are bounded, checksums
must agree and the database must pass SQLite's integrity check. The new instance is
assembled next to the old one and swapped in by renaming; the old one is kept as
``<instance>.bak``. A running server (holding the instance lock) is never replaced
unless ``force`` is given.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.settings import CONFIG_FILE, load_settings

FORMAT = "geoapp-backup"
FORMAT_VERSION = 1
MANIFEST = "geoapp-backup.json"
DATABASE_MEMBER = "database.sqlite3"
ALIASES_MEMBER = "aliases.csv"
SECRET_FILE = "secret_key"  # same name as geoapp.web.security.SECRET_FILE (no Flask here)
LOCK_FILE = "server.lock"
UPLOAD_PREFIX = "uploads/"
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}\.(upload|json)$")
MEMBER_NAME = re.compile(
    r"^(geoapp-backup\.json|database\.sqlite3|aliases\.csv|config\.toml|secret_key"
    r"|uploads/[0-9a-f]{32}\.(upload|json))$"
)
MAX_MEMBERS = 5000
MAX_MEMBER_BYTES = 2 * 1024**3
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_SMALL_BYTES = 1024 * 1024  # manifest, config.toml, secret key
MAX_RATIO = 200                # compression ratio per member above 1 MiB
_CHUNK = 1024 * 1024
_SQLITE_MAGIC = b"SQLite format 3\x00"

NOT_A_BACKUP = Msg(
    "backup.not_a_backup",
    id="Berkas {path} bukan cadangan geoapp yang valid: {reason}. Gunakan berkas dari 'geoapp backup'.",
    en="The file {path} is not a valid geoapp backup: {reason}. Use a file made by 'geoapp backup'.",
)
UNSAFE_ARCHIVE = Msg(
    "backup.unsafe",
    id="Cadangan {path} ditolak: {reason}. Berkas ini tidak dibuat oleh 'geoapp backup' atau telah diubah.",
    en="The backup {path} was refused: {reason}. It was not made by 'geoapp backup' or has been altered.",
)
NO_DATABASE = Msg(
    "backup.no_database",
    id="Basis data {path} tidak ada, jadi tidak ada yang dapat dicadangkan. Periksa --instance dan pengaturan DATABASE.",
    en="The database {path} does not exist, so there is nothing to back up. Check --instance and the DATABASE setting.",
)
RUNNING = Msg(
    "backup.running",
    id="Server geoapp sedang berjalan pada instance {path}. Hentikan server dulu, atau tambahkan --force (lalu mulai ulang server).",
    en="A geoapp server is running on the instance {path}. Stop it first, or add --force (and restart the server afterwards).",
)
OUTSIDE_INSTANCE = Msg(
    "backup.outside",
    id="Pengaturan {name} menunjuk ke {path}, di luar folder instance {instance}. Pemulihan hanya menulis di dalam folder instance; gunakan jalur relatif.",
    en="The {name} setting points to {path}, outside the instance folder {instance}. Restore only writes inside the instance folder; use a relative path.",
)
WRITE_FAILED = Msg(
    "backup.write_failed",
    id="Tidak dapat menulis {path}: {reason}. Periksa ruang disk dan izin folder.",
    en="Could not write {path}: {reason}. Check the free disk space and folder permissions.",
)


@dataclass
class BackupInfo:
    """What a backup or restore wrote."""

    archive: str
    instance: str
    members: dict[str, int] = field(default_factory=dict)  # name -> bytes
    previous: str | None = None  # restore: where the replaced instance was kept


# ---------------------------------------------------------------------------- backup

def instance_paths(instance: Path, settings: Mapping[str, Any] | None = None) -> dict[str, Path]:
    """Database, alias file and upload folder of an instance (from its settings)."""
    values = dict(settings) if settings is not None else load_settings(instance)
    return {
        "DATABASE": Path(values["DATABASE"]),
        "ALIASES": Path(values.get("ALIASES") or instance / ALIASES_MEMBER),
        "UPLOAD_DIR": Path(values.get("UPLOAD_DIR") or instance / "uploads"),
    }


def copy_database(source: Path, target: Path) -> None:
    """Snapshot a live SQLite database into ``target`` with the online backup API."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one step: a consistent snapshot; WAL writers are not blocked
        dst.execute("PRAGMA journal_mode = DELETE")  # a self-contained single file
    finally:
        dst.close()
        src.close()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _collect(instance: Path, paths: dict[str, Path], snapshot: Path) -> dict[str, Path]:
    """Archive member name -> file on disk."""
    files = {DATABASE_MEMBER: snapshot}
    for name, path in ((ALIASES_MEMBER, paths["ALIASES"]), (CONFIG_FILE, instance / CONFIG_FILE),
                       (SECRET_FILE, instance / SECRET_FILE)):
        if path.is_file():
            files[name] = path
    uploads = paths["UPLOAD_DIR"]
    if uploads.is_dir():
        for path in sorted(uploads.iterdir()):
            if UPLOAD_NAME.match(path.name) and path.is_file() and not path.is_symlink():
                files[UPLOAD_PREFIX + path.name] = path
    return files


def backup_instance(instance: str | Path, out: str | Path, *,
                    settings: Mapping[str, Any] | None = None) -> BackupInfo:
    """Write the whole instance to the ZIP file ``out`` (replaced atomically)."""
    instance, out = Path(instance).resolve(), Path(out).resolve()
    paths = instance_paths(instance, settings)
    if not paths["DATABASE"].is_file():
        raise GeoappError(NO_DATABASE, 404, path=str(paths["DATABASE"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".geoapp-backup-") as tmp:
        snapshot = Path(tmp) / DATABASE_MEMBER
        copy_database(paths["DATABASE"], snapshot)
        files = _collect(instance, paths, snapshot)
        partial = Path(tmp) / "archive.zip"
        members = _write_zip(partial, files)
        try:
            os.replace(partial, out)
        except OSError as exc:
            raise GeoappError(WRITE_FAILED, 507, path=str(out), reason=exc.strerror or "") from None
    return BackupInfo(str(out), str(instance), members)


def _write_zip(target: Path, files: dict[str, Path]) -> dict[str, int]:
    manifest = {"format": FORMAT, "version": FORMAT_VERSION,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "files": {}}
    try:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, path in files.items():
                data_sha = _sha256_file(path)
                archive.write(path, name)
                manifest["files"][name] = {"size": path.stat().st_size, "sha256": data_sha}
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    except OSError as exc:
        raise GeoappError(WRITE_FAILED, 507, path=str(target), reason=exc.strerror or "") from None
    return {name: meta["size"] for name, meta in manifest["files"].items()}


# ---------------------------------------------------------------------------- running check

@contextmanager
def instance_lock(instance: str | Path) -> Iterator[bool]:
    """Hold the instance's server lock while the block runs; yields False if it is taken.

    The server holds it for its whole life; the kernel releases it when the process
    dies (even by SIGKILL), so a crashed server never blocks a restore.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: cannot tell, assume free
        yield True
        return
    path = Path(instance) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def hold_instance_lock(instance: str | Path) -> Any:
    """Take the server lock for the life of the process; return the open handle (or None)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return None
    path = Path(instance) / LOCK_FILE
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def is_running(instance: str | Path) -> bool:
    """True when a server currently holds the instance lock."""
    if not Path(instance).is_dir():
        return False
    with instance_lock(instance) as free:
        return not free


# ---------------------------------------------------------------------------- restore

def _refuse(path: Path, reason: str) -> GeoappError:
    return GeoappError(UNSAFE_ARCHIVE, 400, path=str(path), reason=reason)


def check_members(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Only expected names, no duplicates, bounded counts, sizes and ratios."""
    if len(infos) > MAX_MEMBERS:
        raise _refuse(path, f"{len(infos)} members (limit {MAX_MEMBERS})")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if not MEMBER_NAME.match(name):
            raise _refuse(path, f"unexpected member name {name[:100]!r}")
        if name in seen:
            raise _refuse(path, f"member {name!r} appears twice")
        seen.add(name)
        small = name in (MANIFEST, CONFIG_FILE, SECRET_FILE)
        if info.file_size > (MAX_SMALL_BYTES if small else MAX_MEMBER_BYTES):
            raise _refuse(path, f"member {name!r} is too large ({info.file_size} bytes)")
        if info.file_size > MAX_SMALL_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(path, f"member {name!r} is compressed suspiciously well")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise _refuse(path, f"{total} bytes in total (limit {MAX_TOTAL_BYTES})")
    if MANIFEST not in seen or DATABASE_MEMBER not in seen:
        raise GeoappError(NOT_A_BACKUP, 400, path=str(path), reason="manifest or database missing")


def read_manifest(path: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest, checked to describe exactly the archive's other members."""
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
        files = manifest["files"]
        ok = manifest.get("format") == FORMAT and isinstance(files, dict)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        ok = False
    if not ok:
        raise GeoappError(NOT_A_BACKUP, 400, path=str(path), reason="unreadable manifest")
    if int(manifest.get("version", 0)) > FORMAT_VERSION:
        raise GeoappError(NOT_A_BACKUP, 400, path=str(path), reason="made by a newer geoapp")
    present = {i.filename for i in archive.infolist()} - {MANIFEST}
    if set(files) != present:
        raise _refuse(path, "the manifest does not list exactly the archived files")
    return manifest


def _extract_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                    target: Path, expected: Mapping[str, Any]) -> int:
    """Stream one member to ``target``, never writing more than it declared; check its SHA-256."""
    digest, written = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(info) as src, target.open("xb") as dst:
        for block in iter(lambda: src.read(_CHUNK), b""):
            written += len(block)
            if written > info.file_size:
                raise _refuse(path, f"member {info.filename!r} is larger than declared")
            digest.update(block)
            dst.write(block)
    if digest.hexdigest() != str(expected.get("sha256")) or written != expected.get("size"):
        raise _refuse(path, f"checksum of {info.filename!r} does not match the manifest")
    return written


def check_database(path: Path, database: Path) -> None:
    """The restored file is an SQLite database with geoapp's tables that passes integrity_check."""
    with database.open("rb") as handle:
        if handle.read(16) != _SQLITE_MAGIC:
            raise GeoappError(NOT_A_BACKUP, 400, path=str(path), reason="the database is not SQLite")
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        status = con.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError:
        status, tables = "unreadable", set()
    finally:
        con.close()
    if status != "ok" or not {"datasets", "dataset_rows", "users"} <= tables:
        raise GeoappError(NOT_A_BACKUP, 400, path=str(path), reason="the database is damaged or not geoapp's")


def _relative(name: str, value: Path, staging: Path, instance: Path) -> Path:
    """Where a path setting lands inside the instance (refused when outside it)."""
    for base in (staging, instance):
        try:
            return value.resolve().relative_to(base.resolve())
        except ValueError:
            continue
    raise GeoappError(OUTSIDE_INSTANCE, 400, name=name, path=str(value), instance=str(instance))


def _layout(staging: Path, instance: Path) -> dict[str, Path]:
    """Member name (or prefix) -> file inside ``staging``, following the restored config."""
    paths = instance_paths(staging)  # reads the restored config.toml (validated here)
    return {
        DATABASE_MEMBER: staging / _relative("DATABASE", paths["DATABASE"], staging, instance),
        ALIASES_MEMBER: staging / _relative("ALIASES", paths["ALIASES"], staging, instance),
        UPLOAD_PREFIX: staging / _relative("UPLOAD_DIR", paths["UPLOAD_DIR"], staging, instance),
    }


def _unpack(path: Path, archive: zipfile.ZipFile, staging: Path, instance: Path) -> dict[str, int]:
    manifest = read_manifest(path, archive)
    infos = {i.filename: i for i in archive.infolist()}
    written: dict[str, int] = {}
    for name in (CONFIG_FILE, SECRET_FILE):  # config first: it decides the other paths
        if name in infos:
            written[name] = _extract_member(path, archive, infos[name], staging / name,
                                            manifest["files"][name])
    layout = _layout(staging, instance)
    for name, info in infos.items():
        if name == MANIFEST or name in written:
            continue
        if name.startswith(UPLOAD_PREFIX):
            target = layout[UPLOAD_PREFIX] / name[len(UPLOAD_PREFIX):]
        else:
            target = layout[name]
        written[name] = _extract_member(path, archive, info, target, manifest["files"][name])
    check_database(path, layout[DATABASE_MEMBER])
    return written


def _backup_name(instance: Path) -> Path:
    candidate = instance.with_name(instance.name + ".bak")
    number = 2
    while candidate.exists():
        candidate = instance.with_name(f"{instance.name}.bak.{number}")
        number += 1
    return candidate


def open_archive(path: Path) -> zipfile.ZipFile:
    """Open and check the archive's member list (names, counts, sizes)."""
    if not path.is_file():
        raise GeoappError(NOT_A_BACKUP, 404, path=str(path), reason="file not found")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise GeoappError(NOT_A_BACKUP, 400, path=str(path), reason="not a ZIP file") from None
    try:
        check_members(path, archive.infolist())
    except BaseException:
        archive.close()
        raise
    return archive


def restore_instance(archive_path: str | Path, instance: str | Path, *,
                     force: bool = False) -> BackupInfo:
    """Replace ``instance`` by the archive's content; the old one is kept as ``.bak``.

    Refuses while a server holds the instance lock unless ``force``. Nothing is touched
    until the whole archive has been unpacked and checked next to the instance.
    """
    path, instance = Path(archive_path).resolve(), Path(instance).resolve()
    if not force and is_running(instance):
        raise GeoappError(RUNNING, 409, path=str(instance))
    instance.parent.mkdir(parents=True, exist_ok=True)
    staging = instance.with_name(f".{instance.name}.restore-{secrets.token_hex(4)}")
    staging.mkdir()
    try:
        with open_archive(path) as archive:
            members = _safe_unpack(path, archive, staging, instance)
        previous = _swap_in(staging, instance)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BackupInfo(str(path), str(instance), members, previous)


def _safe_unpack(path: Path, archive: zipfile.ZipFile, staging: Path,
                 instance: Path) -> dict[str, int]:
    """``_unpack`` with damaged-archive and disk errors turned into user messages."""
    try:
        return _unpack(path, archive, staging, instance)
    except (zipfile.BadZipFile, zlib.error, EOFError, FileExistsError):
        raise GeoappError(NOT_A_BACKUP, 400, path=str(path), reason="damaged archive") from None
    except OSError as exc:
        raise GeoappError(WRITE_FAILED, 507, path=str(staging), reason=exc.strerror or "") from None


def _swap_in(staging: Path, instance: Path) -> str | None:
    """Rename the old instance to ``.bak`` and the staging folder into its place."""
    previous = None
    if instance.exists():
        kept = _backup_name(instance)
        os.replace(instance, kept)
        previous = str(kept)
    os.replace(staging, instance)
    return previous
