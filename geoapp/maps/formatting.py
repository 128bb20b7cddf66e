"""Map values as text by measure kind, on ``geoapp.values.numbers`` (``1.234.567``, ``Rp 1.234.567``, ``12,5``)."""

from __future__ import annotations

import math

from geoapp.values.numbers import format_amount, format_number, format_percent, format_rupiah

KINDS = ("count", "rupiah", "rate", "number")

__all__ = ["KINDS", "format_amount", "format_bound", "format_number", "format_percent",
           "format_rupiah", "format_value"]


def rate_decimals(x: float) -> int:
    """Decimals of a rate: one, or two significant digits below 0.1 (at most six), so a
    province's 0.043 groups per km² is not shown as 0.0."""
    size = abs(float(x))
    if size == 0 or size >= 0.1 or not math.isfinite(size):
        return 1
    return min(6, 1 - math.floor(math.log10(size)))


def format_value(x: float | None, kind: str, lang: str) -> str | None:
    """A measure value as shown in tooltips and popups; None for no data.

    Rupiah whole; rates with one decimal; counts and other numbers whole when they are,
    else with one (count) or two decimals.
    """
    if x is None or not math.isfinite(x):
        return None
    if kind == "rupiah":
        return format_rupiah(x, lang)
    if kind == "rate":
        return format_number(x, lang, rate_decimals(x))
    return format_amount(x, lang, 1 if kind == "count" else 2)


def format_bound(x: float, kind: str, lang: str) -> str:
    """A legend class bound: rupiah whole, others whole when they are, else 1 (rate) or 2 decimals."""
    if kind == "rupiah":
        return format_rupiah(x, lang)
    return format_amount(x, lang, rate_decimals(x) if kind == "rate" else 2)
