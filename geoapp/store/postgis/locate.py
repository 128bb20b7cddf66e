"""Point in polygon in PostGIS: ``ST_Intersects`` against the GiST-indexed boundaries.

The same rule as the shapely path (``matching.spatial``), so results are equal: a point
on or inside a polygon belongs to it (``ST_Intersects``, as shapely's ``intersects``
predicate; ``ST_Contains`` would drop points on a boundary line); a point in several
polygons is counted once, in the one whose boundary is farthest from it (depth rounded
to 12 decimals), ties by lowest kode (``row_no``: the gazetteer is sorted by kode),
picked with ``DISTINCT ON``; the others are listed in that order.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.locator import gazetteer_hash
from geoapp.store.postgis.sync import sync_boundaries

LOCATE_SQL = """
WITH hits AS (
  SELECT p.id, b.row_no, b.kode, b.geom, p.pt, count(*) OVER (PARTITION BY p.id) AS n
  FROM (SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt FROM gis_points) p
  JOIN gis_boundaries b ON b.set_hash = %(h)s AND ST_Intersects(b.geom, p.pt)
), ranked AS (
  SELECT id, row_no, kode, n, CASE WHEN n > 1
    THEN round(ST_Distance(pt, ST_Boundary(geom))::numeric, 12) ELSE 0 END AS depth
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
        rows = _run(self.engine, content_hash, lon, lat)
        if rows:
            ids, row_no, n, other = (np.asarray(c) for c in zip(*rows, strict=True))
            ids = ids.astype("int64")
            index[ids] = row_no.astype("int64")
            overlap[ids] = n.astype("int64") > 1
            others[ids] = [o if o else None for o in other]
        return index, overlap, others


def _points_text(lon: np.ndarray, lat: np.ndarray) -> str:
    frame = pd.DataFrame({"id": np.arange(len(lon)), "lon": lon, "lat": lat})
    buffer = io.StringIO()
    frame.to_csv(buffer, sep="\t", header=False, index=False, float_format="%.17g")
    return buffer.getvalue()


def _run(engine: Engine, content_hash: str, lon: np.ndarray, lat: np.ndarray) -> list:
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE gis_points (id integer, lon float8, lat float8) "
                           "ON COMMIT DROP")
            with cursor.copy("COPY gis_points (id, lon, lat) FROM STDIN") as copy:
                copy.write(_points_text(lon, lat))
            cursor.execute("ANALYZE gis_points")
            cursor.execute(LOCATE_SQL, {"h": content_hash})
            return cursor.fetchall()
