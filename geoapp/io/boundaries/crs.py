"""Coordinate systems: settle a frame on EPSG:4326, UTM zones and areas in km2."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.io.boundaries.types import BoundaryReport

_ERR_NO_CRS = Msg(
    "boundaries.no_crs",
    "The file names no coordinate system and its coordinates are not longitude/latitude "
    "(bounds {bounds}). Add a .prj file (or save it again with a CRS).",
)
_ERR_OUT_OF_RANGE = Msg(
    "boundaries.out_of_range",
    "Coordinates are outside longitude/latitude ranges (bounds {bounds}) although the CRS "
    "is {crs}. Longitude and latitude may be swapped, or the CRS is wrong.",
)
_ERR_CRS = Msg("boundaries.crs", "The file's coordinate system cannot be understood: {crs}.")
_NOTE_ASSUMED_4326 = Msg(
    "boundaries.assumed_4326",
    "The file names no coordinate system; its coordinates fit longitude/latitude, so "
    "EPSG:4326 was assumed.",
)
_NOTE_REPROJECTED = Msg(
    "boundaries.reprojected",
    "Coordinates were reprojected from {crs} to EPSG:4326.",
)
_NOTE_AREA_COMPUTED = Msg(
    "boundaries.area_computed",
    "Area (km2) was computed from the geometry in a UTM projection for {count} features.",
)


def _fits_lonlat(bounds: np.ndarray) -> bool:
    minx, miny, maxx, maxy = bounds
    return bool(np.all(np.isfinite(bounds)) and -180 <= minx <= maxx <= 180
                and -90 <= miny <= maxy <= 90)


def _crs_text(crs: CRS) -> str:
    epsg = crs.to_epsg()
    if epsg is not None:
        return f"EPSG:{epsg}"
    auth = crs.to_authority()
    return ":".join(auth) if auth else crs.name


def settle_crs(gdf: gpd.GeoDataFrame, report: BoundaryReport) -> gpd.GeoDataFrame:
    """Record the source CRS and reproject to EPSG:4326 (assume it only for lon/lat data)."""
    bounds = np.asarray(gdf.total_bounds, dtype=float)
    shown = ", ".join(f"{b:.4f}" for b in bounds)
    if gdf.crs is None:
        if not _fits_lonlat(bounds):
            raise GeoappError(_ERR_NO_CRS, 422, bounds=shown)
        report.notes.append(Note.of(_NOTE_ASSUMED_4326))
        return gdf.set_crs("EPSG:4326")
    try:
        crs = CRS.from_user_input(gdf.crs)
        report.crs_detected = _crs_text(crs)
    except Exception:  # noqa: BLE001 - pyproj errors on untrusted WKT
        raise GeoappError(_ERR_CRS, 422, crs=str(gdf.crs)[:120]) from None
    if crs.is_geographic and not _fits_lonlat(bounds):
        raise GeoappError(_ERR_OUT_OF_RANGE, 422, bounds=shown, crs=report.crs_detected)
    if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return gdf.set_crs("EPSG:4326", allow_override=True)
    report.reprojected = True
    report.notes.append(Note.of(_NOTE_REPROJECTED, crs=report.crs_detected))
    try:
        return gdf.to_crs("EPSG:4326")
    except Exception:  # noqa: BLE001 - pyproj cannot transform this CRS
        raise GeoappError(_ERR_CRS, 422, crs=report.crs_detected) from None


def utm_epsg(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS 84 / UTM zone EPSG code for each lon/lat (326xx north, 327xx south)."""
    zone = np.clip(np.floor((np.asarray(lon) + 180.0) / 6.0).astype(int) + 1, 1, 60)
    return np.where(np.asarray(lat) < 0, 32700, 32600) + zone


def area_km2(geoms: gpd.GeoSeries) -> np.ndarray:
    """Area in km2 of EPSG:4326 geometries, each measured in its own UTM zone."""
    out = np.full(len(geoms), np.nan)
    if len(geoms) == 0:
        return out
    centre = shapely.centroid(shapely.envelope(geoms.values))
    codes = utm_epsg(shapely.get_x(centre), shapely.get_y(centre))
    for code in np.unique(codes):
        mask = codes == code
        out[mask] = geoms[mask].to_crs(int(code)).area.to_numpy() / 1e6
    return out


def fill_area(frame: gpd.GeoDataFrame, report: BoundaryReport) -> gpd.GeoDataFrame:
    """Compute ``luas_km2`` (3 decimals) where the source has none."""
    missing = frame["luas_km2"].isna().to_numpy()
    frame = frame.copy()
    if missing.any():
        frame.loc[missing, "luas_km2"] = area_km2(frame.geometry[missing])
        report.notes.append(Note.of(_NOTE_AREA_COMPUTED, count=int(missing.sum())))
        if report.fields.get("luas_km2") and missing.all():
            report.fields["luas_km2"] = None
    frame["luas_km2"] = frame["luas_km2"].astype(float).round(3)
    return frame
