"""Per-choropleth payload: class and value arrays, styles and legend (no geometry)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.maps.classify import classify
from geoapp.maps.formatting import format_value
from geoapp.maps.legend import legend_entries, nodata_entry
from geoapp.maps.palettes import sequential_colors
from geoapp.maps.specs import ChoroplethSpec

MISSING_COLUMN = Msg(
    "map_missing_column",
    "Column '{column}' for layer '{key}' does not exist. Columns present: {available}.",
)
NOT_NUMERIC = Msg(
    "map_not_numeric",
    "Column '{column}' for layer '{key}' must hold numbers; example content: {example}.",
)

BASE_STYLE = {"color": "#4d4d4d", "weight": 0.6, "opacity": 0.9, "fillOpacity": 0.78}
NODATA_STYLE = {"color": "#8c8c8c", "weight": 1.0, "opacity": 1.0, "fillOpacity": 1.0,
                "dashArray": "3 3", "hatch": True, "fillColor": "#ffffff"}


def class_styles(colors: list[str]) -> list[dict[str, object]]:
    """The Leaflet path style of every class."""
    return [{**BASE_STYLE, "fillColor": c} for c in colors]


def style_of(layer: dict, i: int) -> dict[str, object]:
    """The style feature ``i`` gets (what map.js applies): its class style or no-data."""
    c = layer["c"][i]
    return layer["styles"][c] if c >= 0 else layer["nodata"]


def measure_values(frame: gpd.GeoDataFrame, spec: ChoroplethSpec) -> np.ndarray:
    """The spec's column as float64 (NaN for missing, inf treated as missing)."""
    if spec.column not in frame.columns:
        raise GeoappError(MISSING_COLUMN, 400, column=str(spec.column)[:60], key=spec.key,
                          available=", ".join(str(c)[:40] for c in frame.columns[:30]))
    series = frame[spec.column]
    if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
        example = next((str(v)[:30] for v in series.dropna().tolist()[:1]), "")
        raise GeoappError(NOT_NUMERIC, 400, column=str(spec.column)[:60], key=spec.key,
                          example=example)
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isfinite(values), values, np.nan)


def ranks(values: np.ndarray) -> list[int | None]:
    """City rank, 1 = highest; ties share the best rank; None for no data."""
    finite = values[np.isfinite(values)]
    return [None if not np.isfinite(v) else int(np.sum(finite > v)) + 1 for v in values]


def choropleth_payload(frame: gpd.GeoDataFrame, spec: ChoroplethSpec, lang: str) -> dict:
    """Everything map.js needs to style, label and explain one choropleth."""
    values = measure_values(frame, spec)
    cls = classify(values, spec.scheme, spec.k)
    colors = sequential_colors(spec.palette, max(cls.k, 1))[: cls.k]
    return {
        "key": spec.key,
        "title": str(spec.title),
        "label": None if spec.dataset_label is None else str(spec.dataset_label),
        "styles": class_styles(colors),
        "nodata": NODATA_STYLE,
        "c": cls.classes.tolist(),
        "v": [format_value(v, spec.kind, lang) for v in values.tolist()],
        "r": ranks(values),
        "n": int(np.isfinite(values).sum()),
        "legend": {"entries": legend_entries(cls, spec.kind, lang),
                   "nodata": nodata_entry(cls, lang)},
    }
