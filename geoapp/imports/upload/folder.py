"""The upload folder: ``<token>.upload`` (the bytes) and ``<token>.json`` (the state).

Writes are atomic (a temporary file renamed into place), the folder has a byte quota,
a state is only returned to its owner, and uploads older than ``MAX_AGE_S`` are removed
by ``cleanup_uploads``.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import time
from pathlib import Path

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.imports.upload.state import UploadState

MAX_AGE_S = 2 * 24 * 3600
DEFAULT_UPLOAD_QUOTA = 200 * 1024 * 1024  # UPLOAD_QUOTA_BYTES: bytes the upload folder may hold
_TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")

UPLOAD_GONE = Msg(
    "upload.gone",
    "This upload was not found or is finished/expired. Upload the file again.",
)
QUOTA_FULL = Msg(
    "upload.quota_full",
    "The upload space is full (limit {limit} MB). Finish or discard uploads awaiting review and "
    "try again, or ask the admin to raise UPLOAD_QUOTA_BYTES.",
)
DISK_FULL = Msg(
    "upload.disk_full",
    "The server's disk is full, so the file could not be stored. No data was changed. Try "
    "again later or contact the admin.",
)
WRITE_FAILED = Msg(
    "upload.write_failed",
    "The file could not be stored on the server. No data was changed. "
    "Try again or contact the admin.",
)
BUSY = Msg(
    "upload.busy",
    "This upload is being stored already. Wait a moment, then open the data page.",
)


def new_token() -> str:
    """A fresh server-made upload name."""
    return secrets.token_hex(16)


def _paths(upload_dir: str | Path, token: str) -> tuple[Path, Path]:
    if not _TOKEN_RE.match(str(token or "")):
        raise GeoappError(UPLOAD_GONE, 404)
    folder = Path(upload_dir)
    return folder / f"{token}.upload", folder / f"{token}.json"


def view_path(upload_dir: str | Path, token: str) -> Path:
    """Where the upload's preview page is kept (``geoapp.imports.upload.view_cache``)."""
    _paths(upload_dir, token)  # a valid token, else 404
    return Path(upload_dir) / f"{token}.view"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file and rename it to ``path``; no partial file stays."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _storage_error(exc: OSError) -> GeoappError:
    """A failed write as a user message: 507 when the disk (or quota) is full."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return GeoappError(DISK_FULL, 507)
    return GeoappError(WRITE_FAILED, 500)


def save_state(upload_dir: str | Path, state: UploadState) -> None:
    """Write the state file of an upload (atomically)."""
    _, meta = _paths(upload_dir, state.token)
    try:
        write_atomic(meta, json.dumps(state.as_dict(), ensure_ascii=False).encode("utf-8"))
    except OSError as exc:
        raise _storage_error(exc) from None


def store_upload(upload_dir: str | Path, state: UploadState, data: bytes) -> None:
    """Store the bytes and the state of a new upload: both, or neither (then it raises)."""
    Path(upload_dir).mkdir(parents=True, exist_ok=True)
    data_path, _ = _paths(upload_dir, state.token)
    try:
        try:
            write_atomic(data_path, data)
        except OSError as exc:
            raise _storage_error(exc) from None
        save_state(upload_dir, state)
    except BaseException:
        discard(upload_dir, state.token)  # never leave half an upload behind
        raise


def folder_bytes(upload_dir: str | Path) -> int:
    """Bytes held by the files directly in the upload folder."""
    total = 0
    folder = Path(upload_dir)
    if folder.is_dir():
        for path in folder.iterdir():
            try:
                total += path.stat().st_size if path.is_file() else 0
            except OSError:
                continue
    return total


def check_quota(upload_dir: str | Path, incoming: int, quota: int | None = None) -> None:
    """Refuse (507) an upload that would take the folder past its quota."""
    limit = DEFAULT_UPLOAD_QUOTA if quota is None else quota
    if limit and folder_bytes(upload_dir) + incoming > limit:
        raise GeoappError(QUOTA_FULL, 507, limit=f"{limit / 2**20:g}")


def load_state(upload_dir: str | Path, token: str, user: str) -> UploadState:
    """The state of ``token`` if it exists and belongs to ``user``; else a 404."""
    data_path, meta = _paths(upload_dir, token)
    try:
        state = UploadState.from_dict(json.loads(meta.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        raise GeoappError(UPLOAD_GONE, 404) from None
    if state.user != user or state.token != token or not data_path.is_file():
        raise GeoappError(UPLOAD_GONE, 404)
    return state


def read_upload(upload_dir: str | Path, state: UploadState) -> bytes:
    """The stored bytes of an upload; 404 when they are gone."""
    data_path, _ = _paths(upload_dir, state.token)
    try:
        return data_path.read_bytes()
    except OSError:
        raise GeoappError(UPLOAD_GONE, 404) from None


def discard(upload_dir: str | Path, token: str) -> None:
    """Remove an upload's files (missing files are fine)."""
    for path in (*_paths(upload_dir, token), view_path(upload_dir, token),
                 Path(upload_dir) / f"{token}.lock"):
        path.unlink(missing_ok=True)


def claim(upload_dir: str | Path, token: str) -> Path:
    """Take the upload's confirm lock (a file made exclusively); 409 when it is taken."""
    lock = Path(upload_dir) / f"{token}.lock"
    try:
        os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise GeoappError(BUSY, 409) from None
    return lock


def cleanup_uploads(upload_dir: str | Path, max_age_s: float = MAX_AGE_S,
                    now: float | None = None) -> int:
    """Delete uploads whose files are older than ``max_age_s``; return how many."""
    folder, now = Path(upload_dir), time.time() if now is None else now
    removed = 0
    if not folder.is_dir():
        return 0
    for meta in folder.glob("*.json"):
        token = meta.stem
        try:
            old = now - meta.stat().st_mtime > max_age_s
        except OSError:
            continue
        if _TOKEN_RE.match(token) and old:
            discard(folder, token)
            removed += 1
    for view in folder.glob("*.view"):   # a view written just as its upload went away
        try:
            orphan = not view.with_suffix(".json").exists() and now - view.stat().st_mtime > max_age_s
        except OSError:
            continue
        if orphan:
            view.unlink(missing_ok=True)
    return removed
