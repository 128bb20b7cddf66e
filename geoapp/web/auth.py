"""Login/logout and role checks.

Roles: public (no login: read and download), planner (upload/review), admin (users,
rollback, delete; includes planner). ``login_required(role)`` sends pages to the
login form and answers API calls with 401 (not logged in) or 403 (wrong role) JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from geoapp.errors import GeoappError
from geoapp.i18n import Msg
from geoapp.store import authenticate, get_user, has_role
from geoapp.web.db import get_db
from geoapp.web.errors import wants_json
from geoapp.web.i18n import tr

bp = Blueprint("auth", __name__)

NEED_LOGIN = Msg("auth.need_login", id="Silakan masuk (login) terlebih dahulu.",
                 en="Please log in first.")
FORBIDDEN = Msg("auth.forbidden",
                id="Akun Anda tidak berhak melakukan ini; diperlukan peran '{role}'.",
                en="Your account may not do this; the '{role}' role is required.")
BAD_LOGIN = Msg("auth.bad_login", id="Nama pengguna atau kata sandi salah.",
                en="Wrong username or password.")


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as plain values (no database object on ``g``)."""

    id: int
    username: str
    role: str


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


def load_user() -> None:
    """Before each request: the session's user on ``g.user`` (or None)."""
    g.user = None
    user_id = session.get("user_id")
    if isinstance(user_id, int):
        user = get_user(get_db(), user_id)
        if user is not None:
            g.user = CurrentUser(user.id, user.username, user.role)


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


def safe_next(target: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("pages.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(get_db(), form.username.data, form.password.data)
        if user is not None:
            lang = session.get("lang")
            session.clear()
            session["user_id"] = user.id
            if lang:
                session["lang"] = lang
            return redirect(safe_next(request.args.get("next")))
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
