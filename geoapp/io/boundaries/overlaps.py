"""Overlap report: neighbouring kelurahan that share area, counted and noted."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geoapp.core.i18n import Msg, Note
from geoapp.io.boundaries.crs import area_km2
from geoapp.io.boundaries.types import BoundaryReport

_NOTE_OVERLAPS = Msg(
    "boundaries.overlaps",
    "{pairs} pairs of neighbouring kelurahan overlap, {area_m2} m2 in total (largest "
    "{largest_m2} m2: {largest}). Points in overlaps are resolved by the matcher.",
)


def note_overlaps(frame: gpd.GeoDataFrame, report: BoundaryReport) -> None:
    """Count neighbouring polygons that share area (> 0 m2) and add a note."""
    left, right = frame.sindex.query(frame.geometry.values, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return
    geoms = frame.geometry.values
    inter = gpd.GeoSeries(shapely.intersection(geoms[left], geoms[right]), crs="EPSG:4326")
    area = np.nan_to_num(area_km2(inter) * 1e6)
    overlapping = area > 0
    if not overlapping.any():
        return
    report.overlap_pairs = int(overlapping.sum())
    report.overlap_m2 = round(float(area[overlapping].sum()), 1)
    top = int(np.argmax(area))
    largest = f"{frame.kode.iat[left[top]]} / {frame.kode.iat[right[top]]}"
    report.notes.append(Note.of(_NOTE_OVERLAPS, pairs=report.overlap_pairs,
                                area_m2=round(report.overlap_m2), largest=largest,
                                largest_m2=round(float(area[top]))))
