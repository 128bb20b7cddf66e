"""The entry points: load a kelurahan boundary set, kecamatan outlines or the city outline.

With no source they give the default set (see :mod:`geoapp.io.boundaries.defaults`), cached;
with a path or the bytes of an upload they read that source.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geoapp.io.boundaries.defaults import default_files
from geoapp.io.boundaries.pipeline import read_boundary_set, read_outline
from geoapp.io.boundaries.types import BoundarySet


def load_boundaries(
    source: str | Path | bytes | None = None,
    *,
    filename: str | None = None,
    layer: str | None = None,
    kode_field: str | None = None,
    nama_field: str | None = None,
    kecamatan_field: str | None = None,
    kode_kecamatan_field: str | None = None,
) -> BoundarySet:
    """Load a kelurahan boundary set; ``source=None`` loads the default (cached).

    ``source`` is a path or the bytes of an upload (GeoJSON, GeoPackage or zipped
    Shapefile; ``filename`` is only used in the report). The ``*_field`` options override
    the automatic field detection. Each call returns its own copy of the frame and report.
    """
    options = {"layer": layer, "kode_field": kode_field, "nama_field": nama_field,
               "kecamatan_field": kecamatan_field, "kode_kecamatan_field": kode_kecamatan_field}
    if source is None:
        return default_files().boundaries(**options)
    return read_boundary_set(source, filename, **options)


def load_kecamatan(source: str | Path | bytes | None = None) -> gpd.GeoDataFrame:
    """Kecamatan outlines (EPSG:4326) as stored; the default set's when None."""
    if source is None:
        return default_files().kecamatan()
    return read_outline(source)


def load_city(source: str | Path | bytes | None = None) -> gpd.GeoDataFrame:
    """City outline (EPSG:4326) as stored; the default set's when None."""
    if source is None:
        return default_files().city()
    return read_outline(source)
