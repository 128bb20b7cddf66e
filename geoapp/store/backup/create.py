"""Write a whole instance to one ZIP file (a consistent snapshot, even while serving)."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.settings import CONFIG_FILE
from geoapp.store.backup.archive import (
    ALIASES_MEMBER,
    DATABASE_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SECRET_FILE,
    UPLOAD_NAME,
    UPLOAD_PREFIX,
    WRITE_FAILED,
    BackupInfo,
    instance_paths,
    sha256_file,
)

NO_DATABASE = Msg(
    "backup.no_database",
    "The database {path} does not exist, so there is nothing to back up. Check "
    "--instance and the DATABASE setting.",
)


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
                data_sha = sha256_file(path)
                archive.write(path, name)
                manifest["files"][name] = {"size": path.stat().st_size, "sha256": data_sha}
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    except OSError as exc:
        raise GeoappError(WRITE_FAILED, 507, path=str(target), reason=exc.strerror or "") from None
    return {name: meta["size"] for name, meta in manifest["files"].items()}

