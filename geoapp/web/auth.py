"""Login/logout and role checks.

Roles: public (no login: read and download), planner (upload/review, rename their OWN
uploads, add places and edit/delete places in versions they imported), admin (users,
rollback, delete; change anything; includes planner).
``login_required(role)`` sends pages to the login form and answers API calls with 401
(not logged in) or 403 (wrong role) JSON; a logged-in user without the role gets 403.

A session stays valid only while its account is enabled and its password unchanged
(a fingerprint of the password hash is kept in the session). The user's name is put on
the request's database session so audit events made by triggers name them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.store import authenticate, get_user, has_role, is_disabled, set_actor
from geoapp.web.db import get_db
from geoapp.web.errors import wants_json
from geoapp.web.i18n import tr

bp = Blueprint("auth", __name__)

NEED_LOGIN = Msg("auth.need_login", "Please log in first.")
FORBIDDEN = Msg("auth.forbidden", "Your account may not do this; the '{role}' role is required.")
BAD_LOGIN = Msg("auth.bad_login", "Wrong username or password.")
DISABLED = Msg("auth.disabled", "This account is disabled. Ask a geoapp admin to enable it again.")
NOT_OWNER = Msg("auth.not_owner",
                "Dataset {dataset_id} was uploaded by someone else; only its "
                "uploader or an admin may change it.")
SESSION_KEYS = ("user_id", "pw")
MAX_NEXT_LEN = 2000


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


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the stored hash: it changes whenever the password is reset."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def load_user() -> None:
    """Before each request: the session's user on ``g.user`` (or None).

    A disabled account or a changed password ends the session.
    """
    g.user = None
    user_id = session.get("user_id")
    if not isinstance(user_id, int):
        return
    db = get_db()
    user = get_user(db, user_id)
    valid = (user is not None and not is_disabled(db, user.id)
             and session.get("pw") == password_fingerprint(user.password_hash))
    if not valid:
        for key in SESSION_KEYS:
            session.pop(key, None)
        return
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        db = get_db()
        user = authenticate(db, form.username.data, form.password.data)
        if user is not None and is_disabled(db, user.id):
            error = tr(DISABLED)
        elif user is not None:
            lang = session.get("lang")
            session.clear()
            session["user_id"] = user.id
            session["pw"] = password_fingerprint(user.password_hash)
            if lang:
                session["lang"] = lang
            return redirect(safe_next(request.args.get("next")))
        else:
            error = tr(BAD_LOGIN)
    return render_template("login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
def logout():
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("pages.index"))


def init_app(app: Flask) -> None:
    app.before_request(load_user)
