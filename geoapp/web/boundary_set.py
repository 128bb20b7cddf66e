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


def init_app(app: Flask) -> None:
    """Keep the set that the BOUNDARIES setting names and bind it in every app context."""
    app.extensions[EXT] = BoundaryFiles.for_setting(app.config.get("BOUNDARIES") or None,
                                                    app.instance_path)
    appcontext_pushed.connect(_bind, app, weak=False)
    app.teardown_appcontext(_unbind)


def boundary_files(app: Flask) -> BoundaryFiles:
    """The app's boundary set."""
    return app.extensions[EXT]


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
