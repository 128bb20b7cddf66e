"""Replace an instance by a backup's content; the old one is kept as ``<instance>.bak``.

The archive is unpacked and checked next to the instance (``geoapp.store.backup.archive``)
and swapped in by renaming. A running server (holding the instance lock) is never
replaced unless ``force`` is given. On PostgreSQL the database is not a file of the folder:
once the archive is checked, the current database is dumped into the old folder (kept as
``.bak`` with it, ``previous-database.pgdump``), then replaced by the archive's dump in one
transaction (``postgres.restore_database``), then the folders are swapped.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.settings import CONFIG_FILE
from geoapp.store.backup.archive import (
    ALIASES_MEMBER,
    CHUNK,
    DATABASE_MEMBER,
    MANIFEST,
    NOT_A_BACKUP,
    OTHER_DATABASE,
    PG_DATABASE_MEMBER,
    SECRET_FILE,
    UPLOAD_PREFIX,
    WRITE_FAILED,
    BackupInfo,
    check_database,
    instance_paths,
    open_archive,
    read_manifest,
    refuse,
)
from geoapp.store.backup.lock import is_running
from geoapp.store.backup.postgres import check_dump, dump_database, restore_database

PREVIOUS_DUMP = "previous-database.pgdump"

RUNNING = Msg(
    "backup.running",
    "A geoapp server is running on the instance {path}. Stop it first, or add --force (and "
    "restart the server afterwards).",
)
OUTSIDE_INSTANCE = Msg(
    "backup.outside",
    "The {name} setting points to {path}, outside the instance folder {instance}. Restore only "
    "writes inside the instance folder; use a relative path.",
)


def _extract_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                    target: Path, expected: Mapping[str, Any]) -> int:
    """Stream one member to ``target``, never writing more than it declared; check its SHA-256."""
    digest, written = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(info) as src, target.open("xb") as dst:
        for block in iter(lambda: src.read(CHUNK), b""):
            written += len(block)
            if written > info.file_size:
                raise refuse(path, f"member {info.filename!r} is larger than declared")
            digest.update(block)
            dst.write(block)
    if digest.hexdigest() != str(expected.get("sha256")) or written != expected.get("size"):
        raise refuse(path, f"checksum of {info.filename!r} does not match the manifest")
    return written


def _relative(name: str, value: Path, staging: Path, instance: Path) -> Path:
    """Where a path setting lands inside the instance (refused when outside it)."""
    for base in (staging, instance):
        try:
            return value.resolve().relative_to(base.resolve())
        except ValueError:
            continue
    raise GeoappError(OUTSIDE_INSTANCE, 400, name=name, path=str(value), instance=str(instance))


def _layout(staging: Path, instance: Path) -> dict[str, Any]:
    """Member name (or prefix) -> file inside ``staging``, following the restored config;
    ``DATABASE_URL``: the PostgreSQL database to restore into (None: SQLite)."""
    paths = instance_paths(staging)  # reads the restored config.toml (validated here)
    return {
        "DATABASE_URL": paths["DATABASE_URL"],
        PG_DATABASE_MEMBER: staging / PG_DATABASE_MEMBER,
        DATABASE_MEMBER: staging / _relative("DATABASE", paths["DATABASE"], staging, instance),
        ALIASES_MEMBER: staging / _relative("ALIASES", paths["ALIASES"], staging, instance),
        UPLOAD_PREFIX: staging / _relative("UPLOAD_DIR", paths["UPLOAD_DIR"], staging, instance),
    }


def _check_kind(path: Path, names: set[str], url: str | None) -> None:
    """The archive's database is of the kind the instance uses (SQLite file or PostgreSQL)."""
    found = "PostgreSQL" if PG_DATABASE_MEMBER in names else "SQLite"
    if (found == "PostgreSQL") != (url is not None):
        from geoapp.store.engine import shown_url

        wanted = f"PostgreSQL ({shown_url(url)})" if url else "a SQLite file"
        raise GeoappError(OTHER_DATABASE, 409, path=str(path), found=found, wanted=wanted)


def _unpack(path: Path, archive: zipfile.ZipFile, staging: Path,
            instance: Path) -> tuple[dict[str, int], str | None]:
    """Unpack and check the archive in ``staging``; returns the members written and the
    PostgreSQL URL to restore the database into (None: the SQLite file is in ``staging``)."""
    manifest = read_manifest(path, archive)
    infos = {i.filename: i for i in archive.infolist()}
    written: dict[str, int] = {}
    for name in (CONFIG_FILE, SECRET_FILE):  # config first: it decides the other paths
        if name in infos:
            written[name] = _extract_member(path, archive, infos[name], staging / name,
                                            manifest["files"][name])
    layout = _layout(staging, instance)
    url = layout["DATABASE_URL"]
    _check_kind(path, set(infos), url)
    for name, info in infos.items():
        if name == MANIFEST or name in written:
            continue
        if name.startswith(UPLOAD_PREFIX):
            target = layout[UPLOAD_PREFIX] / name[len(UPLOAD_PREFIX):]
        else:
            target = layout[name]
        written[name] = _extract_member(path, archive, info, target, manifest["files"][name])
    if url is None:
        check_database(path, layout[DATABASE_MEMBER])
    else:
        check_dump(path, layout[PG_DATABASE_MEMBER], url)
    return written, url


def _backup_name(instance: Path) -> Path:
    candidate = instance.with_name(instance.name + ".bak")
    number = 2
    while candidate.exists():
        candidate = instance.with_name(f"{instance.name}.bak.{number}")
        number += 1
    return candidate


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
            members, url = _safe_unpack(path, archive, staging, instance)
        if url is not None:
            _replace_database(url, staging / PG_DATABASE_MEMBER, instance)
        previous = _swap_in(staging, instance)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BackupInfo(str(path), str(instance), members, previous)


def _replace_database(url: str, dump: Path, instance: Path) -> None:
    """Keep the current PostgreSQL database in the old instance folder, then replace it."""
    instance.mkdir(parents=True, exist_ok=True)
    dump_database(url, instance / PREVIOUS_DUMP)
    restore_database(url, dump)
    dump.unlink()


def _safe_unpack(path: Path, archive: zipfile.ZipFile, staging: Path,
                 instance: Path) -> tuple[dict[str, int], str | None]:
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
