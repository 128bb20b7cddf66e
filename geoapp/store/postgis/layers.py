"""Layer GeoJSON (``ST_AsGeoJSON``) and vector tiles (``ST_AsMVT``) written by PostGIS.

A layer frame (per-kelurahan figures on their polygons, or places as points) is stored
once per content in ``gis_features``: each feature's properties as the JSON text the
Python writer makes (``io.export.geojson_features``) and its geometry. The GeoJSON is the
Python writer's FeatureCollection with the geometries from ``ST_AsGeoJSON``; a tile is
``ST_AsMVT`` of ``ST_AsMVTGeom`` with GDAL's defaults (extent 4096, buffer 80) over the
features that touch the tile's padded box (the same selection as ``ogc.tiles``).
"""

from __future__ import annotations

import hashlib
import io

import shapely
from geopandas import GeoDataFrame
from sqlalchemy import Engine, text

from geoapp.io.export import feature_collection, geojson_features
from geoapp.store.postgis.sync import copy_field, raw_cursor

KEEP_LAYERS = 256
CLAIM_LAYER = ("INSERT INTO gis_layers (content_hash, features) VALUES (%(h)s, %(n)s) "
               "ON CONFLICT (content_hash) DO NOTHING RETURNING content_hash")
LOCK_LAYER = "SELECT 1 FROM gis_layers WHERE content_hash = %(h)s FOR SHARE"
PRUNE_LAYERS = ("DELETE FROM gis_layers WHERE content_hash IN (SELECT content_hash FROM "
                "gis_layers ORDER BY used_at DESC, content_hash OFFSET %(keep)s)")
EXTENT, BUFFER = 4096, 80   # GDAL's MVT driver defaults

GEOJSON_SQL = """
SELECT '{"type":"Feature","properties":' || props::text || ',"geometry":'
       || CASE WHEN geom IS NULL OR ST_IsEmpty(geom) THEN 'null'
               ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(geom), %(p)s, 0) END || '}'
FROM gis_features WHERE layer_hash = %(h)s ORDER BY fid
"""

GEOMETRY_SQL = """
SELECT CASE WHEN geom IS NULL OR ST_IsEmpty(geom) THEN 'null'
            WHEN %(flip)s THEN ST_AsGeoJSON(ST_FlipCoordinates(ST_ForcePolygonCCW(geom)), %(p)s, 0)
            ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(geom), %(p)s, 0) END
FROM gis_features WHERE layer_hash = %(h)s ORDER BY fid
"""

TILE_SQL = """
SELECT ST_AsMVT(t, %(layer)s, %(extent)s, 'geom') FROM (
  SELECT ST_AsMVTGeom(ST_Transform(f.geom, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                      %(extent)s, %(buffer)s, true) AS geom,
         (SELECT jsonb_object_agg(k, CASE WHEN jsonb_typeof(v) = 'boolean'
                 THEN to_jsonb(v::text::boolean::int) ELSE v END)   -- as GDAL: 0/1
          FROM jsonb_each(f.props::jsonb) AS p(k, v)) AS props
  FROM gis_features f
  WHERE f.layer_hash = %(h)s
    AND ST_Intersects(f.geom, ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326))
  ORDER BY f.fid
) t WHERE t.geom IS NOT NULL
"""


def _stored(engine: Engine, frame: GeoDataFrame) -> str:
    """Store ``frame`` in ``gis_features`` unless it is there; its content hash."""
    geoms, texts = geojson_features(frame, precision=15)
    wkb = shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)
    digest = hashlib.sha256()
    for props, blob in zip(texts, wkb, strict=True):
        digest.update(props.encode("utf-8") + b"\x1f" + (blob or "").encode("ascii") + b"\x1e")
    content_hash = digest.hexdigest()
    with engine.connect() as connection:
        if connection.execute(text("SELECT 1 FROM gis_layers WHERE content_hash = :h"),
                              {"h": content_hash}).first() is not None:
            return content_hash
    with engine.begin() as connection, raw_cursor(connection) as cursor:
        cursor.execute(CLAIM_LAYER, {"h": content_hash, "n": len(texts)})
        if cursor.fetchone() is not None:
            _copy(cursor, content_hash, texts, wkb)
            cursor.execute(PRUNE_LAYERS, {"keep": KEEP_LAYERS})
    return content_hash


def _copy(cursor, content_hash: str, texts: list[str], wkb) -> None:
    buffer = io.StringIO()
    for fid, (props, blob) in enumerate(zip(texts, wkb, strict=True)):
        buffer.write(f"{content_hash}\t{fid}\t{copy_field(props)}\t{blob or chr(92) + 'N'}\n")
    with cursor.copy("COPY gis_features (layer_hash, fid, props, geom) FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def _query(engine: Engine, frame: GeoDataFrame, sql: str, params: dict) -> list:
    """Rows of ``sql`` over the stored ``frame`` (``%(h)s``: its content hash). The layer
    row is share-locked for the query, so another server's pruning cannot empty it; one
    pruned in between is stored again."""
    for _attempt in range(2):
        content_hash = _stored(engine, frame)
        with engine.begin() as connection, raw_cursor(connection) as cursor:
            cursor.execute(LOCK_LAYER, {"h": content_hash})
            if cursor.fetchone() is not None:
                cursor.execute(sql, {**params, "h": content_hash})
                return cursor.fetchall()
    raise RuntimeError("gis_layers: the layer was pruned twice while being read")


def layer_geojson(engine: Engine, frame: GeoDataFrame, precision: int = 6) -> bytes:
    """``io.export.geojson_bytes(frame)`` with the geometries written by ``ST_AsGeoJSON``."""
    geojson_features(frame.iloc[:0], precision=precision)   # the same checks, the same errors
    rows = _query(engine, frame, GEOJSON_SQL, {"p": precision})
    return feature_collection([row[0] for row in rows])


def geometry_texts(engine: Engine, frame: GeoDataFrame, precision: int = 6, *,
                   flip: bool = False) -> list[str]:
    """Each feature's GeoJSON geometry from ``ST_AsGeoJSON`` (``null`` when missing), in
    lat/lon order when ``flip`` (EPSG:4326 axis order, as ``ogc.crs.swap_axes``)."""
    rows = _query(engine, frame, GEOMETRY_SQL, {"p": precision, "flip": flip})
    return [row[0] for row in rows]


def layer_tile(engine: Engine, frame: GeoDataFrame, layer: str, z: int, x: int, y: int,
               box: tuple[float, float, float, float]) -> bytes:
    """The MVT tile z/x/y (one layer ``layer``) of the features touching ``box`` (degrees,
    west, south, east, north); b"" when none."""
    west, south, east, north = box
    params = {"layer": layer, "extent": EXTENT, "buffer": BUFFER, "z": z, "x": x, "y": y,
              "w": west, "s": south, "e": east, "n": north}
    rows = _query(engine, frame, TILE_SQL, params)
    return bytes(rows[0][0]) if rows and rows[0][0] else b""
