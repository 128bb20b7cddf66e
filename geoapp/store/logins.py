"""Logging in with a per-account lockout kept in the database.

:func:`attempt_login` checks a username and password. After ``policy.failures`` wrong
attempts for one username within ``policy.window`` seconds, that username is locked for
``policy.lock`` seconds; each further lockout doubles the time, up to ``policy.max_lock``.
A successful login (right password) does not count and clears the counter. While locked,
every attempt is refused without looking at the password, the right one included.

Unknown usernames are counted and locked exactly like existing ones, so the answers never
tell whether an account exists. The counters live in ``login_throttles`` (keyed by a hash
of the case-folded username): they survive a restart and every worker process shares them.
The row is written after taking SQLite's write lock, so concurrent failures in two
processes are both counted.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from geoapp.store.models import LoginThrottle, User
from geoapp.store.users import authenticate

MINUTE = 60.0
DAY = 24 * 60 * MINUTE


@dataclass(frozen=True)
class LockoutPolicy:
    """``failures`` wrong attempts within ``window`` seconds lock for ``lock`` seconds
    (doubling with each lockout in a row, at most ``max_lock``); failures=0 switches it off."""

    failures: int = 5
    window: float = 15 * MINUTE
    lock: float = 15 * MINUTE
    max_lock: float = DAY

    @classmethod
    def from_minutes(cls, failures: int, window: int | float, lock: int | float) -> LockoutPolicy:
        return cls(int(failures or 0), float(window or 0) * MINUTE, float(lock or 0) * MINUTE)

    def lock_for(self, lockouts: int) -> float:
        """How long the ``lockouts``-th lockout in a row (0-based) lasts."""
        return min(self.lock * (2 ** min(lockouts, 30)), max(self.max_lock, self.lock))

    @property
    def forget_after(self) -> float:
        """After this long without a failure a username starts afresh."""
        return max(self.window, self.max_lock, self.lock)


@dataclass(frozen=True)
class LoginOutcome:
    """``user`` when the password was right; else ``locked_until`` (seconds since the epoch)
    when the username is locked (by this attempt or before); else a plain wrong login."""

    user: User | None = None
    locked_until: float | None = None


def throttle_key(username: str | None) -> str:
    """The counter's key: a SHA-256 of the username stripped, in NFKC and case-folded
    (``PAT``, `` pat `` and full-width ``ｐａｔ`` share one counter)."""
    text = unicodedata.normalize("NFKC", str(username or "")).strip().casefold()
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def locked_until(session: Session, username: str | None, now: float) -> float | None:
    """When the username's lock ends, or None when it is not locked at ``now``."""
    row = session.get(LoginThrottle, throttle_key(username), populate_existing=True)
    if row is not None and row.locked_until and row.locked_until > now:
        return float(row.locked_until)
    return None


def attempt_login(session: Session, username: str | None, password: str | None, *,
                  now: float, policy: LockoutPolicy) -> LoginOutcome:
    """Check the credentials against the lockout and the stored password; commits."""
    if policy.failures <= 0:
        return LoginOutcome(user=authenticate(session, username or "", password or ""))
    until = locked_until(session, username, now)
    if until is not None:
        return LoginOutcome(locked_until=until)
    user = authenticate(session, username or "", password or "")
    if user is not None:
        session.execute(delete(LoginThrottle).where(LoginThrottle.key == throttle_key(username)))
        session.commit()
        return LoginOutcome(user=user)
    return LoginOutcome(locked_until=record_failure(session, username, now, policy))


def record_failure(session: Session, username: str | None, now: float,
                   policy: LockoutPolicy) -> float | None:
    """Count one wrong attempt; lock when it is the limit. Returns the lock's end or None."""
    key = throttle_key(username)
    # Writing first takes SQLite's write lock (PostgreSQL: the row lock): no other process
    # changes the row meanwhile.
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(LoginThrottle).values(key=key, window_start=now)
                    .on_conflict_do_nothing(index_elements=["key"]))
    row = session.get(LoginThrottle, key, populate_existing=True, with_for_update=True)
    if now - (row.last_failure or 0.0) >= policy.forget_after:
        row.lockouts = 0
    if now - (row.window_start or 0.0) >= policy.window or not row.failures:
        row.failures, row.window_start = 0, now
    row.failures += 1
    row.last_failure = now
    until = None
    if row.failures >= policy.failures:
        until = now + policy.lock_for(row.lockouts or 0)
        row.locked_until, row.lockouts, row.failures = until, (row.lockouts or 0) + 1, 0
    session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure < now - policy.forget_after,
        LoginThrottle.locked_until < now, LoginThrottle.key != key))
    session.commit()
    return until


def change_own_password(session: Session, username: str, current: str | None, new: str | None,
                        *, now: float, policy: LockoutPolicy) -> LoginOutcome:
    """A user's own password change: the current password is checked like a login (wrong
    ones count towards the lockout, a locked name is refused), then the new one is set
    through ``save_account`` (the password policy, the audit event, all sessions ended).
    Returns the check's outcome; ``user`` is set only when the password was changed."""
    from geoapp.store.audit import save_account

    outcome = attempt_login(session, username, current, now=now, policy=policy)
    if outcome.user is not None:
        save_account(session, outcome.user.username, new or "", outcome.user.role,
                     actor=outcome.user.username)
    return outcome
