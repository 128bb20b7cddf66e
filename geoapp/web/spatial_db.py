"""PostGIS for the app's matching: the locator of the app's database, bound in its contexts.

At start (inside an app context, so the app's boundary set is the default) the active set
is synced into PostGIS; every app context then binds the locator, so uploads and the
places editor locate coordinates in the database. Nothing happens without PostGIS.
"""

from __future__ import annotations

from flask import Flask, appcontext_pushed, g

from geoapp.imports.spatial_db import database_locator
from geoapp.matching.locator import bind_locator, unbind_locator

EXT = "geoapp_locator"
_TOKEN = "_geoapp_locator_token"


def init_app(app: Flask) -> None:
    """Sync the boundary set and bind the locator in every app context (PostGIS only)."""
    from geoapp.web.db import EXT as DB_EXT

    with app.app_context():
        locator = database_locator(app.extensions[DB_EXT]["engine"])
    if locator is None:
        return
    app.extensions[EXT] = locator
    appcontext_pushed.connect(_bind, app, weak=False)
    app.teardown_appcontext(_unbind)


def _bind(app: Flask, **_extra: object) -> None:
    setattr(g, _TOKEN, bind_locator(app.extensions[EXT]))


def _unbind(_exc: BaseException | None = None) -> None:
    token = g.pop(_TOKEN, None)
    if token is None:
        return
    try:
        unbind_locator(token)
    except ValueError:   # popped in another context than it was pushed in
        pass
