"""What the compare page's maps draw: every kelurahan's outline, its values on both sides
and its fills, classified once on the server so the screen and the print agree.

Sides A and B share one classification (quantiles over both sides' values, the program's
palette), so one colour means the same on both maps; the change map uses the diverging
classes of ``geoapp.figures.printing.change_fills``. Core module: no Flask.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from geoapp.figures.change import Change
from geoapp.figures.printing import change_fills, check_show
from geoapp.maps.classify import classify
from geoapp.maps.legend import NO_DATA, legend_entries
from geoapp.maps.palettes import program_palette, sequential_colors
from geoapp.values.numbers import format_amount, format_percent, format_rupiah

SIMPLIFY = 0.00005     # degrees (about 5 m): the outlines stay recognisable, the page small
SHARED_K = 5
NODATA_FILL = "#ffffff"


def _rings(geom) -> list[list[list[float]]]:
    rings = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly is None or poly.is_empty:
            continue
        for ring in [poly.exterior, *poly.interiors]:
            rings.append([[round(x, 5), round(y, 5)] for x, y in ring.coords])
    return rings


def _number(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def value_text(change: Change, x: float | None, lang: str, pct: bool = False) -> str:
    """A value as the page shows it (``Rp 1.000``, ``1.234``, ``12,5%``; ``—`` for none)."""
    if pct:
        return format_percent(x, lang, 1)
    if change.measure_kind == "rupiah":
        return format_rupiah(x, lang)
    return format_amount(x, lang, 2)


def side_fills(change: Change, lang: str) -> tuple[list, list, list[dict]]:
    """Fills of A and B on one shared classification, and its legend rows."""
    a = change.frame["a"].to_numpy(dtype="float64", na_value=np.nan)
    b = change.frame["b"].to_numpy(dtype="float64", na_value=np.nan)
    cls = classify(np.concatenate([a, b]), "quantiles", SHARED_K)
    colors = sequential_colors(program_palette(change.program), max(cls.k, 1))
    fills = [colors[c] if c >= 0 else None for c in cls.classes]
    kind = "rupiah" if change.measure_kind == "rupiah" else "count"
    legend = [{"text": e["text"], "color": colors[i]}
              for i, e in enumerate(legend_entries(cls, kind, lang))]
    legend.append({"text": NO_DATA.text(lang), "color": NODATA_FILL, "nodata": True})
    return fills[: len(a)], fills[len(a):], legend


def compare_payload(change: Change, show: str, lang: str) -> dict[str, Any]:
    """The page's JSON: features ``{k, n, c, a, b, d, p, fa, fb, fc, rings}`` and legends."""
    check_show(show)
    fa, fb, shared = side_fills(change, lang)
    _, fc, legend = change_fills(change, show, lang)
    frame = change.frame.to_crs("EPSG:4326")
    geoms = frame.geometry.simplify(SIMPLIFY, preserve_topology=True)
    features = []
    for i, row in enumerate(frame.itertuples()):
        a, b, d, p = (_number(getattr(row, c)) for c in ("a", "b", "diff", "pct"))
        features.append({
            "k": row.kode, "n": str(row.nama), "c": str(row.nama_kecamatan),
            "a": value_text(change, a, lang), "b": value_text(change, b, lang),
            "d": value_text(change, d, lang), "p": value_text(change, p, lang, pct=True),
            "fa": fa[i], "fb": fb[i], "fc": fc[i], "rings": _rings(geoms.iloc[i])})
    return {
        "labels": {"a": change.label_a, "b": change.label_b},
        "features": features,
        "legend_sides": shared,
        "legend_change": [{"text": item.label, "color": item.color, "nodata": bool(item.hatch)}
                          for item in legend],
        "bounds": [float(v) for v in frame.total_bounds],
    }
