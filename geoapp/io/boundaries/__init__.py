"""Kelurahan boundary sets: load, check, repair and normalise them.

``load_boundaries()`` gives the default set (the real Kota Tangerang kelurahan shipped in
``data/boundaries/``, or the one the BOUNDARIES setting names); any other city's GeoJSON,
GeoPackage or zipped Shapefile loads through the same function, from bytes (uploads) or a path
(CLI). Every input is untrusted: the format is detected from the content and only GeoJSON,
GeoPackage and ESRI Shapefile reach GDAL.

The result is a :class:`BoundarySet`: an EPSG:4326 GeoDataFrame with exactly the columns
``kode, nama, kode_kecamatan, nama_kecamatan, luas_km2, geometry`` sorted by ``kode``, plus a
:class:`BoundaryReport` saying how it was read.

Modules: ``load`` (entry points), ``defaults`` (which files the default set is, BOUNDARIES
resolution, caches), ``pipeline`` (source -> BoundarySet), ``formats`` (sniffing, sources),
``shapefile_zip`` and ``geopackage`` (vetting), ``reader`` (pyogrio), ``crs`` (EPSG:4326, UTM,
area), ``fields`` (field detection), ``repair`` (geometry), ``overlaps``, ``types``.
All of them log to the one logger ``geoapp.io.boundaries``.
"""

from geoapp.io.boundaries.crs import area_km2, utm_epsg
from geoapp.io.boundaries.defaults import (
    DEFAULT_CITY,
    DEFAULT_KECAMATAN,
    DEFAULT_KELURAHAN,
    BoundaryFiles,
    bind_default,
    default_boundaries_dir,
    default_files,
    default_identity,
    default_set,
    resolve_boundaries_setting,
    unbind_default,
)
from geoapp.io.boundaries.fields import FIELD_CANDIDATES
from geoapp.io.boundaries.formats import MAX_SOURCE_BYTES, detect_format
from geoapp.io.boundaries.load import load_boundaries, load_city, load_kecamatan
from geoapp.io.boundaries.types import COLUMNS, BoundaryReport, BoundarySet

__all__ = [
    "COLUMNS", "DEFAULT_CITY", "DEFAULT_KECAMATAN", "DEFAULT_KELURAHAN", "FIELD_CANDIDATES",
    "MAX_SOURCE_BYTES", "BoundaryFiles", "BoundaryReport", "BoundarySet", "area_km2",
    "bind_default", "default_boundaries_dir", "default_files", "default_identity", "default_set",
    "detect_format", "load_boundaries", "load_city", "load_kecamatan",
    "resolve_boundaries_setting", "unbind_default", "utm_epsg",
]
