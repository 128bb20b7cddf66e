"""Point in polygon for many points at once (shapely 2 STRtree), with overlaps resolved."""

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


def locate_points(gazetteer: Gazetteer, lon: np.ndarray, lat: np.ndarray) -> PointLocation:
    """Find the kelurahan of each (lon, lat) point in one vectorised query.

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
        k = len(first)
        u_index = np.full(k, -1, dtype="int64")
        u_overlap = np.zeros(k, dtype=bool)
        u_others = np.full(k, None, dtype=object)
        locator = current_locator(gazetteer)
        if locator is not None:   # the same rule, run by a spatial database
            u_index, u_overlap, u_others = locator.locate(
                gazetteer, lon[rows[first]], lat[rows[first]])
        else:
            points = shapely.points(lon[rows[first]], lat[rows[first]])
            pair_pt, pair_geom = _tree(gazetteer).query(points, predicate="intersects")
            _assign(gazetteer, points, np.arange(k), pair_pt, pair_geom, u_index, u_overlap,
                    u_others)
        index[rows] = u_index[ids]
        overlap[rows] = u_overlap[ids]
        others[rows] = u_others[ids]
    kode = np.full(n, None, dtype=object)
    found = index >= 0
    kode[found] = np.asarray(gazetteer.kode, dtype=object)[index[found]]
    return PointLocation(index, kode, has_point, has_point & ~found, overlap, others)


def _assign(gazetteer, points, rows, pair_pt, pair_geom, index, overlap, others) -> None:
    """Write the chosen polygon per point; resolve points inside several polygons."""
    counts = np.bincount(pair_pt, minlength=len(points))
    single = counts[pair_pt] == 1
    index[rows[pair_pt[single]]] = pair_geom[single]
    multi = ~single
    if not multi.any():
        return
    mp, mg = pair_pt[multi], pair_geom[multi]
    boundaries = shapely.boundary(gazetteer.geometry[mg])
    depth = np.round(shapely.distance(points[mp], boundaries), _TIE_DECIMALS)
    order = np.lexsort((mg, -depth, mp))
    mp, mg = mp[order], mg[order]
    first = np.ones(len(mp), dtype=bool)
    first[1:] = mp[1:] != mp[:-1]
    target = rows[mp[first]]
    index[target] = mg[first]
    overlap[target] = True
    codes = np.asarray(gazetteer.kode, dtype=object)
    for pt, geom in zip(rows[mp[~first]], mg[~first], strict=True):
        others[pt] = codes[geom] if others[pt] is None else f"{others[pt]}, {codes[geom]}"


def distance_m(gazetteer: Gazetteer, rows: np.ndarray, lon: np.ndarray,
               lat: np.ndarray) -> np.ndarray:
    """Approximate distance in metres from each point to kelurahan ``rows`` (0 inside)."""
    if gazetteer.geometry is None:
        return np.full(len(rows), np.nan)
    points = shapely.points(np.asarray(lon, "float64"), np.asarray(lat, "float64"))
    geoms = gazetteer.geometry[np.asarray(rows, dtype="int64")]
    return shapely.distance(points, geoms) * METRES_PER_DEGREE
