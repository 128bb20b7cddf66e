"""Serve the map's vendor files (Leaflet etc.) listed by ``geoapp.maps.assets.vendor_files``.

Only names in that mapping are served (exact lookup, so no directory traversal);
anything else is a 404. Files get long cache lifetimes.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Blueprint, abort, current_app, send_file

bp = Blueprint("vendor", __name__)
ONE_YEAR = 365 * 24 * 3600
_EXT = "geoapp_vendor_files"


def vendor_files() -> dict[str, Path]:
    """The maps module's asset mapping (empty when geoapp.maps.assets is not there yet)."""
    cached = current_app.extensions.get(_EXT)
    if cached is None:
        try:
            assets = importlib.import_module("geoapp.maps.assets")
            cached = {str(k): Path(v) for k, v in assets.vendor_files().items()}
        except ImportError:
            current_app.logger.warning("geoapp.maps.assets is not available; no vendor files")
            cached = {}
        current_app.extensions[_EXT] = cached
    return cached


@bp.get("/static/vendor/<path:name>")
def vendor(name: str):
    path = vendor_files().get(name)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, max_age=ONE_YEAR, conditional=True)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
