"""Write a whole instance to one ZIP file (a consistent snapshot, even while serving).

The database is copied with SQLite's online backup API, or on PostgreSQL with ``pg_dump``. The other files are listed
first and then streamed into the archive, each read once (its size and SHA-256 come
from the bytes archived). A file that disappears between listing and reading (a
planner discarded or confirmed an upload meanwhile) is left out and named in
``BackupInfo.skipped`` and the manifest's ``skipped`` list; both files of an upload
are left out together. Any other failure names the file that could not be read or
the archive that could not be written.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.settings import CONFIG_FILE
from geoapp.store.backup.archive import (
    ALIASES_MEMBER,
    CHUNK,
    DATABASE_MEMBER,
    DATABASE_MEMBERS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PG_DATABASE_MEMBER,
    SECRET_FILE,
    UPLOAD_NAME,
    UPLOAD_PREFIX,
    WRITE_FAILED,
    BackupInfo,
    instance_paths,
)
from geoapp.store.backup.postgres import dump_database

NO_DATABASE = Msg(
    "backup.no_database",
    "The database {path} does not exist, so there is nothing to back up. Check "
    "--instance and the DATABASE setting.",
)
READ_FAILED = Msg(
    "backup.read_failed",
    "Could not read {path} for the backup: {reason}. Check that the file can be read "
    "(permissions, disk) and run the backup again.",
)
DATABASE_FAILED = Msg(
    "backup.database_failed",
    "Could not copy the database {path} into the backup: {reason}. Check the free disk "
    "space and that the database is not damaged, then run the backup again.",
)
ZIP64_FROM = 2**31 - 1


def copy_database(source: Path, target: Path) -> None:
    """Snapshot a live SQLite database into ``target`` with the online backup API."""
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(target)
    except sqlite3.Error as exc:
        raise GeoappError(DATABASE_FAILED, 500, path=str(source), reason=str(exc)) from None
    try:
        src.backup(dst)  # one step: a consistent snapshot; WAL writers are not blocked
        dst.execute("PRAGMA journal_mode = DELETE")  # a self-contained single file
    except sqlite3.Error as exc:
        raise GeoappError(DATABASE_FAILED, 500, path=str(source), reason=str(exc)) from None
    finally:
        dst.close()
        src.close()


def _collect(instance: Path, paths: dict[str, Path], snapshot: Path) -> dict[str, Path]:
    """Archive member name -> file on disk."""
    files = {snapshot.name: snapshot}
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


def _write_failed(out: Path, exc: OSError) -> GeoappError:
    return GeoappError(WRITE_FAILED, 507, path=str(out), reason=exc.strerror or str(exc))


def backup_instance(instance: str | Path, out: str | Path, *,
                    settings: Mapping[str, Any] | None = None) -> BackupInfo:
    """Write the whole instance to the ZIP file ``out`` (replaced atomically).

    Files that vanish while the backup runs are left out and listed in ``skipped``.
    """
    instance, out = Path(instance).resolve(), Path(out).resolve()
    paths = instance_paths(instance, settings)
    url = paths["DATABASE_URL"]
    if url is None and not paths["DATABASE"].is_file():
        raise GeoappError(NO_DATABASE, 404, path=str(paths["DATABASE"]))
    with ExitStack() as stack:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = stack.enter_context(tempfile.TemporaryDirectory(dir=out.parent,
                                                                  prefix=".geoapp-backup-"))
        except OSError as exc:
            raise _write_failed(out, exc) from None
        if url is None:
            snapshot = Path(tmp) / DATABASE_MEMBER
            copy_database(paths["DATABASE"], snapshot)
        else:   # PostgreSQL: pg_dump's snapshot (geoapp.store.backup.postgres)
            snapshot = Path(tmp) / PG_DATABASE_MEMBER
            dump_database(url, snapshot)
        files = _collect(instance, paths, snapshot)
        partial = Path(tmp) / "archive.zip"
        try:
            members, skipped = _write_zip(partial, files)
            os.replace(partial, out)
        except OSError as exc:
            raise _write_failed(out, exc) from None
    return BackupInfo(str(out), str(instance), members, skipped=skipped)


def _groups(files: dict[str, Path]) -> list[list[tuple[str, Path]]]:
    """Files archived together: an upload's ``.upload`` and ``.json``; every other file alone."""
    groups: dict[str, list[tuple[str, Path]]] = {}
    for name, path in files.items():
        key = name.rsplit(".", 1)[0] if name.startswith(UPLOAD_PREFIX) else name
        groups.setdefault(key, []).append((name, path))
    return list(groups.values())


@contextmanager
def _opened(group: list[tuple[str, Path]]) -> Iterator[list[tuple[str, Path, IO[bytes]]] | None]:
    """Open every file of a group; None when one of them has vanished since it was listed."""
    with ExitStack() as stack:
        opened = []
        for name, path in group:
            try:
                opened.append((name, path, stack.enter_context(path.open("rb"))))
            except FileNotFoundError as exc:
                if name in DATABASE_MEMBERS:   # our own snapshot: never "vanished"
                    raise _read_failed(path, exc) from None
                yield None
                return
            except OSError as exc:
                raise _read_failed(path, exc) from None
        yield opened


def _read_failed(path: Path, exc: OSError) -> GeoappError:
    return GeoappError(READ_FAILED, 500, path=str(path), reason=exc.strerror or str(exc))


def _stream(archive: zipfile.ZipFile, name: str, path: Path, src: IO[bytes]) -> dict[str, Any]:
    """Copy one open file into the archive; its size and SHA-256 are those of the bytes copied."""
    try:
        stat = os.fstat(src.fileno())
    except OSError as exc:
        raise _read_failed(path, exc) from None
    info = zipfile.ZipInfo(name, time.localtime(stat.st_mtime)[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.st_mode & 0xFFFF) << 16
    digest, size = hashlib.sha256(), 0
    with archive.open(info, "w", force_zip64=stat.st_size >= ZIP64_FROM) as dst:
        while True:
            try:
                block = src.read(CHUNK)
            except OSError as exc:
                raise _read_failed(path, exc) from None
            if not block:
                break
            digest.update(block)
            size += len(block)
            dst.write(block)
    return {"size": size, "sha256": digest.hexdigest()}


def _write_zip(target: Path, files: dict[str, Path]) -> tuple[dict[str, int], list[str]]:
    """Write the archive; return member name -> bytes, and the names of vanished files."""
    manifest: dict[str, Any] = {"format": FORMAT, "version": FORMAT_VERSION,
                                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                "files": {}, "skipped": []}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for group in _groups(files):
            with _opened(group) as opened:
                if opened is None:
                    manifest["skipped"].extend(name for name, _ in group)
                    continue
                for name, path, src in opened:
                    manifest["files"][name] = _stream(archive, name, path, src)
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    members = {name: meta["size"] for name, meta in manifest["files"].items()}
    return members, manifest["skipped"]
