"""What the caller asks the map to show: choropleth and point layer specifications."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.maps.classify import check_k, check_scheme
from geoapp.maps.formatting import KINDS
from geoapp.maps.palettes import check_palette

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
COLOR_RE = re.compile(r"^#[0-9a-f]{6}$")
ICONS = ("circle", "square", "diamond", "triangle", "leaf", "sprout", "house")

BAD_KEY = Msg(
    "map_bad_key",
    "Layer key '{key}' is not valid: use 1-40 lowercase letters, digits, '_' or '-'.",
)
DUPLICATE_KEY = Msg(
    "map_duplicate_key",
    "Layer key '{key}' is used more than once; every layer needs its own key.",
)
BAD_KIND = Msg(
    "map_bad_kind",
    "Unknown value kind '{kind}' in layer '{key}'. Choose one of: {allowed}.",
)
BAD_ICON = Msg("map_bad_icon", "Unknown icon '{icon}' in layer '{key}'. Choose one of: {allowed}.")
BAD_COLOR = Msg(
    "map_bad_color",
    "Colour '{color}' in layer '{key}' is not valid: write it as #rrggbb.",
)
BAD_FRAME = Msg(
    "map_bad_frame",
    "Point layer '{key}' must be a GeoDataFrame; received: {received}.",
)


@dataclass(frozen=True)
class ChoroplethSpec:
    """One program measure shown as a choropleth of kelurahan."""

    key: str
    title: str
    column: str
    kind: str = "count"
    palette: str = "YlGnBu"
    scheme: str = "quantiles"
    k: int = 5
    dataset_label: str | None = None


@dataclass(frozen=True)
class PointLayerSpec:
    """One point layer. ``popup_fields`` maps column -> label shown in the popup."""

    key: str
    title: str
    frame: gpd.GeoDataFrame
    popup_fields: Mapping[str, str] = field(default_factory=dict)
    icon: str = "circle"
    cluster: bool = False
    theme_column: str | None = None
    color: str = "#0072b2"
    theme_order: tuple[str, ...] = ()   # all themes of the unfiltered layer (stable colours)


def check_key(key: object, seen: set[str]) -> str:
    """A layer key usable in DOM ids; unique among the map's layers."""
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise GeoappError(BAD_KEY, 400, key=str(key)[:40])
    if key in seen:
        raise GeoappError(DUPLICATE_KEY, 400, key=key)
    seen.add(key)
    return key


def check_choropleth(spec: ChoroplethSpec, seen: set[str]) -> None:
    """Validate everything in a ChoroplethSpec except the column (see choropleth.py)."""
    check_key(spec.key, seen)
    if spec.kind not in KINDS:
        raise GeoappError(BAD_KIND, 400, kind=str(spec.kind)[:40], key=spec.key,
                          allowed=", ".join(KINDS))
    check_palette(spec.palette)
    check_scheme(spec.scheme)
    check_k(spec.k)


def check_point_layer(spec: PointLayerSpec, seen: set[str]) -> None:
    """Validate a PointLayerSpec's key, frame type, icon and colour."""
    check_key(spec.key, seen)
    if not isinstance(spec.frame, gpd.GeoDataFrame):
        raise GeoappError(BAD_FRAME, 400, key=spec.key, received=type(spec.frame).__name__)
    if spec.icon not in ICONS:
        raise GeoappError(BAD_ICON, 400, icon=str(spec.icon)[:40], key=spec.key,
                          allowed=", ".join(ICONS))
    if not isinstance(spec.color, str) or not COLOR_RE.match(spec.color.lower()):
        raise GeoappError(BAD_COLOR, 400, color=str(spec.color)[:20], key=spec.key)

