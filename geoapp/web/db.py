"""Per-app store services: one session per request on ``g`` (closed at teardown), the
app's ``ActiveVersions`` service (active dataset versions and the cache derived from them)
and its ``UploadShelf`` (uploads in progress, in the database every app server shares)."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.store import create_engine_for, init_db, session_factory
from geoapp.store.active import ActiveVersions
from geoapp.store.alias_table import adopt_alias_file
from geoapp.store.engine import database_url
from geoapp.store.uploads import UploadShelf

EXT = "geoapp_db"
ACTIVE_EXT = "geoapp_active"


def init_app(app: Flask) -> None:
    """Create the engine and schema (cleaning crashed staged imports), the app's
    active-versions service and the session teardown."""
    engine = create_engine_for(database_url(app.config))
    init_db(engine)
    _adopt_aliases(app, engine)
    app.extensions[EXT] = {"engine": engine, "sessions": session_factory(engine),
                           "uploads": UploadShelf(engine)}
    app.extensions[ACTIVE_EXT] = ActiveVersions()
    app.teardown_appcontext(close_db)


def get_db() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        g.db = current_app.extensions[EXT]["sessions"]()
    return g.db


def _adopt_aliases(app: Flask, engine: Engine) -> None:
    """Bring the ALIASES file's rows into the database (where the web app kept aliases
    before); a file that cannot be read is logged and left alone, the app still starts."""
    try:
        adopt_alias_file(engine, app.config.get("ALIASES"))
    except GeoappError as exc:
        app.logger.warning("aliases file not adopted: %s", exc.text("en"))


def get_engine_of(app: Flask) -> Engine:
    """``app``'s database engine (outside a request, e.g. at start)."""
    return app.extensions[EXT]["engine"]


def get_engine() -> Engine:
    """The app's database engine."""
    return get_engine_of(current_app)


def get_uploads() -> UploadShelf:
    """The app's uploads in progress (``geoapp.store.uploads``)."""
    return current_app.extensions[EXT]["uploads"]


def get_active() -> ActiveVersions:
    """The app's active-versions service (one per app, shared by all requests)."""
    return current_app.extensions[ACTIVE_EXT]


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.rollback()  # anything not committed by a view is discarded
        session.close()
