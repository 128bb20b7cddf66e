"""Login/logout and role checks.

Roles: public (no login: read and download), planner (upload/review, rename their OWN
uploads, add places and edit/delete places in versions they imported), admin (users,
rollback, delete; change anything; includes planner).
``login_required(role)`` sends pages to the login form and answers API calls with 401
(not logged in) or 403 (wrong role) JSON; a logged-in user without the role gets 403.

A session stays valid only while its account is enabled, its password unchanged (a
fingerprint of the password hash is kept in the session), its session version is the
user's current one in the database (``store.sessions``: logout, a password change and
disabling the account end ALL the user's sessions, in every worker process), and it is
within the SESSION_IDLE_MINUTES and SESSION_MAX_MINUTES timeouts. The user's name is put
on the request's database session so audit events made by triggers name them.

Logins are checked by ``store.logins.attempt_login``: LOGIN_LOCKOUT_FAILURES wrong
passwords for one username lock it for a while (unknown usernames alike), in the
database. Times come from :func:`now` (tests replace it).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.store import get_user, has_role, is_disabled, set_actor
from geoapp.store.logins import LockoutPolicy, attempt_login, change_own_password
from geoapp.store.models import User
from geoapp.store.sessions import SessionTimeouts, end_sessions, session_alive, session_epoch
from geoapp.web.db import get_db
from geoapp.web.errors import wants_json
from geoapp.web.i18n import format_dt, tr

bp = Blueprint("auth", __name__)

NEED_LOGIN = Msg("auth.need_login", "Please log in first.")
FORBIDDEN = Msg("auth.forbidden", "Your account may not do this; the '{role}' role is required.")
BAD_LOGIN = Msg("auth.bad_login", "Wrong username or password.")
DISABLED = Msg("auth.disabled", "This account is disabled. Ask a geoapp admin to enable it again.")
NOT_OWNER = Msg("auth.not_owner",
                "Dataset {dataset_id} was uploaded by someone else; only its "
                "uploader or an admin may change it.")
LOCKED = Msg("auth.locked",
             "Too many wrong passwords were tried for this username, so logging in with it "
             "is paused until {time} (in about {minutes} minutes). Try again after that. "
             "If the password is forgotten, ask a geoapp admin to set a new one.")
WRONG_CURRENT = Msg("auth.wrong_current", "The current password is not right. Type it again.")
NEW_MISMATCH = Msg("auth.new_mismatch",
                   "The two new passwords are not the same. Type the new password twice.")
PASSWORD_CHANGED = Msg("auth.password_changed",
                       "Your password was changed. You were logged out everywhere else.")
SESSION_KEYS = ("user_id", "pw", "sv", "started", "seen")
SEEN_REFRESH_S = 60   # the last-use time in the cookie is renewed at most once a minute
MAX_NEXT_LEN = 2000


def now() -> float:
    """Seconds since the epoch: the clock of sessions and lockouts (tests replace it)."""
    return time.time()


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as plain values (no database object on ``g``)."""

    id: int
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return has_role(self.role, "admin")


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    new = PasswordField(_l("New password"), validators=[DataRequired()])
    repeat = PasswordField(_l("New password again"), validators=[DataRequired()])


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the stored hash: it changes whenever the password is reset."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def _timeouts() -> SessionTimeouts:
    config = current_app.config
    return SessionTimeouts.from_minutes(config.get("SESSION_IDLE_MINUTES", 120),
                                        config.get("SESSION_MAX_MINUTES", 720))


def _lockout() -> LockoutPolicy:
    config = current_app.config
    return LockoutPolicy.from_minutes(config.get("LOGIN_LOCKOUT_FAILURES", 5),
                                      config.get("LOGIN_LOCKOUT_WINDOW_MINUTES", 15),
                                      config.get("LOGIN_LOCKOUT_MINUTES", 15))


def _session_valid(user: User | None, at: float) -> bool:
    """The cookie's login still holds: account, password, session version, timeouts."""
    if user is None:
        return False
    db = get_db()
    return (not is_disabled(db, user.id)
            and session.get("pw") == password_fingerprint(user.password_hash)
            and session.get("sv") == session_epoch(db, user.id)
            and session_alive(session.get("started"), session.get("seen"), at, _timeouts()))


def load_user() -> None:
    """Before each request: the session's user on ``g.user`` (or None).

    A disabled account, a changed password, a newer session version (logout elsewhere)
    or a timeout ends the session.
    """
    g.user = None
    user_id = session.get("user_id")
    if not isinstance(user_id, int):
        return
    db = get_db()
    user = get_user(db, user_id)
    at = now()
    if user is None or not _session_valid(user, at):
        for key in SESSION_KEYS:
            session.pop(key, None)
        return
    if at - float(session["seen"]) >= SEEN_REFRESH_S:
        session["seen"] = int(at)
    g.user = CurrentUser(user.id, user.username, user.role)
    set_actor(db, user.username)


def login_required(role: str = "planner") -> Callable:
    """Decorator: only users with ``role`` (or higher) may call the view."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            user = g.get("user")
            if user is None:
                if wants_json():
                    raise GeoappError(NEED_LOGIN, 401)
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if not has_role(user.role, role):
                raise GeoappError(FORBIDDEN, 403, role=role)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def may_change_dataset(user: CurrentUser | None, imported_by: str | None) -> bool:
    """Admins may change any dataset; planners only the ones they uploaded (not delete)."""
    if user is None:
        return False
    if user.is_admin:
        return True
    return has_role(user.role, "planner") and bool(imported_by) and imported_by == user.username


def require_dataset_change(dataset_id: int, imported_by: str | None) -> None:
    """403 unless the current user may change this dataset (see ``may_change_dataset``)."""
    if not may_change_dataset(g.get("user"), imported_by):
        raise GeoappError(NOT_OWNER, 403, dataset_id=dataset_id)


def is_local_path(target: str | None) -> bool:
    """True for a plain local path such as ``/kampung?x=1`` (no scheme, host or tricks).

    Refused: control characters and whitespace (browsers drop tabs and newlines, so
    ``/<TAB>/evil.com`` would become ``//evil.com``), backslashes, anything not starting
    with exactly one ``/``, and anything ``urlsplit`` reads a scheme or host from.
    """
    if not target or len(target) > MAX_NEXT_LEN:
        return False
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F or ch == "\\" for ch in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    return target if is_local_path(target) else url_for("pages.index")


def _start_session(user: User, at: float) -> None:
    lang = session.get("lang")
    session.clear()
    session["user_id"] = user.id
    session["pw"] = password_fingerprint(user.password_hash)
    session["sv"] = session_epoch(get_db(), user.id)
    session["started"] = session["seen"] = int(at)
    if lang:
        session["lang"] = lang


def locked_text(until: float, at: float) -> str:
    """The lockout message: until when (in the display time zone) and how many minutes."""
    minutes = max(1, math.ceil((until - at) / 60))
    return tr(LOCKED, time=format_dt(datetime.fromtimestamp(until, UTC)), minutes=minutes)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        db = get_db()
        at = now()
        outcome = attempt_login(db, form.username.data, form.password.data, now=at,
                                policy=_lockout())
        user = outcome.user
        if outcome.locked_until is not None:
            error = locked_text(outcome.locked_until, at)
        elif user is None:
            error = tr(BAD_LOGIN)
        elif is_disabled(db, user.id):
            error = tr(DISABLED)
        else:
            _start_session(user, at)
            return redirect(safe_next(request.args.get("next")))
    return render_template("login.html", form=form, error=error)


def _change_password(form: PasswordForm) -> str | None:
    """Change the logged-in user's password; None when done, else the error text."""
    if form.new.data != form.repeat.data:
        return tr(NEW_MISMATCH)
    at = now()
    outcome = change_own_password(get_db(), g.user.username, form.current.data, form.new.data,
                                  now=at, policy=_lockout())
    if outcome.locked_until is not None:
        return locked_text(outcome.locked_until, at)
    if outcome.user is None:
        return tr(WRONG_CURRENT)
    _start_session(outcome.user, at)   # this browser stays logged in; every other session ends
    return None


@bp.route("/password", methods=["GET", "POST"])
@login_required("planner")
def change_password():
    """The logged-in user's own password change (the same password rules as everywhere)."""
    form = PasswordForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            error = _change_password(form)
        except GeoappError as exc:
            error, status = tr(exc), exc.status
        if error is None:
            flash(tr(PASSWORD_CHANGED), "success")
            return redirect(url_for("auth.change_password"))
        status = 400 if status == 200 else status
    return render_template("password.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session here and every other session of the same user (copied cookies too)."""
    user = g.get("user")
    if user is not None:
        end_sessions(get_db(), user.id)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("pages.index"))


def init_app(app: Flask) -> None:
    app.before_request(load_user)
