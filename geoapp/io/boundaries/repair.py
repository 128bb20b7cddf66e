"""Geometry checks: every feature polygonal; invalid ones repaired, never refused.

A GeometryCollection keeps its polygonal parts. An invalid polygon is repaired with
``make_valid``; when GEOS cannot (``Overlay input is mixed-dimension``) or the result has no
area, ``buffer(0)`` is tried. Every repaired feature is listed in the report.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import shapely
from shapely.errors import GEOSException

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.io.boundaries.types import BoundaryReport, examples

_log = logging.getLogger(__package__)

_ERR_NO_GEOMETRY = Msg(
    "boundaries.no_geometry",
    "{count} features have no geometry (codes: {codes}). Every kelurahan needs a polygon.",
)
ERR_NOT_POLYGON = Msg(
    "boundaries.not_polygon",
    "Boundaries must be polygons; found {types} (codes: {codes}).",
)
_ERR_REPAIR_FAILED = Msg(
    "boundaries.repair_failed",
    "Invalid geometry that cannot be repaired into a polygon (codes: {codes}).",
)
_NOTE_REPAIRED = Msg(
    "boundaries.repaired",
    "{count} invalid geometries were repaired (make_valid): {codes}.",
)
_NOTE_COLLECTIONS = Msg(
    "boundaries.collections",
    "{count} geometry collections were reduced to their polygonal parts: {codes}.",
)

POLYGONAL = (3, 6)          # shapely type ids: Polygon, MultiPolygon
COLLECTION = 7              # GeometryCollection


def polygonal(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """The polygonal parts of a geometry as one (Multi)Polygon, or None when there are none."""
    if geom is None:
        return None
    parts = [q for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")
             for q in shapely.get_parts(p) if not q.is_empty]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def repair_one(geom: shapely.Geometry) -> shapely.Geometry | None:
    """A valid (Multi)Polygon for ``geom``: make_valid, else buffer(0); None when neither works."""
    for attempt in (shapely.make_valid, lambda g: shapely.buffer(g, 0)):
        try:
            fixed = polygonal(attempt(geom))
        except GEOSException as exc:   # e.g. "Overlay input is mixed-dimension"
            _log.info("geometry repair step failed: %.120s", exc)
            continue
        if fixed is not None and fixed.is_valid and fixed.area > 0:
            return fixed
    parts = polygonal(geom)          # last resort: repair each polygonal part on its own
    if parts is None:
        return None
    pieces = [shapely.buffer(p, 0) for p in shapely.get_parts(parts)]
    fixed = polygonal(shapely.union_all([p for p in pieces if not p.is_empty]))
    return fixed if fixed is not None and fixed.is_valid else None


def check_and_repair_geometry(frame: gpd.GeoDataFrame,
                              report: BoundaryReport) -> gpd.GeoDataFrame:
    """Require polygonal features; reduce collections, repair invalid ones, record which."""
    geoms = np.array(frame.geometry.values, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        raise GeoappError(_ERR_NO_GEOMETRY, 422, count=int(missing.sum()),
                          codes=examples(frame.loc[missing, "kode"].tolist()))
    types = shapely.get_type_id(geoms)
    collections = types == COLLECTION
    if collections.any():
        geoms[collections] = [polygonal(g) for g in geoms[collections]]
    wrong = ~np.isin(types, POLYGONAL) & (~collections | shapely.is_missing(geoms))
    if wrong.any():
        names = sorted(set(frame.geometry[wrong].geom_type))
        raise GeoappError(ERR_NOT_POLYGON, 422, types=", ".join(names),
                          codes=examples(frame.loc[wrong, "kode"].tolist()))
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any() and not collections.any():
        return frame
    fixed = [repair_one(g) for g in geoms[invalid]]
    codes = frame.loc[invalid, "kode"].tolist()
    failed = [c for c, g in zip(codes, fixed, strict=True) if g is None]
    if failed:
        raise GeoappError(_ERR_REPAIR_FAILED, 422, codes=examples(failed))
    geoms[invalid] = fixed
    changed = invalid | collections
    out = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
    out.loc[changed, "luas_km2"] = np.nan   # recomputed from the repaired geometry
    report.repaired = sorted(frame.loc[changed, "kode"].tolist())
    if invalid.any():
        report.notes.append(Note.of(_NOTE_REPAIRED, count=len(codes), codes=examples(codes)))
    if collections.any():
        reduced = frame.loc[collections, "kode"].tolist()
        report.notes.append(Note.of(_NOTE_COLLECTIONS, count=len(reduced),
                                    codes=examples(reduced)))
    return out
