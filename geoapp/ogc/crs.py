"""The coordinate systems served (OGC API - Features Part 2): CRS84 and EPSG:4326.

Both are WGS 84; they differ in axis order. CRS84 is longitude, latitude (what GeoJSON and
geoapp store); EPSG:4326 is latitude, longitude, so its coordinates and its ``bbox`` are
swapped. Core module: no Flask.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
SUPPORTED_CRS = (CRS84, EPSG4326)

BAD_CRS = Msg("ogc.bad_crs",
              "Parameter '{name}' must be one of: {allowed}; received: '{value}'.")
BAD_BBOX = Msg("ogc.bad_bbox",
               "Parameter 'bbox' must be 4 (or 6) numbers separated by commas: "
               "minimum x, minimum y, maximum x, maximum y; received: '{value}'.")
BBOX_ORDER = Msg("ogc.bbox_order",
                 "Parameter 'bbox' has a minimum larger than its maximum: '{value}'. Write "
                 "the lower-left corner first (for EPSG:4326: latitude, longitude).")


def check_crs(name: str, value: str | None) -> str:
    """``value`` when it is a supported CRS URI (None gives CRS84), else a 400."""
    if value is None:
        return CRS84
    if value.strip() in SUPPORTED_CRS:
        return value.strip()
    raise GeoappError(BAD_CRS, 400, name=name, value=value[:80], allowed=", ".join(SUPPORTED_CRS))


def _numbers(text: str) -> list[float]:
    parts = text.split(",")
    if len(parts) not in (4, 6) or len(text) > 200:
        raise GeoappError(BAD_BBOX, 400, value=text[:80])
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise GeoappError(BAD_BBOX, 400, value=text[:80]) from None
    if not all(math.isfinite(v) for v in values):
        raise GeoappError(BAD_BBOX, 400, value=text[:80])
    return values


def parse_bbox(text: str, bbox_crs: str = CRS84) -> tuple[float, float, float, float]:
    """A ``bbox`` parameter as (min lon, min lat, max lon, max lat).

    Six numbers (3D) drop their heights; an EPSG:4326 bbox is read as latitude first.
    """
    values = _numbers(text)
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    if bbox_crs == EPSG4326:
        values = [values[1], values[0], values[3], values[2]]
    minx, miny, maxx, maxy = values
    if minx > maxx or miny > maxy:
        raise GeoappError(BBOX_ORDER, 400, value=text[:80])
    return minx, miny, maxx, maxy


def swap_axes(geometries: np.ndarray) -> np.ndarray:
    """Geometries with x and y swapped (lon/lat to the EPSG:4326 lat/lon order)."""
    return shapely.transform(geometries, lambda coords: coords[:, ::-1])


def header_value(crs: str) -> str:
    """The ``Content-Crs`` header value for ``crs`` (a URI in angle brackets)."""
    return f"<{crs}>"
