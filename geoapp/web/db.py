"""One database session per request on ``g``; closed at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from geoapp.store import create_engine_for, init_db, session_factory

EXT = "geoapp_db"


def init_app(app: Flask) -> None:
    """Create the engine and schema (cleaning crashed staged imports) and the teardown."""
    engine = create_engine_for(app.config["DATABASE"])
    init_db(engine)
    app.extensions[EXT] = {"engine": engine, "sessions": session_factory(engine)}
    app.teardown_appcontext(close_db)


def get_db() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        g.db = current_app.extensions[EXT]["sessions"]()
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.rollback()  # anything not committed by a view is discarded
        session.close()
