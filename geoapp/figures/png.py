"""Static PNG maps of a layer (matplotlib, Agg backend, no pyplot state).

Area layers become a classified choropleth (mapclassify through ``geoapp.maps.classify``)
with a legend that includes "Tidak ada data"; point layers are drawn over the kelurahan
outlines. Every image has a title, a source line and, for sample data, a "DATA CONTOH" label.
"""

from __future__ import annotations

import io
import textwrap

import geopandas as gpd
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from geoapp.core.i18n import Msg, normalise_lang
from geoapp.figures.catalog import LayerData
from geoapp.figures.printing import MARKERS, NO_THEME, NO_THEME_COLOR
from geoapp.maps.classify import check_k, check_scheme, classify
from geoapp.maps.legend import legend_entries, nodata_entry
from geoapp.maps.palettes import check_palette, program_palette, sequential_colors, theme_styles

matplotlib.use("Agg", force=False)

SAMPLE_LABEL = Msg("png.sample", "SAMPLE DATA")
POINTS_LABEL = Msg("png.points", "{n} points")
NO_COORDS = Msg("png.no_coords", "{n} rows without coordinates are not drawn")

NODATA_FILL = "#ffffff"
EDGE = "#4d4d4d"
OUTLINE = "#9a9a9a"
POINT_COLOR = "#0072b2"
SIZE_IN = (8.0, 8.5)
DPI = 100


def _figure() -> tuple[Figure, object]:
    fig = Figure(figsize=SIZE_IN, dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.2, 0.96, 0.7))
    ax.set_axis_off()
    ax.set_aspect("equal")
    return fig, ax


def _decorate(fig: Figure, title: str, source: str, sample: bool, lang: str) -> None:
    # wrapped here: matplotlib's own wrap=True measures the text as mathtext when it has "$"
    title = "\n".join(textwrap.wrap(" ".join(title.split()), 70)[:3]) or " "
    fig.text(0.5, 0.965, title, ha="center", va="top", fontsize=13, weight="bold")
    fig.text(0.02, 0.02, source, ha="left", va="bottom", fontsize=8, color="#333333")
    if sample:
        fig.text(0.98, 0.92, SAMPLE_LABEL.text(lang), ha="right", va="top", fontsize=12,
                 weight="bold", color="#b2182b",
                 bbox={"boxstyle": "round,pad=0.3", "fc": "#fff5f0", "ec": "#b2182b"})


def _draw_choropleth(ax, frame: gpd.GeoDataFrame, kind: str, lang: str, scheme: str,
                     k: int, palette: str) -> None:
    values = frame["value"].to_numpy(dtype="float64", na_value=np.nan)
    cls = classify(values, scheme, k)
    colors = sequential_colors(palette, max(cls.k, 1))
    fills = [colors[c] if c >= 0 else NODATA_FILL for c in cls.classes]
    frame.plot(ax=ax, color=fills, edgecolor=EDGE, linewidth=0.4)
    missing = frame[cls.classes < 0]
    if len(missing):
        missing.plot(ax=ax, facecolor="none", edgecolor="#8c8c8c", hatch="///", linewidth=0.4)
    handles = [Patch(facecolor=colors[i], edgecolor=EDGE, label=f"{e['text']} ({e['n']})")
               for i, e in enumerate(legend_entries(cls, kind, lang))]
    nodata = nodata_entry(cls, lang)
    if nodata["n"]:
        handles.append(Patch(facecolor=NODATA_FILL, edgecolor="#8c8c8c", hatch="///",
                             label=f"{nodata['text']} ({nodata['n']})"))
    _legend(ax, handles)


def _legend(ax, handles: list) -> None:
    """The legend below the map, in two columns."""
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.01), ncol=2,
              fontsize=8, frameon=False)


def _theme_symbols(frame: gpd.GeoDataFrame, lang: str,
                   order: tuple[str, ...] = ()) -> tuple[list[str], list[str], list]:
    """A colour and marker per point (the screen's theme styles, ``geoapp.maps.palettes``)
    and the legend handles."""
    if "tema" not in frame.columns or frame["tema"].isna().all():
        return [POINT_COLOR] * len(frame), ["o"] * len(frame), []
    raw = [str(t).strip() if isinstance(t, str) else "" for t in frame["tema"]]
    styles = theme_styles(raw, order)
    colors = [styles[t][0] if t else NO_THEME_COLOR for t in raw]
    markers = [MARKERS[styles[t][1]] if t else "o" for t in raw]
    legend = [(t[:40], c, MARKERS[shape]) for t, (c, shape) in styles.items()]
    if "" in raw:
        legend.append((NO_THEME.text(lang), NO_THEME_COLOR, "o"))
    return colors, markers, legend


def _draw_points(ax, frame: gpd.GeoDataFrame, outline: gpd.GeoDataFrame, lang: str,
                 without_coordinates: int, order: tuple[str, ...] = ()) -> None:
    outline.plot(ax=ax, facecolor="#f7f7f7", edgecolor=OUTLINE, linewidth=0.5)
    colors, markers, legend = _theme_symbols(frame, lang, order)
    for marker in sorted(set(markers)):
        keep = np.array([m == marker for m in markers], dtype=bool)
        frame[keep].plot(ax=ax, color=[c for c, k in zip(colors, keep, strict=True) if k],
                         marker=marker, markersize=28, edgecolor="#222222", linewidth=0.5,
                         zorder=3)
    handles = [Line2D([], [], marker=m, linestyle="", markerfacecolor=c,
                      markeredgecolor="#222222", label=t) for t, c, m in legend]
    label = POINTS_LABEL.text(lang, n=len(frame))
    if without_coordinates:
        label += "; " + NO_COORDS.text(lang, n=without_coordinates)
    handles.append(Line2D([], [], linestyle="", label=label))
    _legend(ax, handles)


def _fit(ax, *frames: gpd.GeoDataFrame) -> None:
    bounds = [f.total_bounds for f in frames if len(f)]
    if not bounds:
        return
    b = np.vstack(bounds)
    minx, miny, maxx, maxy = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    pad_x, pad_y = (maxx - minx) * 0.03 or 0.01, (maxy - miny) * 0.03 or 0.01
    ax.set_xlim(minx - pad_x, maxx + pad_x)
    ax.set_ylim(miny - pad_y, maxy + pad_y)


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def render_layer_png(data: LayerData, *, lang: str = "id", title: str | None = None,
                     source: str | None = None, scheme: str = "quantiles", k: int = 5,
                     palette: str | None = None,
                     outline: gpd.GeoDataFrame | None = None) -> bytes:
    """The layer as a PNG: choropleth (area) or points over ``outline`` (points).

    ``title``/``source`` default to the layer's title in ``lang`` and its source label;
    ``palette`` defaults to the program's palette on screen (``maps.palettes``);
    ``outline`` (kelurahan boundaries) is required for point layers. Bad ``scheme``,
    ``k`` or ``palette`` raise GeoappError 400.
    """
    lang = normalise_lang(lang)
    check_scheme(scheme)
    k = check_k(k)
    definition = data.definition
    palette = check_palette(palette or program_palette(definition.program))
    with matplotlib.rc_context({"text.parse_math": False}):   # "$" in a title is text
        fig, ax = _figure()
        frame = data.frame.to_crs("EPSG:4326") if data.frame.crs is not None else data.frame
        if definition.kind == "points":
            base = outline if outline is not None else frame.iloc[0:0]
            _draw_points(ax, frame, base, lang, int(data.ledger.get("without_coordinates", 0)),
                         data.theme_order)
            _fit(ax, base, frame)
        else:
            _draw_choropleth(ax, frame, definition.value_kind, lang, scheme, k, palette)
            _fit(ax, frame)
        _decorate(fig, title or definition.title.text(lang), source or data.source_label,
                  data.sample, lang)
        return _png(fig)
