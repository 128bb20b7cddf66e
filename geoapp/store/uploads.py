"""Uploads in progress, in the database: the file's bytes, its state (JSON), the kept
preview pages and the confirm claim, so that any app server of one database can continue
an upload another one received (``geoapp.imports.upload.folder`` is the one user).

Every call is its own short transaction on the shelf's engine and commits at once: an
upload's state is never part of a request's own transaction (a failed import leaves the
upload for another try, as the upload folder did before).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geoapp.store.engine import engine_sessions
from geoapp.store.shared_models import Upload

CLAIM_STALE_S = 15 * 60   # a confirm claim older than this was left by a dead process


@dataclass(frozen=True)
class UploadRecord:
    """What is stored about one upload besides its bytes."""

    token: str
    username: str
    state_json: str
    size: int


class UploadShelf:
    """The uploads in progress of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = engine_sessions(engine)

    def _session(self) -> Session:
        return self._sessions()

    def put(self, token: str, username: str, data: bytes, state_json: str) -> bool:
        """Store a new upload; False when the token is taken (nothing changed)."""
        with self._session() as session:
            session.add(Upload(token=token, username=username, size=len(data), data=data,
                               state_json=state_json, views_json="[]", updated=time.time(),
                               claimed=0.0))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
        return True

    def save_state(self, token: str, state_json: str) -> bool:
        """Replace the upload's state (kept pages stay: each is filed under a key of the
        choices it shows, ``imports.upload.view_cache``); False when the upload is gone."""
        with self._session() as session:
            done = session.execute(update(Upload).where(Upload.token == token).values(
                state_json=state_json, updated=time.time())).rowcount
            session.commit()
        return bool(done)

    def record(self, token: str) -> UploadRecord | None:
        """The upload's owner, state and size, or None."""
        with self._session() as session:
            row = session.execute(select(Upload.username, Upload.state_json, Upload.size)
                                  .where(Upload.token == token)).first()
        return None if row is None else UploadRecord(token, row[0], row[1], row[2])

    def data(self, token: str) -> bytes | None:
        """The upload's bytes, or None."""
        with self._session() as session:
            return session.scalar(select(Upload.data).where(Upload.token == token))

    def views(self, token: str) -> str | None:
        """The kept preview pages (JSON), or None when the upload is gone."""
        with self._session() as session:
            return session.scalar(select(Upload.views_json).where(Upload.token == token))

    def save_views(self, token: str, views_json: str) -> None:
        """Keep the preview pages of an upload that still exists (else nothing)."""
        with self._session() as session:
            session.execute(update(Upload).where(Upload.token == token)
                            .values(views_json=views_json))
            session.commit()

    def total_bytes(self) -> int:
        """Bytes held by all uploads in progress (the UPLOAD_QUOTA_BYTES quota)."""
        with self._session() as session:
            return int(session.scalar(select(func.coalesce(func.sum(Upload.size), 0))) or 0)

    def discard(self, token: str) -> None:
        """Remove an upload (a missing one is fine)."""
        with self._session() as session:
            session.execute(delete(Upload).where(Upload.token == token))
            session.commit()

    def claim(self, token: str, now: float | None = None) -> bool:
        """Take the upload's confirm claim (one confirm at a time, across servers); False
        when another confirm holds it. A claim older than ``CLAIM_STALE_S`` is taken over."""
        now = time.time() if now is None else now
        with self._session() as session:
            done = session.execute(update(Upload).where(
                Upload.token == token,
                (Upload.claimed == 0.0) | (Upload.claimed < now - CLAIM_STALE_S),
            ).values(claimed=now)).rowcount
            session.commit()
        return bool(done)

    def release(self, token: str) -> None:
        """Give the confirm claim back (the upload stays for another try)."""
        with self._session() as session:
            session.execute(update(Upload).where(Upload.token == token).values(claimed=0.0))
            session.commit()

    def cleanup(self, max_age_s: float, now: float | None = None) -> int:
        """Delete uploads not changed for ``max_age_s`` seconds; return how many."""
        cutoff = (time.time() if now is None else now) - max_age_s
        with self._session() as session:
            removed = session.execute(delete(Upload).where(Upload.updated < cutoff)).rowcount
            session.commit()
        return int(removed or 0)
