"""Per-level map layers of a province or national instance (``WILAYAH=36`` / ``ID``).

``GET /api/levels/<level>.json?parent=<kode>`` answers one simplified level of the
hierarchy (provinsi, kabupaten, kecamatan, desa) under one parent code, so the national
map never loads every desa at once. The layers are built and cached in
:mod:`geoapp.maps.levels`; this view only checks the arguments and sends the bytes.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _

from geoapp.io.boundaries.national import COUNTRY, names_by_kode, normalise_wilayah
from geoapp.maps.levels import level_layer
from geoapp.maps.safejson import script_json

bp = Blueprint("map_levels", __name__)
MAX_AGE = 24 * 3600



@lru_cache(maxsize=64)
def _body(level: str, parent: str, wilayah: str) -> tuple[bytes, str]:
    body = script_json(level_layer(level, parent, wilayah)).encode("utf-8")
    return body, hashlib.sha256(body).hexdigest()[:32]


@bp.get("/levels/<level>.json")
def level(level: str):
    """One level of the map under ``parent`` (empty: the whole working area)."""
    wilayah = current_app.config.get("WILAYAH") or ""     # empty: a clear 400 below
    parent = request.args.get("parent", "").strip()
    body, etag = _body(level[:40], parent[:40], normalise_wilayah(wilayah))
    response = Response(body, content_type="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


def national_page() -> str | None:
    """The level-by-level map page when the working area is a province or ``ID``
    (None for a kabupaten/kota: its full map page stays as it is)."""
    config = current_app.config
    if config.get("BOUNDARIES") or not (config.get("WILAYAH") or "").strip():
        return None                                  # own boundary files: the full page
    wilayah = normalise_wilayah(config["WILAYAH"])
    if wilayah != COUNTRY and len(wilayah) != 2:
        return None
    name = "Indonesia" if wilayah == COUNTRY else names_by_kode()[wilayah]
    start = ("provinsi", "") if wilayah == COUNTRY else ("kabupaten", wilayah)
    return render_template(
        "national_map.html", title=_("Map of %(area)s", area=name),
        start_level=start[0], start_parent=start[1],
        tile_url=current_app.config.get("TILE_URL") or "",
        tile_attribution=current_app.config.get("TILE_ATTRIBUTION") or "")
