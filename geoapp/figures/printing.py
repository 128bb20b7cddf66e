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
from geoapp.figures.change import Change
from geoapp.figures.printmap import LegendItem, PointSet, PrintMap
from geoapp.maps.classify import check_k, check_scheme, classify
from geoapp.maps.diverging import diverging_classes, legend_texts
from geoapp.maps.legend import NO_DATA, legend_entries, nodata_entry
from geoapp.maps.palettes import program_palette, sequential_colors, theme_styles
from geoapp.values.numbers import format_amount, format_percent, format_rupiah

BAD_BBOX = Msg(
    "print.bad_bbox",
    "Parameter 'bbox' must be four numbers minx,miny,maxx,maxy (longitude and latitude, "
    "EPSG:4326, minx < maxx, miny < maxy); received '{value}'.",
)
UNIT_TOTAL = Msg("print.unit_total", "{measure} per kelurahan")
UNIT_RUPIAH = Msg("print.unit_rupiah", "{measure} per kelurahan, rupiah (Rp)")
UNIT_KM2 = Msg("print.unit_km2", "{measure} per km²")
UNIT_1000 = Msg("print.unit_1000", "{measure} per 1,000 residents")
SHOWS = ("diff", "pct")
BAD_SHOW = Msg("print.bad_show",
               "Parameter 'show' must be one of: {allowed}; received '{value}'.")
CHANGE_TITLE = Msg("print.change_title", "{program}: change in {measure}, {a} → {b}")
DIFF_UNIT = Msg("print.diff_unit", "{measure}, {b} minus {a}")
PCT_UNIT = Msg("print.pct_unit", "percent change of {measure} from {a} to {b}")
SIDES = Msg("print.sides", "A: {a} · B: {b}")
APPEARED = Msg("print.appeared", "{n} kelurahan appear (data only in B)")
DISAPPEARED = Msg("print.disappeared", "{n} kelurahan disappear (data only in A)")
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
    styles = theme_styles(raw, data.theme_order)
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


def change_fills(change: Change, show: str,
                 lang: str) -> tuple[np.ndarray, list[str | None], list[LegendItem]]:
    """The values shown (``diff`` or ``pct``), their diverging fills and the legend."""
    values = change.frame[show].to_numpy(dtype="float64", na_value=np.nan)
    classes = diverging_classes(values)
    if show == "pct":
        def fmt(x):
            return format_percent(x, lang, 1)
    elif change.measure_kind == "rupiah":
        def fmt(x):
            return format_rupiah(x, lang)
    else:
        def fmt(x):
            return format_amount(x, lang, 2)
    legend = [LegendItem(text, color) for text, color in legend_texts(classes, fmt, lang)]
    missing = sum(f is None for f in classes.fills)
    if missing:
        legend.append(LegendItem(f"{NO_DATA.text(lang)} ({missing})", "#ffffff", hatch="///"))
    return values, classes.fills, legend


def change_print(change: Change, *, show: str = "diff", lang: str = "id",
                 bbox: tuple[float, float, float, float] | None = None,
                 outline: gpd.GeoDataFrame | None = None) -> PrintMap:
    """The printed change map: difference or percent change on the diverging palette."""
    lang = normalise_lang(lang)
    show = check_show(show)
    _, fills, legend = change_fills(change, show, lang)
    program = PROGRAMS[change.program]
    measure = next(m for m in program.measures if m.key == change.measure)
    name = measure.title.text(lang)
    title = CHANGE_TITLE.text(lang, program=program.title.text(lang), measure=name,
                              a=change.short_a, b=change.short_b)
    unit = (PCT_UNIT if show == "pct" else DIFF_UNIT).text(lang, measure=name,
                                                          a=change.short_a, b=change.short_b)
    notes = [SIDES.text(lang, a=change.label_a, b=change.label_b),
             APPEARED.text(lang, n=len(change.appeared)),
             DISAPPEARED.text(lang, n=len(change.disappeared))]
    return PrintMap(title=title, subtitle=" · ".join(notes), areas=change.frame, fills=fills,
                    legend_title="", unit=unit, legend=legend,
                    source_lines=list(change.sources), sample=change.sample,
                    outline=outline, bbox=bbox)


def check_show(show: str) -> str:
    """``diff`` or ``pct``; else GeoappError 400 naming both."""
    if show not in SHOWS:
        raise GeoappError(BAD_SHOW, 400, value=str(show)[:20], allowed=", ".join(SHOWS))
    return show
