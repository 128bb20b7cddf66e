"""The steps from one source (path or bytes) to a normalised :class:`BoundarySet`.

read bytes -> sniff and vet the format -> read with pyogrio -> EPSG:4326 -> pick the fields ->
standard columns -> check and repair geometry -> area -> sort -> overlap note.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geoapp.io.boundaries.crs import fill_area
from geoapp.io.boundaries.fields import build_columns, resolve_fields
from geoapp.io.boundaries.formats import source_bytes
from geoapp.io.boundaries.overlaps import note_overlaps
from geoapp.io.boundaries.reader import read_frame
from geoapp.io.boundaries.repair import check_and_repair_geometry
from geoapp.io.boundaries.types import COLUMNS, BoundarySet


def read_boundary_set(source: str | Path | bytes, filename: str | None = None, *,
                      layer: str | None = None, kode_field: str | None = None,
                      nama_field: str | None = None, kecamatan_field: str | None = None,
                      kode_kecamatan_field: str | None = None) -> BoundarySet:
    """Read and normalise one kelurahan boundary source (never cached)."""
    raw, name = source_bytes(source, filename)
    gdf, report = read_frame(raw, name, layer)
    flags = {"kode": kode_field, "nama": nama_field, "nama_kecamatan": kecamatan_field,
             "kode_kecamatan": kode_kecamatan_field}
    fields = resolve_fields(list(gdf.columns.drop(gdf.geometry.name)), flags)
    report.fields = dict(fields)
    frame = build_columns(gdf, fields, report)
    frame = check_and_repair_geometry(frame, report)
    frame = fill_area(frame, report)
    frame = frame.sort_values("kode", kind="stable").reset_index(drop=True)
    frame = gpd.GeoDataFrame(frame[COLUMNS], geometry="geometry", crs="EPSG:4326")
    note_overlaps(frame, report)
    report.feature_count = len(frame)
    return BoundarySet(frame, report)


def read_outline(source: str | Path | bytes, filename: str | None = None) -> gpd.GeoDataFrame:
    """Read an outline file (kecamatan or city) as stored, in EPSG:4326 (never cached)."""
    raw, name = source_bytes(source, filename)
    gdf, _ = read_frame(raw, name, None)
    return gdf.reset_index(drop=True)
