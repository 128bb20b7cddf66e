"""HTML pages. For now only the home placeholder; map and data pages come later."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, url_for
from werkzeug.routing import BuildError

from geoapp.store import PROGRAMS, active_dataset
from geoapp.web.db import get_db

bp = Blueprint("pages", __name__)


@bp.route("/")
def index():
    session = get_db()
    active = [d for d in (active_dataset(session, p) for p in PROGRAMS) if d is not None]
    return render_template("index.html", datasets=active)


def url_or(endpoint: str, fallback: str) -> str:
    """``url_for(endpoint)`` when the page exists already, else the planned path."""
    try:
        return url_for(endpoint)
    except BuildError:
        return fallback


@bp.record_once
def _register_helpers(state) -> None:
    app: Flask = state.app
    app.jinja_env.globals["url_or"] = url_or
