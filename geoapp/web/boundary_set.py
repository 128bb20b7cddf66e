"""The app's boundary set: kept in ``app.extensions`` and made the default in its app contexts.

Core functions that take no boundary source read the default set of the current context
(``geoapp.io.boundaries.default_set``). Each app binds its own BOUNDARIES set when one of its
app contexts is pushed (every request, every ``with app.app_context()``) and unbinds it when
that context ends, so two apps in one process never see each other's set.
"""

from __future__ import annotations

from flask import Flask, appcontext_pushed, g

from geoapp.io.boundaries import BoundaryFiles, bind_default, unbind_default

EXT = "geoapp_boundaries"
_TOKEN = "_geoapp_boundaries_token"
_AREA_NAME = "geoapp_area_name"


def init_app(app: Flask) -> None:
    """Keep the set that BOUNDARIES (else WILAYAH) names and bind it in every app context."""
    app.extensions[EXT] = BoundaryFiles.for_settings(app.config.get("BOUNDARIES") or None,
                                                     app.config.get("WILAYAH"),
                                                     app.instance_path)
    appcontext_pushed.connect(_bind, app, weak=False)
    app.teardown_appcontext(_unbind)
    app.context_processor(_area_context)


def area_name() -> str:
    """The name of the current app's working area (``Kota Tangerang Selatan``), kept."""
    from flask import current_app

    files = current_app.extensions[EXT]
    name = current_app.extensions.get(_AREA_NAME, {}).get(files)
    if name is None:
        name = files.area_name()
        current_app.extensions.setdefault(_AREA_NAME, {})[files] = name
    return name


def _area_context() -> dict[str, str]:
    """``area_name`` in every template: the name of the app's working area."""
    return {"area_name": area_name()}


def boundary_files(app: Flask) -> BoundaryFiles:
    """The app's boundary set."""
    return app.extensions[EXT]


def use_wilayah(app: Flask, wilayah: str) -> None:
    """Make the working area ``wilayah`` the app's set (before any of its app contexts is
    pushed): ``geoapp import`` uses it for the area the instance recorded."""
    app.config["WILAYAH"] = wilayah
    app.extensions[EXT] = BoundaryFiles.for_wilayah(wilayah)


def record_working_area(app: Flask) -> str | None:
    """Record the app's working area (WILAYAH) in its database, so that ``geoapp import``
    on this instance matches against it; nothing for a BOUNDARIES file. Returns the code."""
    from geoapp.store.app_settings import record_wilayah

    files = boundary_files(app)
    if app.config.get("BOUNDARIES") or not files.area:
        return None
    record_wilayah(app.extensions["geoapp_db"]["engine"], files.area)
    return files.area


def _bind(app: Flask, **_extra: object) -> None:
    setattr(g, _TOKEN, bind_default(app.extensions[EXT]))


def _unbind(_exc: BaseException | None = None) -> None:
    token = g.pop(_TOKEN, None)
    if token is None:
        return
    try:
        unbind_default(token)
    except ValueError:   # popped in another context than it was pushed in: nothing to undo
        pass
