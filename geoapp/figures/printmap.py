"""The print layout of a map: A4 landscape, as PDF or PNG (matplotlib, Agg, no pyplot).

One layout for every printed map (a layer of the map page, a compare change map), like a
QGIS print layout: title and subtitle, the map of the requested extent with a scale bar and
a north arrow, a legend with its unit, the source lines (with the import date), the print
date and, for sample data, the "Data contoh" label. What to draw comes in a ``PrintMap``
(``geoapp.figures.printing`` builds them); this module only lays it out. Core module.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass, field
from datetime import datetime

import geopandas as gpd
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, normalise_lang
from geoapp.values.dates import format_date

matplotlib.use("Agg", force=False)

A4_LANDSCAPE = (297 / 25.4, 210 / 25.4)   # inches
PNG_DPI = 150                  # 1754 x 1240 pixels
FORMATS = ("pdf", "png")
NODATA_FILL = "#ffffff"
EDGE = "#4d4d4d"
KEC_EDGE = "#1a1a1a"
RC = {"text.parse_math": False, "pdf.fonttype": 42, "font.family": "DejaVu Sans"}

SAMPLE_LABEL = Msg("print.sample", "Sample data")
SAMPLE_NOTE = Msg("print.sample_note", "not official data")
NORTH = Msg("print.north", "N")
PRINTED = Msg("print.printed", "Printed {date}")
LEGEND = Msg("print.legend", "Legend")
LEGEND_UNIT = Msg("print.unit", "Unit: {unit}")
BAD_FORMAT = Msg("print.bad_format",
                 "Print format '{value}' is not available. Choose one of: {allowed}.")


@dataclass(frozen=True)
class LegendItem:
    """One legend row: a filled box (``hatch`` for no data) or a point ``marker``."""

    label: str
    color: str
    hatch: str = ""
    marker: str = ""


@dataclass(frozen=True)
class PointSet:
    """Points drawn over the areas, one colour and marker per point."""

    frame: gpd.GeoDataFrame
    colors: list[str]
    markers: list[str]


@dataclass
class PrintMap:
    """Everything one printed map shows (all texts already in the reader's language).

    ``fills`` holds one colour per row of ``areas`` (None: no data, drawn hatched);
    ``bbox`` (minx, miny, maxx, maxy in EPSG:4326) is the extent, else the areas' own.
    """

    title: str
    subtitle: str
    areas: gpd.GeoDataFrame
    fills: list[str | None]
    legend_title: str
    unit: str
    legend: list[LegendItem]
    source_lines: list[str]
    sample: bool
    outline: gpd.GeoDataFrame | None = None
    points: list[PointSet] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None


def check_format(fmt: str) -> str:
    """``fmt`` when it is pdf or png, else GeoappError 400 naming both."""
    if fmt not in FORMATS:
        raise GeoappError(BAD_FORMAT, 400, value=str(fmt)[:20], allowed=", ".join(FORMATS))
    return fmt


def _extent(pm: PrintMap) -> tuple[float, float, float, float]:
    if pm.bbox is not None:
        return pm.bbox
    minx, miny, maxx, maxy = (float(v) for v in pm.areas.total_bounds)
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        return (106.55, -6.28, 106.73, -6.10)    # Kota Tangerang
    px, py = (maxx - minx) * 0.03 or 0.01, (maxy - miny) * 0.03 or 0.01
    return (minx - px, miny - py, maxx + px, maxy + py)


def _fit_box(ax, extent: tuple[float, float, float, float]) -> None:
    """Show ``extent`` whole, centred, widened to the axes' shape (north up, true scale)."""
    minx, miny, maxx, maxy = extent
    kx = math.cos(math.radians((miny + maxy) / 2))
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    box = (fig_w * pos.width) / (fig_h * pos.height)
    w, h = (maxx - minx) * kx, maxy - miny
    if w / h < box:
        w = h * box
    else:
        h = w / box
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - w / kx / 2, cx + w / kx / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect(1 / kx, adjustable="box")


def _draw_map(ax, pm: PrintMap) -> None:
    _fit_box(ax, _extent(pm))
    if len(pm.areas):
        colors = [c or NODATA_FILL for c in pm.fills]
        pm.areas.plot(ax=ax, color=colors, edgecolor=EDGE, linewidth=0.4)
        missing = pm.areas[[c is None for c in pm.fills]]
        if len(missing):
            missing.plot(ax=ax, facecolor="none", edgecolor="#8c8c8c", hatch="///",
                         linewidth=0.4)
    if pm.outline is not None and len(pm.outline):
        pm.outline.boundary.plot(ax=ax, color=KEC_EDGE, linewidth=1.0)
    for ps in pm.points:
        for marker in sorted(set(ps.markers)):
            keep = [m == marker for m in ps.markers]
            sub = ps.frame[keep]
            sub.plot(ax=ax, color=[c for c, k in zip(ps.colors, keep, strict=True) if k],
                     marker=marker, markersize=30, edgecolor="#222222", linewidth=0.5,
                     zorder=3)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#333333")


def _nice_km(span_km: float) -> float:
    """A round scale-bar length (1, 2 or 5 x 10^n km) of about a quarter of ``span_km``."""
    target = max(span_km / 4, 1e-6)
    power = 10 ** math.floor(math.log10(target))
    return max(f * power for f in (1, 2, 5) if f * power <= target) if target >= power else power


def _scale_bar(ax, lang: str) -> None:
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    km_per_deg = 111.32 * math.cos(math.radians((y0 + y1) / 2))
    length_km = _nice_km((x1 - x0) * km_per_deg)
    length = length_km / km_per_deg
    x, y, h = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04, (y1 - y0) * 0.012
    for i in range(2):
        ax.add_patch(Rectangle((x + i * length / 2, y), length / 2, h, zorder=5,
                               facecolor=("#1a1a1a", "#ffffff")[i], edgecolor="#1a1a1a"))
    label = f"{length_km:g} km" if length_km >= 1 else f"{length_km * 1000:g} m"
    for pos, text in ((x, "0"), (x + length, label)):
        ax.text(pos, y + h * 1.8, text, ha="center", va="bottom", fontsize=8, zorder=5)


def _north_arrow(ax, lang: str) -> None:
    ax.annotate(NORTH.text(lang), xy=(0.95, 0.95), xytext=(0.95, 0.85),
                xycoords="axes fraction", ha="center", va="center", fontsize=12,
                weight="bold", arrowprops={"facecolor": "#1a1a1a", "width": 4,
                                           "headwidth": 12, "headlength": 10})


def _legend(fig: Figure, pm: PrintMap, lang: str) -> None:
    handles = []
    for item in pm.legend:
        if item.marker:
            handles.append(Line2D([], [], marker=item.marker, linestyle="",
                                  markerfacecolor=item.color, markeredgecolor="#222222",
                                  markersize=8, label=item.label))
        else:
            handles.append(Patch(facecolor=item.color, edgecolor="#8c8c8c", hatch=item.hatch,
                                 label=item.label))
    lines = [pm.legend_title or LEGEND.text(lang)]
    lines += [LEGEND_UNIT.text(lang, unit=pm.unit)] if pm.unit else []
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.72, 0.88), fontsize=8,
               title=_wrap(lines, 42), title_fontsize=9, frameon=False, alignment="left")


def _texts(fig: Figure, pm: PrintMap, lang: str, printed: datetime) -> None:
    title = textwrap.wrap(pm.title, 62)[:2] or [""]
    fig.text(0.03, 0.965, "\n".join(title), ha="left", va="top", fontsize=14, weight="bold",
             linespacing=1.15)
    if pm.subtitle:
        fig.text(0.03, 0.965 - 0.034 * len(title), _wrap([pm.subtitle], 110), ha="left",
                 va="top", fontsize=9, color="#333333")
    lines = [*pm.source_lines, PRINTED.text(lang, date=format_date(printed, lang))]
    fig.text(0.72, 0.05, _wrap(lines, 50), ha="left", va="bottom", fontsize=7.5,
             color="#333333")
    if pm.sample:
        fig.text(0.72, 0.965, f"{SAMPLE_LABEL.text(lang)} — {SAMPLE_NOTE.text(lang)}",
                 ha="left", va="top", fontsize=11, weight="bold", color="#b2182b",
                 bbox={"boxstyle": "round,pad=0.3", "fc": "#fff5f0", "ec": "#b2182b"})


def _wrap(lines: list[str], width: int) -> str:
    return "\n".join(part for line in lines for part in textwrap.wrap(line, width) or [""])


def _clip(text: str, n: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def render_print(pm: PrintMap, fmt: str, *, lang: str = "id",
                 printed: datetime | None = None) -> bytes:
    """``pm`` laid out on an A4 landscape page, as PDF or PNG bytes (``fmt``)."""
    check_format(fmt)
    lang = normalise_lang(lang)
    printed = printed or datetime.now().astimezone()
    pm.title, pm.subtitle = _clip(pm.title), _clip(pm.subtitle, 220)
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=A4_LANDSCAPE, dpi=PNG_DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.03, 0.05, 0.66, 0.80))
        _draw_map(ax, pm)
        _scale_bar(ax, lang)
        _north_arrow(ax, lang)
        _legend(fig, pm, lang)
        _texts(fig, pm, lang, printed)
        out = io.BytesIO()
        fig.savefig(out, format=fmt, dpi=PNG_DPI, metadata={"Title": pm.title})
    return out.getvalue()
