"""A grid for point in polygon on many points: a hash join instead of an index probe each.

Each polygon is listed in every cell (side ``cell`` degrees) its bounding box touches, each
point in its one cell, and the two are joined on the cell. ``floor`` is monotonic (and both
sides are clamped alike), so a point inside a polygon's box is in one of the box's cells:
the candidates hold every bounding-box hit, and ``ST_Intersects`` on the ORIGINAL polygon
decides, so the answer is the one of the index path and each point-polygon pair is met
once. The cells come polygon by polygon, so PostGIS keeps a polygon prepared across its
calls. An index probe per polygon (the former plan) was most of the time. ``grid_pick``
reads the hits back as (point, row) pairs and ranks only the points in several polygons.
"""

from __future__ import annotations

import numpy as np
import shapely

GRID_CELL = 0.05            # degrees: a few national desa per cell
GRID_MAX_SPAN = 128         # cells grow so that the widest polygon spans at most this many
GRID_MAX_ROWS = 4_000_000   # polygon-cell rows above which the grid is not used
GRID_MAX_COORD = 1e12       # coordinates are clamped to this (bigint cells, order kept)

# The clamp to GRID_MAX_COORD is written out (1e12): equal on both sides, order kept.
GRID_HITS = """
  SELECT p.id, c.row_no, c.kode, p.pt
  FROM (SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt, lon, lat,
               floor(least(greatest(lon, -1e12), 1e12) / %(cell)s)::bigint AS cx,
               floor(least(greatest(lat, -1e12), 1e12) / %(cell)s)::bigint AS cy
        FROM gis_points_in OFFSET 0) p
  JOIN (SELECT b.row_no, b.kode, b.geom, b.x0, b.x1, b.y0, b.y1, cx, cy
        FROM (SELECT row_no, kode, geom,
                     least(greatest(ST_XMin(geom), -1e12), 1e12) AS x0,
                     least(greatest(ST_XMax(geom), -1e12), 1e12) AS x1,
                     least(greatest(ST_YMin(geom), -1e12), 1e12) AS y0,
                     least(greatest(ST_YMax(geom), -1e12), 1e12) AS y1
              FROM gis_boundaries WHERE set_hash = %(h)s OFFSET 0) b,
             generate_series(floor(b.x0 / %(cell)s)::bigint, floor(b.x1 / %(cell)s)::bigint) cx,
             generate_series(floor(b.y0 / %(cell)s)::bigint, floor(b.y1 / %(cell)s)::bigint) cy
        OFFSET 0) c ON c.cx = p.cx AND c.cy = p.cy
  WHERE p.lon BETWEEN c.x0 AND c.x1 AND p.lat BETWEEN c.y0 AND c.y1   -- the box first
    AND ST_Intersects(c.geom, p.pt)
"""


def grid_cell(geometry: np.ndarray | None) -> float | None:
    """The cell side for ``geometry`` (the set's polygons), or None when its grid would hold
    more than ``GRID_MAX_ROWS`` polygon-cell rows (or it has no polygons)."""
    if geometry is None or not len(geometry):
        return None
    bounds = shapely.bounds(np.asarray(geometry))
    if not np.isfinite(bounds).all():
        return None
    bounds = np.clip(bounds, -GRID_MAX_COORD, GRID_MAX_COORD)
    widest = float(np.max(np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])))
    cell = max(GRID_CELL, widest / GRID_MAX_SPAN)
    cells = np.floor(bounds / cell)
    rows = (cells[:, 2] - cells[:, 0] + 1) * (cells[:, 3] - cells[:, 1] + 1)
    return cell if float(rows.sum()) <= GRID_MAX_ROWS else None


PAIRS_COPY = "COPY (SELECT id, row_no FROM ({hits}) h) TO STDOUT (FORMAT binary)"
DEPTHS = """
  SELECT h.id, h.row_no,
         round(ST_Distance(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326),
                           ST_Boundary(b.geom))::numeric, 12) AS depth
  FROM unnest(%(ids)s::integer[], %(rows)s::integer[]) h (id, row_no)
  JOIN gis_points_in p ON p.id = h.id
  JOIN gis_boundaries b ON b.set_hash = %(h)s AND b.row_no = h.row_no
"""
_PAIR = np.dtype([("fields", ">i2"), ("id_len", ">i4"), ("id", ">i4"), ("row_len", ">i4"),
                  ("row_no", ">i4")])


def grid_pick(cursor, content_hash: str, cell: float,
              kode: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """(point ids, rows, hit counts, others) of the points inside a polygon, by the rule of
    ``locate``: the hits come back as (point, row) pairs in COPY's binary format; only the
    points in more than one polygon get a depth (distance to the ORIGINAL polygon's
    boundary, rounded to 12 decimals in the database), deepest first, ties by row."""
    data = bytearray()
    with cursor.copy(PAIRS_COPY.format(hits=GRID_HITS), {"h": content_hash,
                                                        "cell": cell}) as copy:
        for block in copy:
            data += block
    pairs = np.frombuffer(bytes(data[19:len(data) - 2]), dtype=_PAIR)   # header, trailer
    if not (pairs["fields"] == 2).all():
        raise RuntimeError("unexpected COPY rows from the grid join")
    ids, rows = pairs["id"].astype("int64"), pairs["row_no"].astype("int64")
    order = np.lexsort((rows, ids))
    ids, rows = ids[order], rows[order]
    point, first, count = np.unique(ids, return_index=True, return_counts=True)
    best, others = rows[first].copy(), [None] * len(point)
    multi = np.flatnonzero(count > 1)
    if len(multi):
        in_multi = np.repeat(count > 1, count)
        cursor.execute(DEPTHS, {"ids": ids[in_multi].tolist(), "rows": rows[in_multi].tolist(),
                                "h": content_hash})
        ranked: dict[int, list] = {}
        for pid, row, depth in cursor.fetchall():
            ranked.setdefault(pid, []).append((-depth, row))
        position = {int(p): i for i, p in enumerate(point)}
        for pid, hits in ranked.items():
            hits.sort()
            i = position[pid]
            best[i] = hits[0][1]
            others[i] = ", ".join(kode[row] for _, row in hits[1:])
    return point, best, count, others
