"""A layer frame as GeoJSON: written by PostGIS when the database has it, else in Python.

Both give the same document (``io.export.geojson_bytes``: the same properties text and
order; geometries from ``ST_AsGeoJSON`` at the same precision).
"""

from __future__ import annotations

from geopandas import GeoDataFrame
from sqlalchemy.orm import Session

from geoapp.io.export import geojson_bytes
from geoapp.store import postgis


def layer_geojson(session: Session, frame: GeoDataFrame, *, precision: int = 6) -> bytes:
    """RFC 7946 GeoJSON of ``frame``, from PostGIS when ``session``'s database has it."""
    engine = session.get_bind()
    if postgis.enabled(engine):
        from geoapp.store.postgis.layers import layer_geojson as postgis_geojson

        return postgis_geojson(engine, frame, precision)
    return geojson_bytes(frame, precision=precision)
