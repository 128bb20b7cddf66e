"""Where uploads in progress are kept: the database (``geoapp.store.uploads.UploadShelf``),
so every app server of one database sees the same uploads.

A new upload stores its bytes and its state together (or nothing), the uploads together
have a byte quota, a state is only returned to its owner, one confirm at a time holds an
upload's claim, and uploads unchanged for ``MAX_AGE_S`` are removed by ``cleanup_uploads``.
"""

from __future__ import annotations

import json
import re
import secrets

from sqlalchemy.exc import SQLAlchemyError

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.imports.upload.state import UploadState
from geoapp.store.uploads import UploadShelf

MAX_AGE_S = 2 * 24 * 3600
DEFAULT_UPLOAD_QUOTA = 200 * 1024 * 1024  # UPLOAD_QUOTA_BYTES: bytes the uploads may hold
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


def _checked(token: str) -> str:
    if not _TOKEN_RE.match(str(token or "")):
        raise GeoappError(UPLOAD_GONE, 404)
    return token


def _storage_error(exc: SQLAlchemyError) -> GeoappError:
    """A failed database write as a user message: 507 when the disk is full (SQLite's
    SQLITE_FULL, PostgreSQL's class 53 "insufficient resources"), else 500."""
    text = str(getattr(exc, "orig", None) or exc)
    sqlstate = str(getattr(getattr(exc, "orig", None), "sqlstate", "") or "")
    if "disk is full" in text or "No space left" in text or sqlstate.startswith("53"):
        return GeoappError(DISK_FULL, 507)
    return GeoappError(WRITE_FAILED, 500)


def _state_json(state: UploadState) -> str:
    return json.dumps(state.as_dict(), ensure_ascii=False)


def save_state(shelf: UploadShelf, state: UploadState) -> None:
    """Store the upload's changed state; 404 when the upload is gone meanwhile."""
    try:
        kept = shelf.save_state(_checked(state.token), _state_json(state))
    except SQLAlchemyError as exc:
        raise _storage_error(exc) from None
    if not kept:
        raise GeoappError(UPLOAD_GONE, 404)


def store_upload(shelf: UploadShelf, state: UploadState, data: bytes) -> None:
    """Store the bytes and the state of a new upload: both, or neither (then it raises)."""
    try:
        stored = shelf.put(_checked(state.token), state.user, data, _state_json(state))
    except SQLAlchemyError as exc:
        raise _storage_error(exc) from None
    if not stored:   # a token made twice: never overwrite someone's upload
        raise GeoappError(WRITE_FAILED, 500)


def folder_bytes(shelf: UploadShelf) -> int:
    """Bytes held by the uploads in progress."""
    return shelf.total_bytes()


def check_quota(shelf: UploadShelf, incoming: int, quota: int | None = None) -> None:
    """Refuse (507) an upload that would take the uploads past their quota."""
    limit = DEFAULT_UPLOAD_QUOTA if quota is None else quota
    if limit and folder_bytes(shelf) + incoming > limit:
        raise GeoappError(QUOTA_FULL, 507, limit=f"{limit / 2**20:g}")


def check_room(shelf: UploadShelf, quota: int | None = None) -> None:
    """Refuse (507) when the uploads in progress already fill their quota. For content
    from the database (a reopened version), whose own size is not bound by the quota:
    it may go past the quota once, and nothing more is taken in until space is free."""
    check_quota(shelf, 1, quota)


def load_state(shelf: UploadShelf, token: str, user: str) -> UploadState:
    """The state of ``token`` if it exists and belongs to ``user``; else a 404."""
    record = shelf.record(_checked(token))
    if record is None or record.username != user:
        raise GeoappError(UPLOAD_GONE, 404)
    try:
        state = UploadState.from_dict(json.loads(record.state_json))
    except (ValueError, KeyError, TypeError):
        raise GeoappError(UPLOAD_GONE, 404) from None
    if state.user != user or state.token != token:
        raise GeoappError(UPLOAD_GONE, 404)
    return state


def read_upload(shelf: UploadShelf, state: UploadState) -> bytes:
    """The stored bytes of an upload; 404 when they are gone."""
    data = shelf.data(_checked(state.token))
    if data is None:
        raise GeoappError(UPLOAD_GONE, 404)
    return data


def discard(shelf: UploadShelf, token: str) -> None:
    """Remove an upload (a missing one is fine)."""
    shelf.discard(_checked(token))


def claim(shelf: UploadShelf, token: str) -> None:
    """Take the upload's confirm claim; 409 when another confirm (on any server) holds it."""
    if not shelf.claim(_checked(token)):
        raise GeoappError(BUSY, 409)


def release(shelf: UploadShelf, token: str) -> None:
    """Give the confirm claim back."""
    shelf.release(_checked(token))


def cleanup_uploads(shelf: UploadShelf, max_age_s: float = MAX_AGE_S,
                    now: float | None = None) -> int:
    """Delete uploads unchanged for more than ``max_age_s`` seconds; return how many."""
    return shelf.cleanup(max_age_s, now)
