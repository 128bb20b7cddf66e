"""Values as shown on the map, via ``geoapp.values.numbers`` (``1.234.567``, ``Rp 1.234.567``, ``12,5``)."""

from __future__ import annotations

import math

from geoapp.values.numbers import format_number, format_rupiah

KINDS = ("count", "rupiah", "rate", "number")

__all__ = ["KINDS", "format_number", "format_rupiah", "format_value"]


def _decimals_for(x: float, kind: str) -> int:
    if kind == "rate":
        return 1
    if kind == "count":
        return 0 if float(x).is_integer() else 1
    return 0 if float(x).is_integer() else 2


def format_value(x: float | None, kind: str, lang: str) -> str | None:
    """A measure value as shown in tooltips and popups; None for no data."""
    if x is None or not math.isfinite(x):
        return None
    if kind == "rupiah":
        return format_rupiah(x, lang)
    return format_number(x, lang, _decimals_for(x, kind))
