"""Point in polygon in PostGIS: ``ST_Intersects`` on the boundaries, candidates found by
their GiST index (few points) or by a grid hash join (many points, ``grid``).

The same rule as the shapely path (``matching.spatial``), so results are equal: a point
on or inside a polygon belongs to it (``ST_Intersects``, as shapely's ``intersects``
predicate; ``ST_Contains`` would drop points on a boundary line); a point in several
polygons is counted once, in the one whose boundary is farthest from it (depth rounded
to 12 decimals), ties by lowest kode (``row_no``: the gazetteer is sorted by kode),
picked with ``DISTINCT ON`` (on the grid: by ``grid.grid_pick``); the others are
listed in that order.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sqlalchemy import Engine

from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.locator import gazetteer_hash
from geoapp.store.postgis.grid import grid_cell, grid_pick
from geoapp.store.postgis.sync import sync_boundaries

# Few points: each point probes the boundaries' GiST index. Many points: a hash join on a
# grid (``grid.GRID_HITS``); a set whose grid would be too large (``grid.grid_cell`` is
# None) keeps MANY_POINTS_HITS: each polygon probes a GiST index of the points (the
# polygon stays the same from call to call, so PostGIS detoasts and prepares it once;
# OFFSET 0 keeps the planner from flattening the loop).
FEW_POINTS_HITS = """
  SELECT p.id, b.row_no, b.kode, p.pt
  FROM gis_points p JOIN gis_boundaries b
    ON b.set_hash = %(h)s AND ST_Intersects(b.geom, p.pt)
"""
MANY_POINTS_HITS = """
  SELECT p.id, b.row_no, b.kode, p.pt
  FROM (SELECT row_no, kode, geom FROM gis_boundaries WHERE set_hash = %(h)s OFFSET 0) b
  CROSS JOIN LATERAL (SELECT id, pt FROM gis_points
                      WHERE ST_Intersects(b.geom, gis_points.pt) OFFSET 0) p
"""
POINTS = ("CREATE TEMP TABLE gis_points ON COMMIT DROP AS "
          "SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt FROM gis_points_in")
# geohash order (points outside -180..180, -90..90 have none: ST_GeoHash refuses them)
POINTS_BY_PLACE = POINTS + (" ORDER BY CASE WHEN lon BETWEEN -180 AND 180 AND lat BETWEEN "
                            "-90 AND 90 THEN ST_GeoHash(ST_SetSRID(ST_MakePoint(lon, lat), "
                            "4326), 6) END")
LOCATE_SQL = """
WITH hits AS (
  SELECT h.*, count(*) OVER (PARTITION BY h.id) AS n FROM ({hits}) h
), ranked AS (
  SELECT id, row_no, kode, n, CASE WHEN n > 1 THEN (
    SELECT round(ST_Distance(hits.pt, ST_Boundary(b.geom))::numeric, 12)
    FROM gis_boundaries b WHERE b.set_hash = %(h)s AND b.row_no = hits.row_no
  ) ELSE 0 END AS depth
  FROM hits
)
SELECT DISTINCT ON (id) id, row_no, n,
       array_to_string((array_agg(kode) OVER w)[2:], ', ') AS others
FROM ranked
WINDOW w AS (PARTITION BY id ORDER BY depth DESC, row_no
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
ORDER BY id, depth DESC, row_no
"""


class PostgisLocator:
    """A ``matching.locator.Locator`` on one engine. It applies to the sets it has synced
    and to the one ``follows()`` returns (the app's active set: a changed set is synced
    on first use); other sets (a CLI file, a region's part) stay on the shapely path."""

    def __init__(self, engine: Engine, *,
                 follows: Callable[[], Gazetteer] | None = None) -> None:
        self.engine = engine
        self.follows = follows
        self._synced: set[str] = set()

    def sync(self, gazetteer: Gazetteer) -> str:
        """Make sure ``gazetteer``'s set is in the database; its content hash."""
        content_hash = gazetteer_hash(gazetteer)
        if content_hash not in self._synced:
            sync_boundaries(self.engine, gazetteer)
            self._synced.add(content_hash)
        return content_hash

    def applies(self, gazetteer: Gazetteer) -> bool:
        if gazetteer_hash(gazetteer) in self._synced:
            return True
        if self.follows is None or self.follows() is not gazetteer:
            return False
        self.sync(gazetteer)
        return True

    def locate(self, gazetteer: Gazetteer, lon: np.ndarray,
               lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        content_hash = self.sync(gazetteer)
        k = len(lon)
        index = np.full(k, -1, dtype="int64")
        overlap = np.zeros(k, dtype=bool)
        others = np.full(k, None, dtype=object)
        if not k:
            return index, overlap, others
        cell = grid_cell(gazetteer.geometry) if k * 2 >= len(gazetteer) else None
        kode = list(gazetteer.kode)
        found = _run(self.engine, content_hash, lon, lat, kode, cell)
        if found is None:   # the set was pruned by another server since: copy it again
            self._synced.discard(content_hash)
            found = _run(self.engine, self.sync(gazetteer), lon, lat, kode, cell)
        if found is not None and len(found[0]):
            ids, row_no, n, other = found
            index[ids] = row_no
            overlap[ids] = n > 1
            others[ids] = [o if o else None for o in other]
        return index, overlap, others


_ROW = np.dtype([("fields", ">i2"), ("id_len", ">i4"), ("id", ">i4"), ("lon_len", ">i4"),
                 ("lon", ">f8"), ("lat_len", ">i4"), ("lat", ">f8")])


def _points_copy(lon: np.ndarray, lat: np.ndarray) -> bytes:
    """(id, lon, lat) rows in COPY's binary format, made by numpy (exact doubles)."""
    rows = np.zeros(len(lon), dtype=_ROW)
    rows["fields"], rows["id_len"], rows["lon_len"], rows["lat_len"] = 3, 4, 8, 8
    rows["id"], rows["lon"], rows["lat"] = np.arange(len(lon)), lon, lat
    header = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
    return header + rows.tobytes() + b"\xff\xff"


def _run(engine: Engine, content_hash: str, lon: np.ndarray, lat: np.ndarray,
         kode: list[str], cell: float | None = None) -> tuple | None:
    """(point ids, rows, hit counts, others) of the points inside a polygon; None when
    the set is not in the database. ``cell``: the grid's cell side for many points (None:
    the points' GiST index)."""
    many = len(lon) * 2 >= len(kode)
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor:
            cursor.execute("SELECT 1 FROM gis_boundary_sets WHERE content_hash = %(h)s",
                           {"h": content_hash})
            if cursor.fetchone() is None:
                return None
            cursor.execute("SET LOCAL jit = off")   # compiling costs more than it saves here
            cursor.execute("SET LOCAL work_mem = '64MB'")   # the sorts by point in memory
            cursor.execute("CREATE TEMP TABLE gis_points_in (id integer, lon float8, "
                           "lat float8) ON COMMIT DROP")
            with cursor.copy("COPY gis_points_in (id, lon, lat) FROM STDIN "
                             "(FORMAT binary)") as copy:
                copy.write(_points_copy(lon, lat))
            grid = many and cell is not None
            if grid:   # the grid's hash join reads the copied rows; never a merge join
                cursor.execute("SET LOCAL enable_mergejoin = off")
                cursor.execute("ANALYZE gis_points_in")
            else:
                cursor.execute(POINTS_BY_PLACE if many else POINTS)
                if many:
                    cursor.execute("CREATE INDEX ON gis_points USING gist (pt)")
                cursor.execute("ANALYZE gis_points")
            if grid:
                return grid_pick(cursor, content_hash, cell, kode)
            hits = MANY_POINTS_HITS if many else FEW_POINTS_HITS
            cursor.execute(LOCATE_SQL.format(hits=hits), {"h": content_hash})
            rows = cursor.fetchall()
    if not rows:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64"), np.zeros(0), []
    ids, row_no, n, other = (np.asarray(c) for c in zip(*rows, strict=True))
    return ids.astype("int64"), row_no.astype("int64"), n.astype("int64"), list(other)
