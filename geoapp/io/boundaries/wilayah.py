"""A working area of the shipped national data as a :class:`BoundarySet` and its outlines.

The national files were checked and repaired when they were built, so a load is a filtered
Parquet read; the report says which of the area's desa were repaired at build time.
"""

from __future__ import annotations

import geopandas as gpd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.io.boundaries.national import (
    COUNTRY,
    DESA_FILE,
    area_outline,
    in_wilayah,
    manifest,
    names_by_kode,
    read_desa,
    read_outlines,
)
from geoapp.io.boundaries.types import COLUMNS, BoundaryReport, BoundarySet, examples

_NOTE_NATIONAL = Msg(
    "boundaries.national",
    "Working area {wilayah} ({nama}) from the national boundaries shipped with geoapp "
    "(cahyadsn/wilayah_boundaries, MIT): {count} desa/kelurahan.",
)
_NOTE_BUILD_REPAIRED = Msg(
    "boundaries.build_repaired",
    "{count} geometries of this area were repaired when the national data was built: {codes}.",
)


_ERR_NO_DESA = Msg(
    "wilayah.no_boundaries",
    "The national boundaries shipped with geoapp have no desa/kelurahan polygons for "
    "working area {wilayah} ({nama}). Give a boundary file with --boundaries (or the "
    "BOUNDARIES setting).",
)


def area_name(wilayah: str) -> str:
    """The name of a working area: ``Kota Tangerang Selatan``, ``Banten``, ``Indonesia``."""
    return "Indonesia" if wilayah == COUNTRY else names_by_kode().get(wilayah, wilayah)


def national_set(wilayah: str) -> BoundarySet:
    """The desa/kelurahan of a working area, read from the shipped national file."""
    frame = read_desa(wilayah)
    if len(frame) == 0:
        raise GeoappError(_ERR_NO_DESA, 422, wilayah=wilayah, nama=area_name(wilayah))
    frame = gpd.GeoDataFrame(frame[COLUMNS], geometry="geometry", crs="EPSG:4326")
    report = BoundaryReport(source=f"{DESA_FILE} ({wilayah})", driver="GeoParquet",
                            crs_detected="EPSG:4326", feature_count=len(frame))
    report.fields = {c: c for c in COLUMNS if c != "geometry"}
    names = names_by_kode()
    kab = frame["kode"].str.slice(0, 5).unique()          # vectorised: no Python loop per row
    codes = {str(c) for c in kab} | {str(c)[:2] for c in kab}
    report.areas = {c: names[c] for c in sorted(codes) if c in names}
    report.notes.append(Note.of(_NOTE_NATIONAL, wilayah=wilayah, nama=area_name(wilayah),
                                count=len(frame)))
    repaired = [k for k in manifest().get("repaired", []) if in_wilayah(k, wilayah)]
    if repaired:
        report.repaired = repaired
        report.notes.append(Note.of(_NOTE_BUILD_REPAIRED, count=len(repaired),
                                    codes=examples(repaired)))
    return BoundarySet(frame, report)


def national_outline(wilayah: str, level: str | None) -> gpd.GeoDataFrame:
    """Kecamatan outlines of the area (``level="kecamatan"``) or the area's own outline."""
    if level == "kecamatan":
        frame = read_outlines("kecamatan", wilayah)
        return frame.rename(columns={"jumlah_desa": "jumlah_kelurahan"})
    return area_outline(wilayah)
