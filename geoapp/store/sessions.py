"""Revocable login sessions: a per-user session version kept in the database, and timeouts.

The web app keeps a login in a signed cookie holding the user id, the user's session
version at login (``epoch``), when the session began and when it was last used. A request
is logged in only while that version is still the user's current one (:func:`session_epoch`,
read from the database on every request, so every worker process agrees), the session is
younger than the absolute timeout and was used within the idle timeout
(:func:`session_alive`). :func:`end_sessions` bumps the version: logout, a password change
(``store.set_password``, so the admin pages and ``geoapp set-password`` alike) and
disabling the account (``store.set_disabled``) call it, ending ALL of that user's sessions,
copied cookies included.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from geoapp.store.models import SessionEpoch

MINUTE = 60.0


@dataclass(frozen=True)
class SessionTimeouts:
    """Idle and absolute session lifetimes in seconds (0 = no limit of that kind)."""

    idle: float
    absolute: float

    @classmethod
    def from_minutes(cls, idle: int | float, absolute: int | float) -> SessionTimeouts:
        return cls(float(idle or 0) * MINUTE, float(absolute or 0) * MINUTE)


def session_epoch(session: Session, user_id: int) -> int:
    """The user's current session version (0 until the first bump)."""
    row = session.get(SessionEpoch, user_id, populate_existing=True)
    return int(row.epoch) if row is not None else 0


def bump_epoch(session: Session, user_id: int) -> int:
    """Increase the user's session version in the current transaction (the caller commits)."""
    row = session.get(SessionEpoch, user_id)
    if row is None:
        row = SessionEpoch(user_id=user_id, epoch=0)
        session.add(row)
    row.epoch = int(row.epoch or 0) + 1
    return row.epoch


def end_sessions(session: Session, user_id: int) -> int:
    """End every login session of the user (all devices, all worker processes); commits."""
    epoch = bump_epoch(session, user_id)
    session.commit()
    return epoch


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def session_alive(started: object, last_seen: object, now: float,
                  timeouts: SessionTimeouts) -> bool:
    """Whether a session that began at ``started`` and was last used at ``last_seen``
    (seconds since the epoch, as stored in the cookie) is still within both timeouts."""
    begun, seen = _number(started), _number(last_seen)
    if begun is None or seen is None or seen < begun or begun > now + MINUTE:
        return False
    if timeouts.absolute and now - begun >= timeouts.absolute:
        return False
    return not (timeouts.idle and now - seen >= timeouts.idle)
