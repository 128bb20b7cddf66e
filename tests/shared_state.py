"""Test helpers for the state app servers share in the database (issue #10): uploads in
progress, user aliases. Plain functions; no fixtures."""

from __future__ import annotations

from pathlib import Path

from geoapp.matching.aliases import AliasStore
from geoapp.store import create_engine_for, init_db
from geoapp.store.alias_table import load_alias_store
from geoapp.store.uploads import UploadShelf


def new_shelf(folder: Path) -> UploadShelf:
    """The uploads of a new SQLite database in ``folder`` (core tests without an app)."""
    engine = create_engine_for(Path(folder) / "uploads.sqlite3")
    init_db(engine)
    return UploadShelf(engine)


def app_shelf(app) -> UploadShelf:
    """The app's uploads in progress."""
    return app.extensions["geoapp_db"]["uploads"]


def upload_tokens(app) -> list[str]:
    """Tokens of the uploads in progress in the app's database."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from geoapp.store.shared_models import Upload

    with Session(app_shelf(app).engine) as session:
        return sorted(session.scalars(select(Upload.token)))


def kept_views(app, token: str) -> int:
    """How many preview pages the upload keeps (0 when it is gone)."""
    import json

    return len(json.loads(app_shelf(app).views(token) or "[]"))


def forget_views(app) -> None:
    """Drop every kept preview page (the next page view reads and matches again)."""
    for token in upload_tokens(app):
        app_shelf(app).save_views(token, "[]")


def app_aliases(app) -> AliasStore:
    """The app's user aliases (in its database) and the built-in ones."""
    return load_alias_store(app.extensions["geoapp_db"]["engine"])
