"""Geometry checks: every feature a polygon; invalid ones repaired with make_valid."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.io.boundaries.types import BoundaryReport, examples

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


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    """The polygonal parts of a geometry as one (Multi)Polygon, or None when there are none."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for p in parts for q in shapely.get_parts(p) if not q.is_empty]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def check_and_repair_geometry(frame: gpd.GeoDataFrame,
                              report: BoundaryReport) -> gpd.GeoDataFrame:
    """Require polygons; repair invalid ones with make_valid and record which."""
    geoms = frame.geometry.values
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        raise GeoappError(_ERR_NO_GEOMETRY, 422, count=int(missing.sum()),
                          codes=examples(frame.loc[missing, "kode"].tolist()))
    types = shapely.get_type_id(geoms)
    wrong = ~np.isin(types, (3, 6))   # Polygon, MultiPolygon
    if wrong.any():
        names = sorted(set(frame.geometry[wrong].geom_type))
        raise GeoappError(ERR_NOT_POLYGON, 422, types=", ".join(names),
                          codes=examples(frame.loc[wrong, "kode"].tolist()))
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return frame
    fixed = [_polygonal(shapely.make_valid(g)) for g in geoms[invalid]]
    codes = frame.loc[invalid, "kode"].tolist()
    failed = [c for c, g in zip(codes, fixed, strict=True) if g is None]
    if failed:
        raise GeoappError(_ERR_REPAIR_FAILED, 422, codes=examples(failed))
    out = frame.copy()
    new_geoms = np.array(geoms, dtype=object)
    new_geoms[invalid] = fixed
    out = out.set_geometry(gpd.GeoSeries(new_geoms, index=out.index, crs=out.crs))
    out.loc[invalid, "luas_km2"] = np.nan   # recomputed from the repaired geometry
    report.repaired = sorted(codes)
    report.notes.append(Note.of(_NOTE_REPAIRED, count=len(codes), codes=examples(codes)))
    return out
