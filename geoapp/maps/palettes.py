"""Colour-blind-safe colours: ColorBrewer sequential palettes and Okabe-Ito for themes.

The single source of the colours the map shows: the screen (Folium payloads), the PNG
downloads and the printed maps all take their palettes from here.
"""

from __future__ import annotations

from collections.abc import Iterable

from branca.utilities import color_brewer

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

SEQUENTIAL = (
    "YlGnBu", "YlOrRd", "YlOrBr", "YlGn", "GnBu", "BuGn", "BuPu", "PuBu", "PuBuGn",
    "OrRd", "PuRd", "RdPu", "Greens", "Oranges", "Blues", "Purples", "Reds", "Greys",
)

# Okabe & Ito (2008) colour-universal-design palette, without black.
QUALITATIVE = ("#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7",
               "#999999")

# The choropleth palette of each program, on screen and in every export.
PROGRAM_PALETTES = {"umkm": "YlGnBu", "blk": "YlOrRd", "kwt": "YlGn", "jobfair": "PuBu"}
DEFAULT_PALETTE = "YlGnBu"
# Change maps: ColorBrewer RdBu (colour-blind safe), decrease red, increase blue, 0 white.
DIVERGING = "RdBu"
ZERO_FILL = "#f7f7f7"
THEME_SHAPES = ("circle", "square", "diamond", "triangle")

BAD_PALETTE = Msg(
    "map_bad_palette",
    "Unknown colour palette '{palette}'. Choose one of: {allowed}.",
)


def check_palette(palette: str) -> str:
    """Return the palette name, or raise GeoappError when it is not allowed."""
    if palette not in SEQUENTIAL:
        raise GeoappError(BAD_PALETTE, 400, palette=str(palette)[:40],
                          allowed=", ".join(SEQUENTIAL))
    return palette


def sequential_colors(palette: str, n: int) -> list[str]:
    """``n`` (1..9) light-to-dark hex colours of a ColorBrewer sequential palette."""
    check_palette(palette)
    if n >= 3:
        return [c.lower() for c in color_brewer(palette, n)]
    three = [c.lower() for c in color_brewer(palette, 3)]
    return [three[1]] if n == 1 else [three[0], three[2]]


def theme_color(index: int) -> str:
    """The qualitative colour for the ``index``-th theme (cycles after 8)."""
    return QUALITATIVE[index % len(QUALITATIVE)]


def program_palette(program: str) -> str:
    """The sequential palette of a program's choropleths (screen and exports alike)."""
    return PROGRAM_PALETTES.get(program, DEFAULT_PALETTE)


def theme_styles(labels: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Theme label -> (colour, shape), by the labels' sorted order (the screen's order).

    Pass every theme of the dataset, not only the filtered ones, for colours that stay
    the same across filters.
    """
    ordered = sorted({str(t).strip() for t in labels if str(t).strip()})
    n = len(QUALITATIVE)
    return {t: (theme_color(i), THEME_SHAPES[(i // n) % len(THEME_SHAPES)])
            for i, t in enumerate(ordered)}


def diverging_colors(n_side: int) -> tuple[list[str], list[str]]:
    """``n_side`` (1..5) colours for decreases (strong to light) and for increases (light
    to strong) of the diverging palette; zero itself is ``ZERO_FILL``."""
    n_side = max(1, min(int(n_side), 5))
    colors = [c.lower() for c in color_brewer(DIVERGING, 2 * n_side + 1 if n_side > 1 else 3)]
    if n_side == 1:
        return [colors[0]], [colors[-1]]
    return colors[:n_side], colors[-n_side:]
