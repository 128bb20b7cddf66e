"""Distances between places and points: great-circle metres, "nearest first", and the
short distance text shown to field teams (``850 m``, ``1,2 km``). Core module: no Flask."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from geoapp.core.i18n import normalise_lang
from geoapp.places.model import Place
from geoapp.values.numbers import format_number

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in metres (numpy arrays accepted for the second point)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2, dtype=float) - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(d) if np.ndim(d) == 0 else d


def format_distance(metres: float, lang: str = "id") -> str:
    """``850 m`` below one kilometre, else kilometres with one decimal (``1,2 km``)."""
    whole = int(round(metres))
    if whole < 1000:
        return f"{whole} m"
    return f"{format_number(metres / 1000, normalise_lang(lang), 1)} km"


def nearest(places: Iterable[Place], lat: float, lon: float,
            limit: int | None = None) -> list[tuple[Place, float]]:
    """Places WITH coordinates and their distance from (lat, lon), nearest first (ties by
    name); places without coordinates are left out."""
    items = [p for p in places if p.located]
    if not items:
        return []
    dist = haversine_m(lat, lon, [p.lat for p in items], [p.lon for p in items])
    pairs = sorted(zip(items, (float(d) for d in dist), strict=True),
                   key=lambda pd_: (pd_[1], pd_[0].name, pd_[0].id))
    return pairs if limit is None else pairs[:limit]


def distances(places: Sequence[Place], near: tuple[float, float] | None
              ) -> list[float | None]:
    """Metres from ``near`` per place (None without a point or without coordinates)."""
    if near is None:
        return [None] * len(places)
    return [float(haversine_m(*near, p.lat, p.lon)) if p.located else None for p in places]
