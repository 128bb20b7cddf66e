"""Legend entries for a classified choropleth."""

from __future__ import annotations

import math

import numpy as np

from geoapp.core.i18n import Msg
from geoapp.maps.classify import Classification
from geoapp.maps.formatting import format_bound

NO_DATA = Msg("map_no_data", "No data")
RANGE_FIRST = Msg("map_range_first", "{low} – {high}")
RANGE_NEXT = Msg("map_range_next", "> {low} – {high}")


def whole_bound(x: float) -> float:
    """A class bound for whole-number values: a class ``low < v <= high`` holds the same
    whole numbers as ``floor(low) < v <= floor(high)``, so the floor is shown.

    A quantile interpolated between whole numbers can miss a whole number by float noise
    (30517499.999999996 for 30517500); within a relative 1e-9 of a whole number it is that
    number (an absolute tolerance is below the float spacing of large rupiah sums, and
    the legend showed Rp 30.517.499)."""
    nearest = round(x)
    if abs(x - nearest) <= 1e-9 * max(1.0, abs(x)):
        return float(nearest)
    return float(math.floor(x))


def legend_entries(cls: Classification, kind: str, lang: str) -> list[dict[str, object]]:
    """One ``{"text", "n"}`` per class, light to dark, with the count of kelurahan.

    Bounds of whole-number measures (counts) are shown without decimals; the classes
    themselves stay as mapclassify made them.
    """
    entries: list[dict[str, object]] = []
    low = cls.minimum
    shown = whole_bound if cls.integer_valued else float
    for i, high in enumerate(cls.bins):
        msg = RANGE_FIRST if i == 0 else RANGE_NEXT
        text = msg.text(lang, low=format_bound(shown(low), kind, lang), high=format_bound(shown(high), kind, lang))
        entries.append({"text": text, "n": int(np.sum(cls.classes == i))})
        low = high
    return entries


def nodata_entry(cls: Classification, lang: str) -> dict[str, object]:
    """The "Tidak ada data" entry with its count."""
    return {"text": NO_DATA.text(lang), "n": int(np.sum(cls.classes < 0))}
