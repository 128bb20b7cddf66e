"""Compact, quantised polygon encoding for the map page.

Coordinates are snapped to a fixed 1e-5 degree grid (integers), so a vertex shared by two
neighbouring kelurahan gets the same integers in both and no gap opens. Each ring is written
latitude first, delta-encoded and packed as an encoded-polyline string (ASCII 63..126).
The closing vertex of a ring is dropped; decoders close rings again.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

PRECISION = 5
SCALE = 10**PRECISION


def quantise(coords: np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat floats -> (n, 2) lat/lon integers on the 1e-5 degree grid."""
    arr = np.asarray(coords, dtype="float64")[:, :2]
    return np.rint(arr[:, ::-1] * SCALE).astype("int64")


def _encode_int(value: int, out: list[str]) -> None:
    v = ~(value << 1) if value < 0 else value << 1
    while v >= 0x20:
        out.append(chr((0x20 | (v & 0x1F)) + 63))
        v >>= 5
    out.append(chr(v + 63))


def encode_ring(coords: np.ndarray) -> str:
    """Encode one ring of lon/lat coordinates (closing vertex dropped)."""
    q = quantise(coords)
    if len(q) > 1 and (q[0] == q[-1]).all():
        q = q[:-1]
    deltas = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype="int64"))
    out: list[str] = []
    for lat, lon in deltas.tolist():
        _encode_int(lat, out)
        _encode_int(lon, out)
    return "".join(out)


def _decode_ints(text: str) -> list[int]:
    values: list[int] = []
    shift = result = 0
    for ch in text:
        b = ord(ch) - 63
        result |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift = result = 0
    return values


def decode_ring(text: str) -> list[tuple[float, float]]:
    """Decode one ring back to closed (lon, lat) tuples on the grid."""
    ints = np.cumsum(np.array(_decode_ints(text), dtype="int64").reshape(-1, 2), axis=0)
    pts = [(lon / SCALE, lat / SCALE) for lat, lon in ints.tolist()]
    return pts + pts[:1]


def _polygons(geom: BaseGeometry | None) -> Iterable[Polygon]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    if hasattr(geom, "geoms"):  # GeometryCollection: keep its polygonal parts
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def encode_geometry(geom: BaseGeometry | None) -> list[list[str]]:
    """A (multi)polygon as a list of polygons, each a list of encoded rings."""
    return [
        [encode_ring(np.asarray(p.exterior.coords))]
        + [encode_ring(np.asarray(r.coords)) for r in p.interiors]
        for p in _polygons(geom)
    ]


def decode_geometry(encoded: list[list[str]]) -> BaseGeometry:
    """Inverse of ``encode_geometry`` (for tests and checks)."""
    polys = [Polygon(decode_ring(rings[0]), [decode_ring(r) for r in rings[1:]])
             for rings in encoded]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def encode_layer(kodes: list[str], geoms: Iterable[BaseGeometry | None]) -> dict[str, list]:
    """``{"kode": [...], "geom": [...]}`` for one boundary layer."""
    return {"kode": list(kodes), "geom": [encode_geometry(g) for g in geoms]}
