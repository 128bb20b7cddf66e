"""Classes of a change map: a diverging palette centred on zero.

Decreases and increases get ``n_side`` equal-width classes each, from zero to the
largest absolute change (the same width on both sides, so equal colours mean equal
changes); zero itself is its own class. Core module: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geoapp.core.i18n import Msg
from geoapp.maps.palettes import ZERO_FILL, diverging_colors

NO_CHANGE = Msg("change.no_change", "No change (0)")
DOWN = Msg("change.down", "{low} to {high} (decrease)")
UP = Msg("change.up", "{low} to {high} (increase)")
N_SIDE = 3


@dataclass(frozen=True)
class DivergingClasses:
    """The fill of every value (None: no data) and the legend rows, strongest decrease
    first: ``(low, high, colour, count)``; the zero row has low == high == 0."""

    fills: list[str | None]
    rows: list[tuple[float, float, str, int]]


def diverging_classes(values: np.ndarray, n_side: int = N_SIDE) -> DivergingClasses:
    """Class every finite value; NaN gets no fill. Without any change (every value zero)
    the legend has the zero row only; without any value it has no row."""
    values = np.asarray(values, dtype="float64")
    finite = np.isfinite(values)
    top = float(np.max(np.abs(values[finite]))) if finite.any() else 0.0
    down, up = diverging_colors(n_side)
    edges = [top * i / n_side for i in range(n_side + 1)]
    fills: list[str | None] = []
    for v in values:
        if not np.isfinite(v):
            fills.append(None)
        elif v == 0 or top == 0:
            fills.append(ZERO_FILL)
        else:
            i = min(int(np.searchsorted(edges, abs(v), side="left")) - 1, n_side - 1)
            fills.append(up[max(i, 0)] if v > 0 else down[n_side - 1 - max(i, 0)])
    counts = {c: sum(1 for f in fills if f == c) for c in [*down, ZERO_FILL, *up]}
    if top == 0:  # no change anywhere (one row) or no value at all (no row: the caller's
        # "no data" entry is the whole legend), never seven identical "no change" rows
        zero = [(0.0, 0.0, ZERO_FILL, counts[ZERO_FILL])] if finite.any() else []
        return DivergingClasses(fills, zero)
    rows = [(-edges[n_side - i], -edges[n_side - i - 1], down[i], counts[down[i]])
            for i in range(n_side)]
    rows.append((0.0, 0.0, ZERO_FILL, counts[ZERO_FILL]))
    rows += [(edges[i], edges[i + 1], up[i], counts[up[i]]) for i in range(n_side)]
    return DivergingClasses(fills, rows)


def legend_texts(classes: DivergingClasses, fmt, lang: str) -> list[tuple[str, str]]:
    """(label, colour) legend rows; ``fmt(x)`` writes a bound (e.g. ``Rp 1.000`` or ``5%``)."""
    out = []
    for low, high, color, n in classes.rows:
        if low == high == 0:
            text = NO_CHANGE.text(lang)
        else:
            msg = DOWN if high <= 0 else UP
            text = msg.text(lang, low=fmt(low), high=fmt(high))
        out.append((f"{text} ({n})", color))
    return out
