"""The backup archive's format, and the checks an archive must pass before it is trusted.

Only the expected member names are accepted (no paths of the user's choosing), counts,
sizes and compression ratios are bounded, the manifest must list exactly the archived
files with their SHA-256, and the database must pass SQLite's integrity check (a
PostgreSQL dump: ``postgres.check_dump``).
"""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from collections.abc import Mapping
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
PG_DATABASE_MEMBER = "database.pgdump"   # pg_dump -Fc of a PostgreSQL instance's database
DATABASE_MEMBERS = (DATABASE_MEMBER, PG_DATABASE_MEMBER)
ALIASES_MEMBER = "aliases.csv"
SECRET_FILE = "secret_key"  # same name as geoapp.web.security.SECRET_FILE (no Flask here)
UPLOAD_PREFIX = "uploads/"
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}\.(upload|json)$")
MEMBER_NAME = re.compile(
    r"^(geoapp-backup\.json|database\.sqlite3|database\.pgdump|aliases\.csv|config\.toml|secret_key"
    r"|uploads/[0-9a-f]{32}\.(upload|json))$"
)
MAX_MEMBERS = 5000
MAX_MEMBER_BYTES = 2 * 1024**3
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_SMALL_BYTES = 1024 * 1024  # manifest, config.toml, secret key
MAX_RATIO = 200                # compression ratio per member above 1 MiB
CHUNK = 1024 * 1024
_SQLITE_MAGIC = b"SQLite format 3\x00"

NOT_A_BACKUP = Msg(
    "backup.not_a_backup",
    "The file {path} is not a valid geoapp backup: {reason}. Use a file made by 'geoapp backup'.",
)
UNSAFE_ARCHIVE = Msg(
    "backup.unsafe",
    "The backup {path} was refused: {reason}. It was not made by 'geoapp "
    "backup' or has been altered.",
)
OTHER_DATABASE = Msg(
    "backup.other_database",
    "The backup {path} holds a {found} database, but this instance keeps its data in "
    "{wanted} (settings DATABASE and DATABASE_URL). Restore it into an instance on the same "
    "kind of database.",
)
WRITE_FAILED = Msg(
    "backup.write_failed",
    "Could not write {path}: {reason}. Check the free disk space and folder permissions.",
)


@dataclass
class BackupInfo:
    """What a backup or restore wrote."""

    archive: str
    instance: str
    members: dict[str, int] = field(default_factory=dict)  # name -> bytes
    previous: str | None = None  # restore: where the replaced instance was kept
    skipped: list[str] = field(default_factory=list)  # backup: files that vanished meanwhile


def instance_paths(instance: Path, settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Database, alias file and upload folder of an instance (from its settings);
    ``DATABASE_URL`` is the PostgreSQL URL of an instance on PostgreSQL, else None."""
    values = dict(settings) if settings is not None else load_settings(instance)
    url = str(values.get("DATABASE_URL") or "").strip()
    postgres = bool(url) and not url.startswith("sqlite:///")
    return {
        "DATABASE": Path(url.removeprefix("sqlite:///") if url and not postgres
                         else values["DATABASE"]),
        "DATABASE_URL": url if postgres else None,
        "ALIASES": Path(values.get("ALIASES") or instance / ALIASES_MEMBER),
        "UPLOAD_DIR": Path(values.get("UPLOAD_DIR") or instance / "uploads"),
    }


def refuse(path: Path, reason: str) -> GeoappError:
    """The 400 for an archive that is not what ``geoapp backup`` writes."""
    return GeoappError(UNSAFE_ARCHIVE, 400, path=str(path), reason=reason)


def check_members(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Only expected names, no duplicates, bounded counts, sizes and ratios."""
    if len(infos) > MAX_MEMBERS:
        raise refuse(path, f"{len(infos)} members (limit {MAX_MEMBERS})")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if not MEMBER_NAME.match(name):
            raise refuse(path, f"unexpected member name {name[:100]!r}")
        if name in seen:
            raise refuse(path, f"member {name!r} appears twice")
        seen.add(name)
        small = name in (MANIFEST, CONFIG_FILE, SECRET_FILE)
        if info.file_size > (MAX_SMALL_BYTES if small else MAX_MEMBER_BYTES):
            raise refuse(path, f"member {name!r} is too large ({info.file_size} bytes)")
        if info.file_size > MAX_SMALL_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refuse(path, f"member {name!r} is compressed suspiciously well")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise refuse(path, f"{total} bytes in total (limit {MAX_TOTAL_BYTES})")
    if MANIFEST not in seen or len(seen & set(DATABASE_MEMBERS)) != 1:
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
        raise refuse(path, "the manifest does not list exactly the archived files")
    return manifest


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

