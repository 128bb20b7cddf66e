"""Write layers: GeoJSON (RFC 7946), formula-safe CSV and GeoPackage.

GeoJSON is written by hand rather than by GDAL so that the output is exactly RFC 7946:
EPSG:4326 lon/lat, counter-clockwise exteriors and clockwise holes, at most ``precision``
decimals (each coordinate rounded the same way, so neighbours' shared vertices stay equal),
``null`` for missing values, no ``crs`` member.

CSV cells are guarded against formula injection (see :func:`csv_safe_value`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.io.boundaries import utm_epsg

FORMATS = {".geojson": "geojson", ".json": "geojson", ".csv": "csv", ".gpkg": "gpkg"}
MEDIA_TYPES = {"geojson": "application/geo+json", "csv": "text/csv; charset=utf-8",
               "gpkg": "application/geopackage+sqlite3"}
CSV_ENCODING = "utf-8-sig"   # UTF-8 with BOM, so that Excel shows Indonesian text correctly

_ERR_FORMAT = Msg(
    "export.format",
    "Output format '{got}' is not supported. Choose one of: {allowed}.",
)
_ERR_PRECISION = Msg(
    "export.precision",
    "precision must be a whole number from 0 to 15; received: {got}.",
)
_ERR_NO_CRS = Msg(
    "export.no_crs",
    "The layer has no coordinate system and its coordinates are not longitude/latitude.",
)
_ERR_PROPERTIES = Msg(
    "export.properties",
    "Columns {missing} are not in the layer (properties option). Available columns: "
    "{available}.",
)
_ERR_DIALECT = Msg("export.csv_dialect",
                   "Unknown CSV flavour '{got}'. Choose one of: {allowed}.")
_ERR_LAYER_NAME = Msg("export.layer_name", "layer_name must not be empty; received: '{got}'.")


# --------------------------------------------------------------------------- geojson

def _to_4326(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The layer in EPSG:4326; a layer without CRS is taken as lon/lat if it fits."""
    if gdf.crs is None:
        bounds = np.asarray(gdf.total_bounds, dtype=float)
        if len(gdf) and np.all(np.isfinite(bounds)) and not (
                -180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
            raise GeoappError(_ERR_NO_CRS, 422)
        return gdf.set_crs("EPSG:4326")
    if gdf.crs.equals("EPSG:4326"):
        return gdf
    return gdf.to_crs("EPSG:4326")


def _number(value: float, precision: int) -> str:
    """A coordinate as plain decimal text with at most ``precision`` decimals."""
    text = f"{value:.{precision}f}"   # correctly rounded: equal inputs give equal text
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _positions(coords: np.ndarray, precision: int) -> str:
    return "[" + ",".join(
        f"[{_number(x, precision)},{_number(y, precision)}]" for x, y in coords[:, :2]) + "]"


def _polygon(poly: shapely.Polygon, precision: int) -> str:
    rings = [poly.exterior, *poly.interiors]
    return "[" + ",".join(_positions(np.asarray(r.coords), precision) for r in rings) + "]"


def geometry_json(geom: shapely.Geometry | None, precision: int = 6) -> str:
    """RFC 7946 geometry text (2D); ``null`` for a missing or empty geometry."""
    if geom is None or geom.is_empty:
        return "null"
    kind = geom.geom_type
    if kind == "Point":
        return f'{{"type":"Point","coordinates":{_positions(np.asarray(geom.coords), precision)[1:-1]}}}'
    if kind == "LineString":
        return f'{{"type":"LineString","coordinates":{_positions(np.asarray(geom.coords), precision)}}}'
    if kind == "Polygon":
        return f'{{"type":"Polygon","coordinates":{_polygon(geom, precision)}}}'
    parts = list(geom.geoms)
    if kind == "MultiPoint":
        body = ",".join(_positions(np.asarray(p.coords), precision)[1:-1] for p in parts)
    elif kind == "MultiLineString":
        body = ",".join(_positions(np.asarray(p.coords), precision) for p in parts)
    elif kind == "MultiPolygon":
        body = ",".join(_polygon(p, precision) for p in parts)
    else:
        inner = ",".join(geometry_json(p, precision) for p in parts)
        return f'{{"type":"GeometryCollection","geometries":[{inner}]}}'
    return f'{{"type":"{kind}","coordinates":[{body}]}}'


def json_value(value: object) -> object:
    """A property value as a JSON-safe Python value (NaN/Infinity/NA -> None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def geojson_features(gdf: gpd.GeoDataFrame, *, precision: int = 6,
                     properties: list[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """The layer's geometries (EPSG:4326, RFC 7946 ring order) and each feature's
    properties as JSON text: what :func:`geojson_bytes` writes (and PostGIS serves)."""
    if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 15:
        raise GeoappError(_ERR_PRECISION, 400, got=precision)
    layer = _to_4326(gdf)
    geom_name = layer.geometry.name
    names = [c for c in (properties if properties is not None else layer.columns)
             if c != geom_name]
    missing = [str(c) for c in names if c not in layer.columns]
    if missing:
        raise GeoappError(_ERR_PROPERTIES, 400, missing=", ".join(missing),
                          available=", ".join(str(c) for c in layer.columns if c != geom_name))
    geoms = shapely.orient_polygons(layer.geometry.values, exterior_cw=False)
    records = layer[names].to_dict(orient="split")["data"] if names else [[]] * len(layer)
    texts = [json.dumps({str(k): json_value(v) for k, v in zip(names, row, strict=True)},
                        ensure_ascii=False, allow_nan=False, separators=(",", ":"))
             for row in records]
    return np.asarray(geoms, dtype=object), texts


def feature_collection(lines: list[str]) -> bytes:
    """The FeatureCollection of feature texts, one per line."""
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines)
            + "\n]}\n").encode("utf-8")


def geojson_bytes(gdf: gpd.GeoDataFrame, *, precision: int = 6,
                  properties: list[str] | None = None) -> bytes:
    """RFC 7946 FeatureCollection (UTF-8, one feature per line) of ``gdf``.

    ``properties`` chooses and orders the attribute columns (default: all but geometry).
    """
    geoms, texts = geojson_features(gdf, precision=precision, properties=properties)
    return feature_collection([
        '{"type":"Feature","properties":' + props + ',"geometry":'
        + geometry_json(geom, precision) + "}"
        for geom, props in zip(geoms, texts, strict=True)])


# --------------------------------------------------------------------------- csv

# Decision: a text cell that is wholly a plain number is left alone even with a leading
# sign - "-6.1234", "-5", "+62", "-6,1234" (decimal comma) and "1.234.567,5" (thousands
# dots) - because spreadsheets read them as numbers, never as formulas. "+62 812 555"
# (with spaces) or "-1+1" are not plain numbers and are guarded. A lone "-" (the usual
# "nothing" mark in Indonesian tables) cannot be a formula and is left alone too.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+|\d{1,3}([.,]\d{3})+)([.,]\d+)?([eE][+-]?\d+)?")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_value(value: object) -> object:
    """Guard one cell: text starting with = + - @ TAB or CR gets a leading ``'``.

    Leading spaces are looked through (`` =1+1`` is guarded too). Non-text values and
    text that is entirely a plain number (``-6.1234``, ``-6,1234``, ``+62``) are unchanged.
    """
    if not isinstance(value, str) or not value or value == "-":
        return value
    if value[0] in _TRIGGERS or value.lstrip(" ")[:1] in _TRIGGERS:
        if _PLAIN_NUMBER.fullmatch(value.strip(" ")):
            return value
        return "'" + value
    return value


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell and column header guarded; numbers unchanged."""
    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            continue
        if pd.api.types.is_datetime64_any_dtype(col):
            continue
        out.isetitem(i, col.map(csv_safe_value))
    out.columns = [csv_safe_value(c) for c in out.columns]
    return out


def _centroids_lonlat(layer: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Centroid lon/lat per feature, computed in each feature's UTM zone."""
    geoms = layer.geometry
    lon = np.full(len(layer), np.nan)
    lat = np.full(len(layer), np.nan)
    present = ~(geoms.isna() | geoms.is_empty).to_numpy()
    if not present.any():
        return lon, lat
    rough = shapely.centroid(shapely.envelope(geoms.values[present]))
    zones = utm_epsg(shapely.get_x(rough), shapely.get_y(rough))
    idx = np.flatnonzero(present)
    for zone in np.unique(zones):
        sel = idx[zones == zone]
        cent = geoms.iloc[sel].to_crs(int(zone)).centroid.to_crs("EPSG:4326")
        lon[sel], lat[sel] = cent.x.to_numpy(), cent.y.to_numpy()
    return np.round(lon, 6), np.round(lat, 6)


def csv_frame(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Attributes plus centroid ``lon``/``lat`` (``*_centroid`` if those names are taken)."""
    layer = _to_4326(gdf)
    out = pd.DataFrame(layer.drop(columns=layer.geometry.name))
    lon, lat = _centroids_lonlat(layer)
    lon_name, lat_name = ("lon", "lat")
    if lon_name in out.columns or lat_name in out.columns:
        lon_name, lat_name = "lon_centroid", "lat_centroid"
    out[lon_name] = lon
    out[lat_name] = lat
    return csv_safe_frame(out)


# CSV flavours: "id" opens in a spreadsheet set to Indonesian (";" between fields, ","
# decimals), "en" in one set to English; both round (coordinates 6 decimals, areas 3,
# other figures 2; whole numbers without decimals) and write yes/no as "ya"/"tidak"
# ("yes"/"no"). "machine": "," and "." with full
# precision, for programs (pandas, R, GIS).
CSV_DIALECTS = ("id", "en", "machine")
_COORDINATE_COLUMNS = ("lon", "lat", "lon_centroid", "lat_centroid")


def _decimals(name: object) -> int:
    if name in _COORDINATE_COLUMNS:
        return 6
    return 3 if str(name).startswith("luas") else 2


# yes/no cells of the people's flavours (``machine`` keeps True/False)
YES_NO = {"id": ("ya", "tidak"), "en": ("yes", "no")}


def rounded_frame(frame: pd.DataFrame, dialect: str = "id") -> pd.DataFrame:
    """Float columns rounded for people (see ``CSV_DIALECTS``); whole-number columns as
    integers (empty cells stay empty); yes/no columns in words (``ya``/``tidak``)."""
    out = frame.copy()
    yes, no = YES_NO.get(dialect, YES_NO["en"])
    for i, name in enumerate(out.columns):
        column = out.iloc[:, i]
        if pd.api.types.is_bool_dtype(column):
            out.isetitem(i, column.map(lambda v: "" if pd.isna(v) else (yes if v else no)))
            continue
        if not pd.api.types.is_float_dtype(column):
            continue
        values = column.round(_decimals(name))
        present = values.dropna()
        finite = np.isfinite(present).all()
        if finite and len(present) and (present == present.round(0)).all() \
                and present.abs().max() < 2**53:
            values = values.astype("Int64")
        out.isetitem(i, values)
    return out


def csv_bytes(gdf: gpd.GeoDataFrame, *, dialect: str = "machine") -> bytes:
    """Formula-safe CSV (UTF-8 with BOM) of the attributes and centroids, in one of
    ``CSV_DIALECTS`` (default: machine-readable)."""
    return table_csv_bytes(csv_frame(gdf), dialect=dialect)


def table_csv_bytes(frame: pd.DataFrame, *, dialect: str = "machine") -> bytes:
    """A formula-safe table as CSV (UTF-8 with BOM) in one of ``CSV_DIALECTS``: ``machine``
    keeps full precision with ``,`` and ``.``; ``id`` (``;`` and decimal ``,``) and ``en``
    round for people."""
    frame = csv_safe_frame(frame)
    if dialect == "machine":
        text = frame.to_csv(index=False, lineterminator="\r\n")
    elif dialect in ("id", "en"):
        sep, decimal = (";", ",") if dialect == "id" else (",", ".")
        text = rounded_frame(frame, dialect).to_csv(index=False, sep=sep, decimal=decimal,
                                           lineterminator="\r\n")
    else:
        raise GeoappError(_ERR_DIALECT, 400, got=str(dialect)[:20],
                          allowed=", ".join(CSV_DIALECTS))
    return text.encode(CSV_ENCODING)


# --------------------------------------------------------------------------- dispatch

def _format_of(fmt: str) -> str:
    key = "." + str(fmt).strip().lower().lstrip(".")
    if key not in FORMATS:
        raise GeoappError(_ERR_FORMAT, 400, got=fmt, allowed=", ".join(FORMATS))
    return FORMATS[key]


def _check_layer_name(layer_name: str) -> str:
    if not isinstance(layer_name, str) or not layer_name.strip():
        raise GeoappError(_ERR_LAYER_NAME, 400, got=layer_name)
    return layer_name.strip()


def _write_gpkg(gdf: gpd.GeoDataFrame, path: Path, layer_name: str) -> None:
    layer = _to_4326(gdf)
    path.unlink(missing_ok=True)
    pyogrio.write_dataframe(layer, path, layer=_check_layer_name(layer_name), driver="GPKG")


def write_layer(gdf: gpd.GeoDataFrame, path: str | Path, *, layer_name: str = "layer") -> Path:
    """Write ``gdf`` to ``path``; the format follows the extension (.geojson/.json/.csv/.gpkg)."""
    path = Path(path)
    fmt = _format_of(path.suffix or "(none)")
    if fmt == "gpkg":
        _write_gpkg(gdf, path, layer_name)
    else:
        path.write_bytes(layer_bytes(gdf, fmt, layer_name=layer_name))
    return path


def layer_bytes(gdf: gpd.GeoDataFrame, fmt: str, *, layer_name: str = "layer",
                csv_dialect: str = "machine") -> bytes:
    """The layer as bytes in ``fmt`` (geojson, json, csv or gpkg), e.g. for downloads;
    a CSV in ``csv_dialect`` (``CSV_DIALECTS``)."""
    kind = _format_of(fmt)
    if kind == "geojson":
        return geojson_bytes(gdf)
    if kind == "csv":
        return csv_bytes(gdf, dialect=csv_dialect)
    with tempfile.TemporaryDirectory(prefix="geoapp-export-") as tmp:
        path = Path(tmp) / "layer.gpkg"
        _write_gpkg(gdf, path, layer_name)
        return path.read_bytes()
