"""What the layer downloads need: any layer by key, and its frame tagged for export.

Core module: no Flask.
"""

from __future__ import annotations

import pandas as pd
from geopandas import GeoDataFrame
from sqlalchemy.orm import Session

from geoapp.figures.area import area_layer
from geoapp.figures.catalog import LayerData, get_layer_def
from geoapp.figures.filters import NO_FILTERS, Filters
from geoapp.figures.points import point_layer
from geoapp.store.active import ActiveVersions


def layer(session: Session, active: ActiveVersions, key: str,
          filters: Filters = NO_FILTERS) -> LayerData:
    """``area_layer`` or ``point_layer``, whichever fits the layer's kind."""
    definition = get_layer_def(key)
    if definition.kind == "points":
        return point_layer(session, active, key, filters)
    return area_layer(session, active, key, filters)


AREA_DECIMALS = 3   # km² to the 1,000 m²: a shape's area is not known better


def export_frame(data: LayerData) -> GeoDataFrame:
    """The layer's frame for downloads: every row tagged with the dataset version; areas
    (``luas_km2``) rounded to ``AREA_DECIMALS`` (no float noise like 56865.86399999977)."""
    frame = data.frame.copy()
    if "has_data" in frame.columns:
        frame = frame.drop(columns="has_data")
    for name in frame.columns:
        if str(name).startswith("luas") and pd.api.types.is_float_dtype(frame[name]):
            frame[name] = frame[name].round(AREA_DECIMALS)
    frame["dataset_id"] = pd.array([data.dataset_id] * len(frame), dtype="Int64")
    frame["dataset_version"] = pd.array([data.dataset_version] * len(frame), dtype="Int64")
    frame["sample"] = bool(data.sample)
    geometry = frame.geometry.name
    return frame[[c for c in frame.columns if c != geometry] + [geometry]]
