"""Checks and preparation of the boundary frames the map is drawn from."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

KODE_KELURAHAN_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
KELURAHAN_COLUMNS = ("kode", "nama", "kode_kecamatan", "nama_kecamatan")
KECAMATAN_COLUMNS = ("kode", "nama")

NOT_A_FRAME = Msg(
    "map_not_a_frame",
    "The {layer} layer must be a GeoDataFrame; received: {received}.",
)
MISSING_COLUMNS = Msg(
    "map_missing_columns",
    "The {layer} layer lacks the column(s) {missing}. Columns present: {available}.",
)
BAD_KODE = Msg(
    "map_bad_kode",
    "The {layer} layer has an empty or duplicate kode ({example}). Every area needs a unique kode.",
)
NOT_LONLAT = Msg(
    "map_not_lonlat",
    "The {layer} layer has no CRS and its coordinates are not "
    "longitude/latitude. Set a CRS (e.g. EPSG:4326).",
)


def _preview(items: list[str]) -> str:
    return ", ".join(str(x)[:40] for x in items[:20])


def to_lonlat(frame: gpd.GeoDataFrame, layer: str) -> gpd.GeoDataFrame:
    """The frame in EPSG:4326 (a missing CRS is accepted only for lon/lat values)."""
    if frame.crs is None:
        bounds = frame.total_bounds
        if len(frame) and not (np.all(np.abs(bounds[[0, 2]]) <= 180)
                               and np.all(np.abs(bounds[[1, 3]]) <= 90)):
            raise GeoappError(NOT_LONLAT, 400, layer=layer)
        return frame.set_crs(4326)
    return frame if frame.crs.to_epsg() == 4326 else frame.to_crs(4326)


def check_boundary_frame(frame: object, layer: str, required: tuple[str, ...]) -> gpd.GeoDataFrame:
    """A boundary frame with the required columns and unique non-empty kode, in EPSG:4326."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise GeoappError(NOT_A_FRAME, 400, layer=layer, received=type(frame).__name__)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise GeoappError(MISSING_COLUMNS, 400, layer=layer, missing=", ".join(missing),
                          available=_preview([str(c) for c in frame.columns]))
    kode = frame["kode"].astype("string").fillna("").str.strip()
    bad = kode[(kode == "") | kode.duplicated(keep=False)]
    if len(bad):
        raise GeoappError(BAD_KODE, 400, layer=layer, example=_preview(bad.tolist()) or "''")
    return to_lonlat(frame.reset_index(drop=True), layer)


def texts(series: pd.Series) -> list[str]:
    """Column values as display text ('' for missing)."""
    return ["" if pd.isna(v) else str(v) for v in series.tolist()]


def profile_links(kodes: list[str]) -> list[int]:
    """1 where the kode is a valid kelurahan code (a profile link may be built), else 0."""
    return [1 if KODE_KELURAHAN_RE.match(k) else 0 for k in kodes]
