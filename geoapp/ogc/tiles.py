"""Mapbox vector tiles (MVT) of a collection in the WebMercatorQuad tiling (XYZ).

A tile is written by GDAL's MVT driver (through pyogrio) from the collection's frame,
the same features as the items, clipped to the features that touch the tile. Output
only: GDAL never reads user content here. Core module: no Flask.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pyogrio
import shapely
from geopandas import GeoDataFrame
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.store import postgis

MIN_ZOOM = 0
MAX_ZOOM = 18
MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
BAD_TILE = Msg("ogc.bad_tile",
               "Tile {z}/{x}/{y} does not exist: zoom must be {minimum} to {maximum} and x "
               "and y 0 to 2^zoom - 1.")


def check_tile(z: int, x: int, y: int) -> None:
    """A 404 unless z/x/y is a tile of WebMercatorQuad within the served zooms."""
    if not MIN_ZOOM <= z <= MAX_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        raise GeoappError(BAD_TILE, 404, z=z, x=x, y=y, minimum=MIN_ZOOM, maximum=MAX_ZOOM)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's (west, south, east, north) in degrees."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def padded_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's bounds widened by 1/64 of its size on each side: features touching
    this box are written into the tile."""
    west, south, east, north = tile_bounds(z, x, y)
    pad_x, pad_y = (east - west) / 64, (north - south) / 64
    return west - pad_x, south - pad_y, east + pad_x, north + pad_y


def _touching(frame: GeoDataFrame, z: int, x: int, y: int) -> GeoDataFrame:
    box = shapely.box(*padded_bounds(z, x, y))
    return frame[shapely.intersects(frame.geometry.values, box)]


def _writable(frame: GeoDataFrame) -> GeoDataFrame:
    """The frame with columns GDAL writes as MVT attributes (booleans as integers)."""
    out = frame.copy()
    for name in out.columns:
        if name != out.geometry.name and out[name].dtype == bool:
            out[name] = out[name].astype("int32")
    return out


def tile_bytes(frame: GeoDataFrame, layer: str, z: int, x: int, y: int) -> bytes:
    """The MVT tile z/x/y of ``frame`` (EPSG:4326) with one layer ``layer``; b"" if empty."""
    check_tile(z, x, y)
    touching = _touching(frame, z, x, y)
    if touching.empty:
        return b""
    with tempfile.TemporaryDirectory(prefix="geoapp-mvt-") as folder:
        out = Path(folder) / "tiles"
        pyogrio.write_dataframe(
            _writable(touching), str(out), driver="MVT", layer=layer,
            dataset_options={"MINZOOM": str(z), "MAXZOOM": str(z), "FORMAT": "DIRECTORY",
                             "COMPRESS": "NO", "NAME": layer})
        path = out / str(z) / str(x) / f"{y}.pbf"
        return path.read_bytes() if path.exists() else b""


def frame_tile(session: Session, frame: GeoDataFrame, layer: str, z: int, x: int,
               y: int) -> bytes:
    """The tile of ``frame``: ``ST_AsMVT`` when ``session``'s database has PostGIS, else
    GDAL (:func:`tile_bytes`); the same features and properties either way."""
    check_tile(z, x, y)
    engine = session.get_bind()
    if postgis.enabled(engine):
        from geoapp.store.postgis.layers import layer_tile

        return layer_tile(engine, frame.to_crs(4326) if frame.crs and not frame.crs.equals(
            "EPSG:4326") else frame, layer, z, x, y, padded_bounds(z, x, y))
    return tile_bytes(frame, layer, z, x, y)
