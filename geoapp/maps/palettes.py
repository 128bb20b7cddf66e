"""Colour-blind-safe colours: ColorBrewer sequential palettes and Okabe-Ito for themes."""

from __future__ import annotations

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
