"""The Flask app: ``create_app(test_config=None)`` (pallets tutorial layout).

Blueprints: ``pages`` (HTML), ``api`` (JSON below /api) and ``auth`` (login/logout).
Per-request database sessions live on ``g`` (see ``geoapp.web.db``).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from geoapp.core.resources import instance_dir, templates_dir
from geoapp.core.settings import load_settings

TEMPLATES = templates_dir()
STATIC = Path(__file__).resolve().parent / "static"
MAX_URL_INT = 2**63 - 1  # ids in URLs never go past SQLite's INTEGER


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; ``test_config`` overrides every other setting source."""
    instance = instance_dir(test_config)
    app = Flask(
        __name__,
        instance_path=str(instance),
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
    )
    instance.mkdir(parents=True, exist_ok=True)
    overrides = {k: v for k, v in (test_config or {}).items() if k != "INSTANCE_PATH"}
    app.config.update(load_settings(instance, overrides))
    _check_startup(app)
    _configure(app)
    _register(app)
    return app


def _check_startup(app: Flask) -> None:
    """Stop early, with a clear message, when a configured file cannot be used."""
    from geoapp.web import boundary_set
    from geoapp.web.startup import check_boundaries

    check_boundaries(app.config)
    boundary_set.init_app(app)


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that never matches past SQLite's INTEGER range (a 404, not a 500).

    Only ASCII digits match: werkzeug's ``\\d+`` also matches ``٣`` or ``１``, which
    ``int`` reads as 3 and 1 (see ``geoapp.values.integers``).
    """

    regex = r"[0-9]+"

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = None, signed: bool = False) -> None:  # noqa: A002
        bound = MAX_URL_INT if max is None else builtins.min(max, MAX_URL_INT)
        super().__init__(map, fixed_digits, min, bound, signed)


def _configure(app: Flask) -> None:
    from geoapp.web.security import configure_security
    from geoapp.web.web_json import StrictJSONProvider

    app.url_map.converters["int"] = BoundedIntConverter
    app.json = StrictJSONProvider(app)
    configure_security(app)


def _register(app: Flask) -> None:
    from geoapp.web import api, auth, db, errors, i18n, pages, spatial_db, vendor

    db.init_app(app)
    from geoapp.web.security import init_secret
    init_secret(app, db.get_engine_of(app))
    spatial_db.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(vendor.bp)
    from geoapp.web.figures_api import bp as figures_bp
    app.register_blueprint(figures_bp, url_prefix="/api")
    from geoapp.web.map_levels import bp as levels_bp
    app.register_blueprint(levels_bp, url_prefix="/api")
    from geoapp.web.map_level_points import bp as level_points_bp
    app.register_blueprint(level_points_bp, url_prefix="/api")
    from geoapp.web.upload import bp as upload_bp
    app.register_blueprint(upload_bp, url_prefix="/data")
    from geoapp.web.compare_view import bp as compare_bp
    app.register_blueprint(compare_bp, url_prefix="/data")
    from geoapp.web.finder import bp as finder_bp
    app.register_blueprint(finder_bp)
    from geoapp.web.place_editor import bp as places_admin_bp
    app.register_blueprint(places_admin_bp)
    from geoapp.web.ogc import bp as ogc_bp
    app.register_blueprint(ogc_bp, url_prefix="/ogc")
    from geoapp.web.print_view import bp as print_bp
    app.register_blueprint(print_bp)
    from geoapp.web import admin, security
    admin.init_app(app)
    security.init_rate_limits(app)  # last: wraps the views registered above
    from geoapp.web import compress
    compress.init_app(app)
