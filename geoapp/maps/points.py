"""Point layer payloads (KWT groups, ecofarm sites, kampung tematik)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

import pandas as pd
from shapely.geometry import Point

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.maps.formatting import format_amount
from geoapp.maps.frames import to_lonlat
from geoapp.maps.palettes import theme_order, theme_style
from geoapp.maps.specs import PointLayerSpec

MAX_TEXT = 300

MISSING_POINT_COLUMN = Msg(
    "map_missing_point_column",
    "Column '{column}' for point layer '{key}' does not exist. Columns present: {available}.",
)
NO_THEME = Msg("map_no_theme", "No theme")
SKIPPED_POINTS = Msg(
    "map_skipped_points",
    "{count} of {total} points are not shown because they have no valid coordinates.",
)


def _fields(spec: PointLayerSpec) -> list[tuple[str, str]]:
    fields = spec.popup_fields
    pairs = list(fields.items()) if isinstance(fields, Mapping) else [(c, c) for c in fields]
    columns = list(spec.frame.columns)
    for column, _ in pairs + ([(spec.theme_column, "")] if spec.theme_column else []):
        if column not in columns:
            raise GeoappError(MISSING_POINT_COLUMN, 400, column=str(column)[:60], key=spec.key,
                              available=", ".join(str(c)[:40] for c in columns[:30]))
    return [(str(c), str(label)) for c, label in pairs]


def _popup_text(value: object, lang: str) -> str | None:
    """A popup value as text; None when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            return None
        return format_amount(value, lang, 2)
    return str(value)[:MAX_TEXT]


def _lat_lon(geom: object) -> tuple[float, float] | None:
    if geom is None or getattr(geom, "is_empty", True):
        return None
    pt = geom if isinstance(geom, Point) else geom.representative_point()
    lon, lat = pt.x, pt.y
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        return None
    return round(lat, 5), round(lon, 5)


def _themes(spec: PointLayerSpec, lang: str) -> tuple[list[dict], list[int]]:
    if not spec.theme_column:
        return [{"label": spec.title, "color": spec.color.lower(), "shape": spec.icon}], \
            [0] * len(spec.frame)
    raw = [_popup_text(v, lang) or "" for v in spec.frame[spec.theme_column].tolist()]
    labels = list(theme_order(raw))
    index = {t: i for i, t in enumerate(labels)}
    order = spec.theme_order or labels
    themes = [dict(zip(("label", "color", "shape"), (t, *theme_style(t, order)), strict=True))
              for t in labels]
    if any(not t.strip() for t in raw):
        themes.append({"label": NO_THEME.text(lang), "color": "#6b6b6b", "shape": "circle"})
    return themes, [index.get(t.strip(), len(labels)) for t in raw]


def point_payload(spec: PointLayerSpec, lang: str) -> tuple[dict, list[Note]]:
    """The layer's points ``[lat, lon, theme, [values...]]``, fields, themes and notes."""
    fields = _fields(spec)
    frame = to_lonlat(spec.frame.reset_index(drop=True), spec.key)
    themes, theme_of = _themes(dataclasses.replace(spec, frame=frame), lang)
    columns: Sequence[list] = [frame[c].tolist() for c, _ in fields]
    points, skipped = [], 0
    for i, geom in enumerate(frame.geometry.tolist()):
        at = _lat_lon(geom)
        if at is None:
            skipped += 1
            continue
        points.append([at[0], at[1], theme_of[i], [_popup_text(col[i], lang) for col in columns]])
    notes = [Note.of(SKIPPED_POINTS, count=skipped, total=len(frame))] if skipped else []
    return {
        "key": spec.key,
        "title": str(spec.title),
        "cluster": bool(spec.cluster),
        "icon": spec.icon,
        "fields": [label for _, label in fields],
        "themes": themes,
        "p": points,
        "note": notes[0].text(lang) if notes else None,
    }, notes
