"""Colour-blind-safe colours: ColorBrewer sequential palettes and Okabe-Ito for themes.

The single source of map colours for the screen (map.js payloads), the PNG downloads and
the printed maps: ``program_palette`` names each program's choropleth palette, ``theme_style``
gives a point theme its colour and shape from the theme itself (never from which themes are
visible), ``diverging_colors`` colours change maps.
"""

from __future__ import annotations

import zlib
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

# Each program's choropleth palette (all ColorBrewer sequential, colour-blind safe), on
# screen and in every export.
PROGRAM_PALETTES = {"umkm": "YlGnBu", "blk": "YlOrRd", "kwt": "YlGn", "jobfair": "PuBu"}
DEFAULT_PALETTE = "YlGnBu"
# Change maps: ColorBrewer RdBu (colour-blind safe), decrease red, increase blue, 0 white.
DIVERGING = "RdBu"
ZERO_FILL = "#f7f7f7"
# Theme marker shapes: after the 8 colours, the next 8 themes get the next shape.
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
    """The sequential palette of a program's choropleths (the default for other programs)."""
    return PROGRAM_PALETTES.get(program, DEFAULT_PALETTE)


def theme_order(themes: Iterable[str]) -> tuple[str, ...]:
    """The fixed order of a layer's themes: all its distinct, non-blank themes, sorted."""
    return tuple(sorted({str(t).strip() for t in themes if str(t).strip()}))


def theme_style(theme: str, order: Iterable[str] = ()) -> tuple[str, str]:
    """(colour, shape) of a theme: by its place in ``order`` (all themes of the layer,
    unfiltered), else by a stable hash of its text; never by which themes are visible."""
    known = theme_order(order)
    text = str(theme).strip()
    if text in known:
        index = known.index(text)
    else:
        index = len(known) + zlib.crc32(text.encode("utf-8")) % (len(QUALITATIVE) * len(THEME_SHAPES))
    shape = THEME_SHAPES[(index // len(QUALITATIVE)) % len(THEME_SHAPES)]
    return theme_color(index), shape


def theme_styles(labels: Iterable[str],
                 order: Iterable[str] = ()) -> dict[str, tuple[str, str]]:
    """Theme label -> (colour, shape) for every theme in ``labels``, placed by ``order`` (all
    themes of the unfiltered layer; defaults to ``labels`` themselves)."""
    shown = theme_order(labels)
    known = theme_order(order) or shown
    return {t: theme_style(t, known) for t in shown}


def diverging_colors(n_side: int) -> tuple[list[str], list[str]]:
    """``n_side`` (1..5) colours for decreases (strong to light) and for increases (light
    to strong) of the diverging palette; zero itself is ``ZERO_FILL``."""
    n_side = max(1, min(int(n_side), 5))
    colors = [c.lower() for c in color_brewer(DIVERGING, 2 * n_side + 1 if n_side > 1 else 3)]
    if n_side == 1:
        return [colors[0]], [colors[-1]]
    return colors[:n_side], colors[-n_side:]
