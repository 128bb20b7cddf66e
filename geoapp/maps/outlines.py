"""Compact kelurahan geometry for light clients (the field teams' finder): centroids and
simplified outlines as delta-encoded integer rings, small enough to keep offline.

A ring is stored in 1/``COORD_SCALE`` degree integers: the first point absolute, then the
difference to the previous point (lon, lat pairs); ``ring_points`` decodes it. Core
module: no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import geopandas as gpd

from geoapp.maps.svg import SvgFrame, ring_path

OUTLINE_TOLERANCE = 0.0004     # degrees (~45 m): enough for an overview map
COORD_SCALE = 10_000           # outlines in 1e-4 degree integers (~11 m)
UTM_48S = 32748                # metric CRS for centroids


@dataclass(frozen=True)
class CompactGeometry:
    """Kelurahan (kode, names, centroid), their outlines (exterior rings per part, one list
    per kelurahan, same order) and the city's bounds (minx, miny, maxx, maxy)."""

    kelurahan: list[dict[str, Any]]
    outlines: list[list[list[int]]]
    bounds: list[float]
    scale: int = COORD_SCALE


def delta_ring(coords: Iterable[tuple[float, float]], scale: int = COORD_SCALE) -> list[int]:
    """A ring as integers: first point absolute, then differences (lon, lat pairs);
    points equal to the previous one after rounding are dropped."""
    out: list[int] = []
    px = py = 0
    for x, y in coords:
        ix, iy = round(x * scale), round(y * scale)
        if out and ix == px and iy == py:
            continue
        out += [ix - px, iy - py]
        px, py = ix, iy
    return out


def ring_points(ring: list[int], scale: int = COORD_SCALE) -> Iterator[tuple[float, float]]:
    """The (lon, lat) points of a ``delta_ring``."""
    x = y = 0
    for i in range(0, len(ring), 2):
        x += ring[i]
        y += ring[i + 1]
        yield x / scale, y / scale


def compact_geometry(frame: gpd.GeoDataFrame) -> CompactGeometry:
    """Kelurahan centroids (computed in UTM 48S) and simplified, delta-encoded outlines of
    a boundaries frame (kode, nama, kode_kecamatan, nama_kecamatan, geometry)."""
    centroids = frame.geometry.to_crs(UTM_48S).centroid.to_crs(4326)
    simple = frame.geometry.simplify(OUTLINE_TOLERANCE)
    kel, outlines = [], []
    for row, point, geom in zip(frame.itertuples(index=False), centroids, simple, strict=True):
        kel.append({"kode": str(row.kode), "nama": str(row.nama),
                    "kode_kecamatan": str(row.kode_kecamatan),
                    "kecamatan": str(row.nama_kecamatan),
                    "lat": round(point.y, 6), "lon": round(point.x, 6)})
        parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
        outlines.append([delta_ring(p.exterior.coords) for p in parts if not p.is_empty])
    return CompactGeometry(kel, outlines, [round(float(v), 5) for v in frame.total_bounds])


def outline_paths(geometry: CompactGeometry, frame: SvgFrame) -> list[str]:
    """One SVG path per kelurahan outline (all its parts)."""
    return ["".join(ring_path(ring_points(ring, geometry.scale), frame) for ring in parts)
            for parts in geometry.outlines]
