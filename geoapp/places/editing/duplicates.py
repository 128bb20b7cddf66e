"""Likely duplicates of a place being saved: a similar name nearby, or a point very close."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from geoapp.places.distance import haversine_m
from geoapp.places.editing.listing import AdminPlace
from geoapp.values.names import normalise_name

NEAR_M = 150.0            # closer than this: likely the same place
NAME_SCORE = 90.0         # rapidfuzz ratio of normalised names at or above this: same name
NAME_RADIUS_M = 1000.0    # ... when in the same kelurahan or within this distance
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Duplicate:
    """An existing place that may be the same as the one being saved."""

    id: str
    name: str
    kelurahan: str | None
    distance_m: float
    score: float
    reasons: tuple[str, ...]          # "name" and/or "near"


def name_score(a: str, b: str) -> float:
    """Similarity 0..100 of two place names (normalised; numbers such as RW 05 must agree)."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0.0
    if [int(d) for d in _DIGITS.findall(na)] != [int(d) for d in _DIGITS.findall(nb)]:
        return 0.0
    return float(fuzz.ratio(na, nb))


def find_duplicates(name: str, lat: float, lon: float, existing: Sequence[AdminPlace],
                    kode: str | None = None) -> list[Duplicate]:
    """Existing places that may be the same one, nearest first: closer than NEAR_M, or a
    similar name (>= NAME_SCORE) in the same kelurahan or within NAME_RADIUS_M (the same
    "RW 07" name in another kelurahan is another place)."""
    out = []
    for place in existing:
        has_point = place.lat is not None and place.lon is not None
        dist = haversine_m(lat, lon, place.lat, place.lon) if has_point else float("inf")
        score = name_score(name, place.name)
        same_area = (kode is not None and place.kode == kode) or dist <= NAME_RADIUS_M
        hits = (("name", score >= NAME_SCORE and same_area), ("near", dist < NEAR_M))
        reasons = tuple(r for r, hit in hits if hit)
        if reasons:
            out.append(Duplicate(place.id, place.name, place.kelurahan, float(dist), score,
                                 reasons))
    return sorted(out, key=lambda d: (d.distance_m, d.id))
