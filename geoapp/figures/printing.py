"""What a printed layer map shows: a ``PrintMap`` for an area layer of the map page
(the screen's classification and palette, ``geoapp.maps``), with optional point layers,
and the ``bbox`` of the current view. Core module: no Flask.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, normalise_lang
from geoapp.core.programs import PROGRAMS
from geoapp.figures.catalog import LayerData, LayerDef
from geoapp.figures.printmap import LegendItem, PointSet, PrintMap
from geoapp.maps.classify import check_k, check_scheme, classify
from geoapp.maps.legend import legend_entries, nodata_entry
from geoapp.maps.palettes import program_palette, sequential_colors, theme_styles

BAD_BBOX = Msg(
    "print.bad_bbox",
    "Parameter 'bbox' must be four numbers minx,miny,maxx,maxy (longitude and latitude, "
    "EPSG:4326, minx < maxx, miny < maxy); received '{value}'.",
)
UNIT_TOTAL = Msg("print.unit_total", "{measure} per kelurahan")
UNIT_RUPIAH = Msg("print.unit_rupiah", "{measure} per kelurahan, rupiah (Rp)")
UNIT_KM2 = Msg("print.unit_km2", "{measure} per km²")
UNIT_1000 = Msg("print.unit_1000", "{measure} per 1,000 residents")
NO_THEME = Msg("print.no_theme", "No theme")
MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle": "^"}
NO_THEME_COLOR = "#6b6b6b"
POINT_COLORS = {"kwt": "#009e73", "ecofarm": "#d55e00"}   # the screen's presets
BBOX_LIMITS = (-180.0, -90.0, 180.0, 90.0)


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``minx,miny,maxx,maxy`` (EPSG:4326) as four floats; None when empty; else 400."""
    if text is None or not str(text).strip():
        return None
    parts = str(text).split(",")
    try:
        values = tuple(float(p.strip()) for p in parts)
    except ValueError:
        values = ()
    ok = len(values) == 4 and all(math.isfinite(v) for v in values)
    if ok:
        minx, miny, maxx, maxy = values
        ok = (minx < maxx and miny < maxy and minx >= BBOX_LIMITS[0] and miny >= BBOX_LIMITS[1]
              and maxx <= BBOX_LIMITS[2] and maxy <= BBOX_LIMITS[3])
    if not ok:
        raise GeoappError(BAD_BBOX, 400, value=str(text)[:80])
    return values  # type: ignore[return-value]


def unit_text(definition: LayerDef, lang: str) -> str:
    """The legend's unit of an area layer, e.g. "Groups aided per km²"."""
    program = PROGRAMS.get(definition.program)
    measure = next((m for m in program.measures if m.key == definition.measure), None) \
        if program else None
    name = measure.title.text(lang) if measure else definition.title.text(lang)
    if definition.per == "km2":
        return UNIT_KM2.text(lang, measure=name)
    if definition.per == "1000":
        return UNIT_1000.text(lang, measure=name)
    if definition.value_kind == "rupiah":
        return UNIT_RUPIAH.text(lang, measure=name)
    return UNIT_TOTAL.text(lang, measure=name)


def choropleth_fills(values: np.ndarray, kind: str, palette: str, scheme: str, k: int,
                     lang: str) -> tuple[list[str | None], list[LegendItem]]:
    """The fill of every value and the legend, classified exactly as on screen."""
    cls = classify(values, scheme, k)
    colors = sequential_colors(palette, max(cls.k, 1))
    fills = [colors[c] if c >= 0 else None for c in cls.classes]
    legend = [LegendItem(f"{e['text']} ({e['n']})", colors[i])
              for i, e in enumerate(legend_entries(cls, kind, lang))]
    nodata = nodata_entry(cls, lang)
    if nodata["n"]:
        legend.append(LegendItem(f"{nodata['text']} ({nodata['n']})", "#ffffff", hatch="///"))
    return fills, legend


def point_set(data: LayerData, lang: str) -> tuple[PointSet, list[LegendItem]]:
    """A point layer's symbols with the screen's theme colours and shapes, and its legend."""
    frame = data.frame.to_crs("EPSG:4326") if data.frame.crs is not None else data.frame
    frame = frame[~frame.geometry.is_empty & frame.geometry.notna()]
    title = data.definition.title.text(lang)
    if "tema" not in frame.columns or frame["tema"].isna().all():
        color = POINT_COLORS.get(data.definition.program, "#0072b2")
        return (PointSet(frame, [color] * len(frame), ["o"] * len(frame)),
                [LegendItem(f"{title} ({len(frame)})", color, marker="o")])
    raw = [str(t).strip() if isinstance(t, str) else "" for t in frame["tema"]]
    styles = theme_styles(raw)
    colors = [styles[t][0] if t else NO_THEME_COLOR for t in raw]
    markers = [MARKERS[styles[t][1]] if t else "o" for t in raw]
    legend = [LegendItem(f"{title}: {t[:40]} ({raw.count(t)})", c, marker=MARKERS[s])
              for t, (c, s) in styles.items()]
    if "" in raw:
        legend.append(LegendItem(f"{title}: {NO_THEME.text(lang)} ({raw.count('')})",
                                 NO_THEME_COLOR, marker="o"))
    return PointSet(frame, colors, markers), legend


def layer_print(data: LayerData, *, lang: str = "id", scheme: str = "quantiles", k: int = 5,
                title: str | None = None, subtitle: str = "",
                source_lines: Sequence[str] = (),
                bbox: tuple[float, float, float, float] | None = None,
                outline: gpd.GeoDataFrame | None = None,
                points: Sequence[LayerData] = ()) -> PrintMap:
    """The printed map of an area layer (classified and coloured as on screen)."""
    lang = normalise_lang(lang)
    check_scheme(scheme)
    k = check_k(k)
    definition = data.definition
    frame = data.frame.to_crs("EPSG:4326") if data.frame.crs is not None else data.frame
    values = frame["value"].to_numpy(dtype="float64", na_value=np.nan)
    fills, legend = choropleth_fills(values, definition.value_kind,
                                     program_palette(definition.program), scheme, k, lang)
    sets = []
    for layer in points:
        ps, items = point_set(layer, lang)
        sets.append(ps)
        legend += items
    sources = list(source_lines) or [data.source_label]
    sources += [p.source_label for p in points if p.source_label not in sources]
    return PrintMap(
        title=title or definition.title.text(lang), subtitle=subtitle, areas=frame,
        fills=fills, legend_title="",
        unit=unit_text(definition, lang), legend=legend, source_lines=sources,
        sample=data.sample or any(p.sample for p in points), outline=outline,
        points=sets, bbox=bbox)
