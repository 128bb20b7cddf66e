"""Point in polygon for many points at once (shapely 2 STRtree), with overlaps resolved.

Every point goes to at most one polygon. A point inside several (neighbouring desa
overlap in real boundary files) goes to the polygon whose boundary is farthest from it,
ties to the lowest kode; the others are reported, never counted a second time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.locator import current_locator

# Metres per degree of latitude; near the equator a degree of longitude is about the same.
METRES_PER_DEGREE = 111_320.0
_TIE_DECIMALS = 12
# Points handled per chunk: bounds the shapely points and the pair arrays held at once.
CHUNK_POINTS = 1_000_000


@dataclass
class PointLocation:
    """Per point: the kelurahan row it fell in (or -1) and how that was decided.

    ``has_point``: both coordinates present. ``outside``: present but in no polygon.
    ``overlap``: inside more than one polygon; ``kode`` is the one chosen (the polygon
    whose boundary is farthest from the point, ties by lowest kode) and ``others`` the
    other polygons' codes joined with ", ".
    """

    index: np.ndarray       # int64, -1 when no polygon
    kode: np.ndarray        # object: str | None
    has_point: np.ndarray   # bool
    outside: np.ndarray     # bool
    overlap: np.ndarray     # bool
    others: np.ndarray      # object: str | None


@dataclass
class Assignment:
    """Per point the one polygon chosen (-1: none) and the polygons it also lies in.

    ``other_point`` / ``other_polygon``: one pair per polygon a point lies in besides
    the chosen one, sorted by point, then by the tie order.
    """

    index: np.ndarray          # int64 per point
    overlap: np.ndarray        # bool per point
    other_point: np.ndarray    # int64
    other_polygon: np.ndarray  # int64


def _tree(gazetteer: Gazetteer) -> shapely.STRtree:
    if gazetteer._tree is None:
        gazetteer._tree = shapely.STRtree(gazetteer.geometry)
    return gazetteer._tree


def _distinct_points(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(per point the id of its distinct (lon, lat) pair, first position of each pair)."""
    lon_id, lon_u = pd.factorize(lon)
    lat_id, _ = pd.factorize(lat)
    ids, uniques = pd.factorize(lat_id.astype("int64") * max(len(lon_u), 1) + lon_id)
    first = np.full(len(uniques), -1, dtype="int64")
    first[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)
    return ids.astype("int64"), first


def point_pairs(geometry: np.ndarray, points: np.ndarray,
                tree: shapely.STRtree | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every (point, polygon) pair where the polygon intersects the point (edges count).

    With more points than polygons the points are indexed and each polygon, prepared
    once, queries them; otherwise the points query the polygons' tree.
    """
    if len(points) >= len(geometry):
        shapely.prepare(geometry)
        poly, pt = shapely.STRtree(points).query(geometry, predicate="intersects")
        return pt, poly
    tree = shapely.STRtree(geometry) if tree is None else tree
    return tree.query(points, predicate="intersects")


def assign_points(geometry: np.ndarray, lon: np.ndarray, lat: np.ndarray, *,
                  rank: np.ndarray | None = None, tree: shapely.STRtree | None = None,
                  chunk: int = CHUNK_POINTS) -> Assignment:
    """Each point (finite lon/lat, EPSG:4326) to exactly one polygon of ``geometry`` or -1.

    ``rank``: per polygon its place in the tie order (default: its position; the
    gazetteer's rows are sorted by kode). Works ``chunk`` points at a time.
    """
    geometry = np.asarray(geometry, dtype=object)
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    rank = np.arange(len(geometry)) if rank is None else np.asarray(rank)
    index = np.full(len(lon), -1, dtype="int64")
    overlap = np.zeros(len(lon), dtype=bool)
    extra_pt, extra_geom = [], []
    for start in range(0, len(lon), max(int(chunk), 1)):
        stop = min(start + max(int(chunk), 1), len(lon))
        points = shapely.points(lon[start:stop], lat[start:stop])
        pt, geom = point_pairs(geometry, points, tree)
        other_pt, other_geom = _choose(geometry, points, pt, geom, rank,
                                       index[start:stop], overlap[start:stop])
        extra_pt.append(other_pt + start)
        extra_geom.append(other_geom)
    empty = np.zeros(0, dtype="int64")
    return Assignment(index, overlap,
                      np.concatenate(extra_pt) if extra_pt else empty,
                      np.concatenate(extra_geom) if extra_geom else empty)


def _choose(geometry, points, pt, geom, rank, index, overlap) -> tuple[np.ndarray, np.ndarray]:
    """Write each point's polygon into ``index``; points in several: deepest, then rank."""
    counts = np.bincount(pt, minlength=len(points))
    single = counts[pt] == 1
    index[pt[single]] = geom[single]
    multi = ~single
    mp, mg = pt[multi].astype("int64"), geom[multi].astype("int64")
    if not len(mp):
        return mp, mg
    polygons, where = np.unique(mg, return_inverse=True)
    boundaries = shapely.boundary(geometry[polygons])[where]
    depth = np.round(shapely.distance(points[mp], boundaries), _TIE_DECIMALS)
    order = np.lexsort((rank[mg], -depth, mp))
    mp, mg = mp[order], mg[order]
    first = np.ones(len(mp), dtype=bool)
    first[1:] = mp[1:] != mp[:-1]
    index[mp[first]] = mg[first]
    overlap[mp[first]] = True
    return mp[~first], mg[~first]


def locate_points(gazetteer: Gazetteer, lon: np.ndarray, lat: np.ndarray) -> PointLocation:
    """Find the kelurahan of each (lon, lat) point, vectorised, one kelurahan per point.

    Each distinct point is located once (program records repeat the same office or
    market location), then the outcome is broadcast to every row holding it.
    """
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    n = len(lon)
    index = np.full(n, -1, dtype="int64")
    overlap = np.zeros(n, dtype=bool)
    others = np.full(n, None, dtype=object)
    has_point = np.isfinite(lon) & np.isfinite(lat)
    if gazetteer.geometry is not None and has_point.any():
        rows = np.flatnonzero(has_point)
        ids, first = _distinct_points(lon[rows], lat[rows])
        locator = current_locator(gazetteer)
        if locator is not None:   # the same rule, run by a spatial database
            u_index, u_overlap, u_others = locator.locate(
                gazetteer, lon[rows[first]], lat[rows[first]])
            index[rows] = u_index[ids]
            overlap[rows] = u_overlap[ids]
            others[rows] = u_others[ids]
        else:
            tree = _tree(gazetteer) if len(first) < len(gazetteer.geometry) else None
            found = assign_points(gazetteer.geometry, lon[rows[first]], lat[rows[first]],
                                  tree=tree)
            index[rows] = found.index[ids]
            overlap[rows] = found.overlap[ids]
            others[rows] = _others_text(gazetteer, found, len(first))[ids]
    kode = np.full(n, None, dtype=object)
    hit = index >= 0
    kode[hit] = np.asarray(gazetteer.kode, dtype=object)[index[hit]]
    return PointLocation(index, kode, has_point, has_point & ~hit, overlap, others)


def _others_text(gazetteer: Gazetteer, found: Assignment, k: int) -> np.ndarray:
    """Per distinct point the other polygons' codes joined with ", " (None: no other)."""
    others = np.full(k, None, dtype=object)
    codes = np.asarray(gazetteer.kode, dtype=object)
    for pt, geom in zip(found.other_point.tolist(), found.other_polygon.tolist(), strict=True):
        others[pt] = codes[geom] if others[pt] is None else f"{others[pt]}, {codes[geom]}"
    return others


def distance_m(gazetteer: Gazetteer, rows: np.ndarray, lon: np.ndarray,
               lat: np.ndarray) -> np.ndarray:
    """Approximate distance in metres from each point to kelurahan ``rows`` (0 inside)."""
    if gazetteer.geometry is None:
        return np.full(len(rows), np.nan)
    points = shapely.points(np.asarray(lon, "float64"), np.asarray(lat, "float64"))
    geoms = gazetteer.geometry[np.asarray(rows, dtype="int64")]
    return shapely.distance(points, geoms) * METRES_PER_DEGREE
