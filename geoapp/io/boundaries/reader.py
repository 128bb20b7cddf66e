"""Read vetted boundary bytes with pyogrio into a GeoDataFrame in EPSG:4326.

GDAL's own error text can name temporary paths; it is logged, never shown to users.
"""

from __future__ import annotations

import logging
import warnings

import geopandas as gpd
import pyogrio

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.io.boundaries.crs import settle_crs
from geoapp.io.boundaries.formats import ERR_FORMAT, detect_format, prepare_payload
from geoapp.io.boundaries.geoparquet import read_geoparquet
from geoapp.io.boundaries.repair import ERR_NOT_POLYGON
from geoapp.io.boundaries.types import BoundaryReport

_log = logging.getLogger(__package__)  # one logger for the whole boundaries package

ERR_UNREADABLE = Msg(
    "boundaries.unreadable",
    "The boundary file ({format}) could not be read; it may be damaged or not GeoJSON, "
    "GeoPackage, Shapefile (ZIP), GeoParquet or FlatGeobuf. Save the file again and retry.",
)
_ERR_LAYER = Msg(
    "boundaries.layer",
    "Layer '{layer}' does not exist. Available layers: {layers}. Choose one with the "
    "--boundaries-layer option.",
)
_ERR_LAYER_CHOICE = Msg(
    "boundaries.layer_choice",
    "The file holds several polygon layers: {layers}. Choose one with the "
    "--boundaries-layer option.",
)
_ERR_NO_FEATURES = Msg("boundaries.no_features", "The boundary file contains no features.")

_DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "shapefile_zip": "ESRI Shapefile",
            "flatgeobuf": "FlatGeobuf"}


def _list_layers(payload: bytes) -> list[tuple[str, str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            layers = pyogrio.list_layers(payload)
        except Exception as exc:  # noqa: BLE001 - GDAL errors on untrusted content
            _log.warning("boundary layers unreadable: %.200s", exc)
            raise GeoappError(ERR_UNREADABLE, 422, format="?") from None
    return [(str(name), str(kind)) for name, kind in layers]


def choose_layer(payload: bytes, fmt: str, layer: str | None) -> str | None:
    """The layer to read: the one asked for, or the single polygon layer."""
    if fmt != "gpkg" and layer is None:
        return None
    layers = _list_layers(payload)
    names = [name for name, _ in layers]
    if layer is not None:
        if layer not in names:
            raise GeoappError(_ERR_LAYER, 400, layer=layer, layers=", ".join(names) or "-")
        return layer
    polygonal = [name for name, kind in layers if "polygon" in kind.lower()]
    if len(polygonal) > 1:
        raise GeoappError(_ERR_LAYER_CHOICE, 400, layers=", ".join(polygonal))
    return polygonal[0] if polygonal else (names[0] if names else None)


def read_with_pyogrio(payload: bytes, fmt: str,
                      layer: str | None) -> tuple[gpd.GeoDataFrame, str]:
    """Read the (already vetted) payload; the driver GDAL picked must be the expected one."""
    expected = _DRIVERS[fmt]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            info = pyogrio.read_info(payload, layer=layer)
            if info.get("driver") != expected:
                raise GeoappError(ERR_FORMAT, 415, what=str(info.get("driver")))
            gdf = pyogrio.read_dataframe(payload, layer=layer, force_2d=True,
                                         on_invalid="ignore")
        except GeoappError:
            raise
        except Exception as exc:  # noqa: BLE001 - GDAL errors on untrusted content
            _log.warning("boundary file (%s) unreadable: %.200s", expected, exc)
            raise GeoappError(ERR_UNREADABLE, 422, format=expected) from None
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise GeoappError(ERR_NOT_POLYGON, 422, types="-", codes="-")
    return gdf, expected


def read_frame(raw: bytes, name: str,
               layer: str | None) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """Detect the format, read with pyogrio, settle the CRS (to EPSG:4326)."""
    fmt = detect_format(raw)
    notes: list[Note] = []
    payload = prepare_payload(raw, fmt, notes)
    if fmt == "geoparquet":
        layer_name, (gdf, driver) = None, read_geoparquet(payload)
    else:
        layer_name = choose_layer(payload, fmt, layer)
        gdf, driver = read_with_pyogrio(payload, fmt, layer_name)
    if len(gdf) == 0:
        raise GeoappError(_ERR_NO_FEATURES, 422)
    report = BoundaryReport(source=name, driver=driver, crs_detected=None, notes=notes,
                            layer=layer_name)
    gdf = settle_crs(gdf, report)
    return gdf, report
