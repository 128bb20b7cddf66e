"""Small inline-SVG drawings of lon/lat geometry (the finder's print map, the kelurahan
profile's outline): one equirectangular projection, x scaled by cos(mid latitude).

``fit_frame`` fits ``bounds`` into a box of ``width`` (and optionally ``height``) pixels
with ``pad`` pixels around; SVG y grows downwards, so north is up. Coordinates are
rounded to 0.1 px. Core module: no Flask.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MIN_SPAN = 1e-9    # degrees: guards a zero-width or zero-height extent


@dataclass(frozen=True)
class SvgFrame:
    """Where lon/lat lands in the SVG: ``xy(lon, lat)`` -> (x, y) in pixels."""

    minx: float
    maxy: float
    kx: float          # cos(mid latitude): how much shorter a degree of longitude is
    scale: float       # pixels per degree of latitude
    pad: float
    width: float
    height: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (round(self.pad + (lon - self.minx) * self.kx * self.scale, 1),
                round(self.pad + (self.maxy - lat) * self.scale, 1))


def fit_frame(bounds: Sequence[float], width: float, height: float | None = None,
              pad: float = 10.0) -> SvgFrame:
    """The frame showing ``bounds`` (minx, miny, maxx, maxy) as large as fits in ``width``
    x ``height``; without ``height`` the width decides and the height follows."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = (width - 2 * pad) / max((maxx - minx) * kx, MIN_SPAN)
    if height is None:
        height = (maxy - miny) * scale + 2 * pad
    else:
        scale = min(scale, (height - 2 * pad) / max(maxy - miny, MIN_SPAN))
    return SvgFrame(minx, maxy, kx, scale, pad, width, height)


def ring_path(points: Iterable[tuple[float, float]], frame: SvgFrame) -> str:
    """One closed SVG path ``M x,y L x,y … Z`` through lon/lat ``points``."""
    xy = (frame.xy(lon, lat) for lon, lat in points)
    return "M" + "L".join(f"{x},{y}" for x, y in xy) + "Z"


def polygon_path(geom, frame: SvgFrame) -> str:
    """The path of a (Multi)Polygon: every exterior ring and hole (draw with evenodd)."""
    rings = []
    for poly in getattr(geom, "geoms", [geom]):
        rings.append(ring_path(poly.exterior.coords, frame))
        rings += [ring_path(r.coords, frame) for r in poly.interiors]
    return "".join(rings)
