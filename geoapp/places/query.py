"""Checking the finder's request parameters: untrusted strings -> a ``PlaceQuery``.

Every parameter is on an allowlist, sent once, not too long, and its value is one the
data or the city's boundaries know; anything else is a GeoappError 400 that names what
is accepted. Core module: no Flask.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.places.model import KINDS, Place, PlaceQuery
from geoapp.places.options import choice_maps
from geoapp.values.names import normalise_name

MAX_QUERY_LEN = 100
QUERY_PARAMS = ("q", "kind", "theme", "kecamatan", "kelurahan", "lat", "lon")

BAD_PARAM = Msg(
    "places.bad_param",
    "Parameter '{name}' is not accepted. Accepted parameters: {allowed}.",
)
REPEATED_PARAM = Msg(
    "places.repeated_param",
    "Parameter '{name}' was sent more than once. Send a single value.",
)
BAD_VALUE = Msg(
    "places.bad_value",
    "Value '{value}' for parameter '{name}' is not known. Accepted values: {allowed}.",
)
TOO_LONG = Msg(
    "places.too_long",
    "Parameter '{name}' is too long ({length} characters); at most {limit}.",
)
BAD_COORD = Msg(
    "places.bad_coord",
    "Parameter '{name}' must be a decimal number from {low} to {high} (dot as decimal "
    "mark); received: '{value}'. Send lat and lon together.",
)


def reject_unknown(params: Mapping[str, Any], accepted: Sequence[str]) -> None:
    """GeoappError 400 for the first parameter not in ``accepted``."""
    for name in params:
        if name not in accepted:
            raise GeoappError(BAD_PARAM, 400, name=str(name)[:40], allowed=", ".join(accepted))


def _single(params: Mapping[str, Any], name: str) -> str | None:
    getlist = getattr(params, "getlist", None)
    values = getlist(name) if getlist else [params[name]]
    if len(values) > 1:
        raise GeoappError(REPEATED_PARAM, 400, name=name)
    text = " ".join(str(values[0]).split())
    if len(text) > MAX_QUERY_LEN:
        raise GeoappError(TOO_LONG, 400, name=name, length=len(text), limit=MAX_QUERY_LEN)
    return text or None


def _choice(name: str, value: str | None, choices: Mapping[str, str]) -> str | None:
    """The canonical value for ``value`` among ``choices`` (normalised key -> value)."""
    if value is None:
        return None
    found = choices.get(normalise_name(value)) or choices.get(value.strip())
    if found is None:
        allowed = ", ".join(sorted(set(choices.values())))
        raise GeoappError(BAD_VALUE, 400, name=name, value=value[:60], allowed=allowed[:600])
    return found


def _coordinate(name: str, value: str | None, limit: float) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise GeoappError(BAD_COORD, 400, name=name, value=value[:40], low=-limit, high=limit)
    return number


def _point(raw: Mapping[str, str | None]) -> tuple[float | None, float | None]:
    """(lat, lon) from the raw values: both or neither."""
    lat = _coordinate("lat", raw.get("lat"), 90.0)
    lon = _coordinate("lon", raw.get("lon"), 180.0)
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        raise GeoappError(BAD_COORD, 400, name=missing, value="", low=-90 if missing == "lat"
                          else -180, high=90 if missing == "lat" else 180)
    return lat, lon


def check_query(params: Mapping[str, Any], places: Sequence[Place],
                extra: Sequence[str] = ("lang",)) -> PlaceQuery:
    """Turn untrusted query parameters into a ``PlaceQuery``; GeoappError 400 for any
    unknown or repeated parameter and any value not in the data or the boundaries."""
    reject_unknown(params, (*QUERY_PARAMS, *extra))
    raw = {n: _single(params, n) for n in QUERY_PARAMS if n in params}
    options = choice_maps(places)
    lat, lon = _point(raw)
    return PlaceQuery(
        q=raw.get("q"),
        kind=_choice("kind", raw.get("kind"), {k: k for k in KINDS}),
        theme=_choice("theme", raw.get("theme"), options["theme"]),
        kecamatan=_choice("kecamatan", raw.get("kecamatan"), options["kecamatan"]),
        kelurahan=_choice("kelurahan", raw.get("kelurahan"), options["kelurahan"]),
        lat=lat, lon=lon,
    )
