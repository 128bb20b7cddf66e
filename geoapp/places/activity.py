"""Program activity near each place (BLK trainings, UMKM aid, KWT groups, job fair).

Joined in two clearly separate parts: rows WITH coordinates within the radius of the
place (its own ``activity``), and rows WITHOUT coordinates recorded only by kelurahan
(``kelurahan_activity``, "in the same kelurahan"). A place without coordinates gets only
the second part, then with every row of its kelurahan. Core module: no Flask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from geoapp.places.distance import haversine_m
from geoapp.places.model import Activity, Place
from geoapp.places.rows import ActiveRows, row_point

MAX_EXAMPLES = 3


def _example(data: ActiveRows, row: dict[str, Any]) -> str | None:
    return data.text(row, "sub" if data.has("sub") else "name")


def _summary(data: ActiveRows, chosen: list[dict[str, Any]], in_kelurahan: int,
             nearby: int) -> Activity:
    """One Activity over ``chosen`` rows: count, first measure summed, a few examples."""
    measure = next(iter(data.measure_names), None)
    total = None
    if measure is not None:
        values = [r["measures"].get(data.measure_names[measure]) for r in chosen]
        numbers = [float(v) for v in values if v is not None]
        total = float(sum(numbers)) if numbers else None
    examples: list[str] = []
    for row in chosen:
        text = _example(data, row)
        if text and text not in examples and len(examples) < MAX_EXAMPLES:
            examples.append(text)
    return Activity(data.program.key, len(chosen), in_kelurahan, nearby, measure, total,
                    tuple(examples))


def _within(place: Place, located: list[tuple[dict[str, Any], tuple]], radius_m: float
            ) -> list[dict[str, Any]]:
    """The located rows within ``radius_m`` of the (located) place."""
    lat = np.array([pt[0] for _, pt in located], dtype=float)
    lon = np.array([pt[1] for _, pt in located], dtype=float)
    keep = np.atleast_1d(haversine_m(place.lat, place.lon, lat, lon)) <= radius_m
    return [r for (r, _), k in zip(located, keep, strict=True) if k]


def _split_activity(place: Place, data: ActiveRows, radius_m: float
                    ) -> tuple[Activity | None, Activity | None]:
    """(rows with coordinates within ``radius_m``, rows of the same kelurahan without
    coordinates) for one program; a place without coordinates gets every row of its
    kelurahan in the second part."""
    rows = [r for r in data.rows if not (data.program.key == place.kind
                                         and place.id == f"{place.kind}-{r['position']}")]
    points = [row_point(r) for r in rows]
    located = [(r, pt) for r, pt in zip(rows, points, strict=True) if pt[0] is not None]
    same_kel = [r for r, pt in zip(rows, points, strict=True)
                if r["kode"] == place.kode and (pt[0] is None or not place.located)]
    near = _within(place, located, radius_m) if place.located and located else []
    own = _summary(data, near, sum(r["kode"] == place.kode for r in near),
                   len(near)) if near else None
    kel = _summary(data, same_kel, len(same_kel), 0) if same_kel else None
    return own, kel


def join_activity(places: Sequence[Place], activity_rows: Sequence[ActiveRows],
                  radius_m: float) -> list[Place]:
    """Each place with the activity rows within ``radius_m`` of it (``activity``) and,
    separately, those recorded only by its kelurahan (``kelurahan_activity``)."""
    out = []
    for place in places:
        split = [_split_activity(place, data, radius_m) for data in activity_rows]
        out.append(replace(place, activity=tuple(a for a, _ in split if a is not None),
                           kelurahan_activity=tuple(k for _, k in split if k is not None)))
    return out
