"""User accounts: werkzeug password hashes, roles planner and admin."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.store.models import ROLES, User, utcnow
from geoapp.store.password_policy import MIN_PASSWORD, TOO_SHORT
from geoapp.store.sessions import bump_epoch

DEFAULT_PLANNER = "planner"
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
# Checked against when the username is unknown, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("geoapp-timing-equaliser")

BAD_USERNAME = Msg(
    "users.bad_username",
    "Username '{username}' is not valid. Use 3-64 letters, digits, dots, underscores or hyphens.",
)
BAD_PASSWORD = TOO_SHORT   # the policy's message (store.password_policy)
BAD_ROLE = Msg("users.bad_role", "Unknown role '{role}'. Choose one of: {allowed}.")


def has_role(user_role: str | None, required: str) -> bool:
    """Whether ``user_role`` may do what ``required`` may (admin includes planner)."""
    if user_role not in ROLES or required not in ROLES:
        return False
    return ROLES.index(user_role) >= ROLES.index(required)


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def find_user(session: Session, username: str) -> User | None:
    """The user of this name; None for a name no account can have (a NUL character,
    which PostgreSQL text cannot even hold in a query parameter)."""
    if "\x00" in (username or ""):
        return None
    return session.scalar(select(User).where(User.username == username))


def set_password(session: Session, username: str, password: str, role: str = "planner") -> User:
    """Create the user or update its password and role; validated, then committed.

    Changing the password ends every login session of the user (``store.sessions``).
    This is the raw store step (first start, test fixtures); people's passwords are set
    through ``store.save_account``, which applies the full password policy first.
    """
    if not _USERNAME_RE.match(username or ""):
        raise GeoappError(BAD_USERNAME, 400, username=str(username)[:64])
    if len(password or "") < MIN_PASSWORD:
        raise GeoappError(BAD_PASSWORD, 400, length=len(password or ""), minimum=MIN_PASSWORD)
    if role not in ROLES:
        raise GeoappError(BAD_ROLE, 400, role=str(role)[:20], allowed=", ".join(ROLES))
    user = find_user(session, username)
    if user is None:
        user = User(username=username, created_at=utcnow())
        session.add(user)
    user.password_hash = generate_password_hash(password)
    user.role = role
    session.flush()
    bump_epoch(session, user.id)
    session.commit()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user when the password is right, else None (same work either way)."""
    user = find_user(session, username or "")
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


def ensure_default_planner(session: Session) -> tuple[str, str] | None:
    """On first start (no users), create a planner with a random password and return it.

    The caller prints the credentials once; they are not stored in clear anywhere.
    """
    if session.scalar(select(func.count(User.id))):
        return None
    password = secrets.token_urlsafe(12)
    set_password(session, DEFAULT_PLANNER, password, "planner")
    return DEFAULT_PLANNER, password
