"""Point layers (KWT, ecofarm, kampung tematik) on the national / province map.

``GET /api/levels/points/<key>.json?parent=<kode>`` answers one point layer's places under
one area (a provinsi, kabupaten/kota or kecamatan code; empty: the whole working area) in
the city map's point format, so map.js draws them with the same icons, popups and legend.
At most ``MAX_POINTS`` places are sent, an even sample by kode (so every part of a large
area keeps some of its places); the note then says how many there are and to click into an
area to see them all. Every year of the data is shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np
from flask import Blueprint, Response, current_app, request

from geoapp import figures
from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.figures import LayerDef
from geoapp.io.boundaries.national import COUNTRY, in_wilayah, names_by_kode, normalise_wilayah
from geoapp.maps.points import point_payload
from geoapp.values.numbers import format_number
from geoapp.web.db import get_active, get_db
from geoapp.web.i18n import current_lang
from geoapp.web.map_view import BAD_CHOICE, POINT_KEYS, point_spec
from geoapp.web.params import check_params

bp = Blueprint("map_level_points", __name__)
MAX_POINTS = 2000

BAD_AREA = Msg(
    "map_levels.bad_point_area",
    "'{value}' is not an area of this map. Give a provinsi, kabupaten/kota or kecamatan "
    "code inside {area} (like {example}), or leave 'parent' empty for the whole map.",
)
MORE_POINTS = Msg(
    "map_levels.more_points",
    "{shown} of {total} places shown (an even sample): click or zoom into an area to see "
    "all of its places.",
)


def point_layers() -> list[LayerDef]:
    """The point layers with active data, in the city map's order."""
    available = {d.key: d for d in figures.available_layers(get_db(), get_active())}
    return [available[k] for k in POINT_KEYS if k in available]


def _wilayah() -> str:
    return normalise_wilayah(current_app.config.get("WILAYAH") or "")


def _area(text: str, wilayah: str) -> str:
    """The checked ``parent``: "" or a code of a known area inside the working area."""
    parent = text.strip()
    if not parent:
        return ""
    levels = len(parent.split("."))
    if len(parent) > 13 or levels > 3 or parent not in names_by_kode() \
            or not (in_wilayah(parent, wilayah) or in_wilayah(wilayah, parent)):
        area = "Indonesia" if wilayah == COUNTRY else names_by_kode().get(wilayah, wilayah)
        example = "36.71" if wilayah == COUNTRY else wilayah
        raise GeoappError(BAD_AREA, 400, value=text[:40], area=area, example=example)
    return parent


def _definition(key: str) -> LayerDef:
    layers = point_layers()
    found = next((d for d in layers if d.key == key), None)
    if found is None:
        raise GeoappError(BAD_CHOICE, 404, name="layer", value=key[:60],
                          allowed=", ".join(d.key for d in layers) or "-")
    return found


def level_points_payload(key: str, parent: str, lang: str) -> dict:
    """One point layer's places under ``parent`` ("" = the working area), at most
    ``MAX_POINTS``, with ``total`` and ``shown`` counts."""
    session, active = get_db(), get_active()
    data = figures.point_layer(session, active, _definition(key).key)
    frame = data.frame
    if parent:
        frame = frame[frame["kode"].astype(str).str.startswith(parent + ".")]
    frame = frame.sort_values("kode", kind="stable")
    total = len(frame)
    if total > MAX_POINTS:                       # an even sample across the area
        frame = frame.iloc[np.linspace(0, total - 1, MAX_POINTS).round().astype(int)]
    spec = point_spec(replace(data, frame=frame), data.theme_order, lang)
    payload, _notes = point_payload(spec, lang)
    if total > MAX_POINTS:
        more = MORE_POINTS.text(lang, shown=format_number(MAX_POINTS, lang),
                                total=format_number(total, lang))
        payload["note"] = f"{payload['note']} {more}" if payload["note"] else more
    payload.update(parent=parent, total=total, shown=min(total, MAX_POINTS),
                   sample=data.sample)
    return payload


@bp.get("/levels/points/<key>.json")
def level_points(key: str):
    """A point layer's places under ``parent`` for the national map."""
    params = check_params(("parent",))
    lang, active = current_lang(), get_active()
    parent = _area(params.get("parent", "")[:60], _wilayah())
    identity = figures.layer_identity(get_db(), active, _definition(key).key)
    cache_key = ("levels.points", key, parent, lang, _wilayah(), identity)

    def build() -> tuple[bytes, str]:
        body = current_app.json.dumps(level_points_payload(key, parent, lang)).encode("utf-8")
        return body, hashlib.sha256(body).hexdigest()[:32]

    body, etag = active.cached(cache_key, build)
    response = Response(body, content_type="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)
