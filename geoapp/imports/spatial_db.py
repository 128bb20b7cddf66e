"""The point-in-polygon locator of a database: PostGIS when it is there, else none.

``database_locator(engine)`` syncs the active boundary set (the default of the current
context: BOUNDARIES/WILAYAH) into PostGIS and returns a locator that follows that set; a
front end binds it (``matching.locator.bind_locator``) so matching runs in the database.
On SQLite, or PostgreSQL without PostGIS, it returns None and matching stays in Python.
"""

from __future__ import annotations

from sqlalchemy import Engine

from geoapp.imports.pipeline import gazetteer_for
from geoapp.store import postgis
from geoapp.store.postgis.locate import PostgisLocator


def _active_gazetteer():
    return gazetteer_for(None)


def database_locator(engine: Engine) -> PostgisLocator | None:
    """A locator on ``engine`` with the active boundary set synced, or None (no PostGIS)."""
    if not postgis.enabled(engine):
        return None
    locator = PostgisLocator(engine, follows=_active_gazetteer)
    locator.sync(_active_gazetteer())
    return locator
