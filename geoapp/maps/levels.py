"""Per-level map layers for a province or the whole country (provinsi -> desa).

A national map never sends all 83,253 desa at once: each level is served on its own,
simplified for the zoom it is seen at, and the lower levels only for one parent code
(the kabupaten of a province, the kecamatan of a kabupaten, the desa of a kecamatan or
of a kabupaten). Figures go up the hierarchy by summing: :func:`sum_up` for measures,
:func:`rate_up` recomputes per-km² / per-1,000 from summed numerators and denominators.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import shapely

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.io.boundaries.national import (
    COUNTRY,
    in_wilayah,
    names_by_kode,
    read_desa,
    read_outlines,
)

LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa")
PARTS = {"provinsi": 1, "kabupaten": 2, "kecamatan": 3, "desa": 4}
# Simplification tolerance (degrees) and coordinate decimals, per level.
TOLERANCE = {"provinsi": 0.04, "kabupaten": 0.02, "kecamatan": 0.003, "desa": 0.0006}
DECIMALS = {"provinsi": 2, "kabupaten": 2, "kecamatan": 4, "desa": 4}
# Islands smaller than this (square degrees) are left out of a level's outline (the
# largest part of every area is always kept), so the national view stays small.
# Finer settings when a level is shown for one parent (kabupaten of one province).
FINE = {"provinsi": (0.01, 3), "kabupaten": (0.004, 3)}
MIN_PART = {"provinsi": 0.01, "kabupaten": 0.004, "kecamatan": 0.0, "desa": 0.0}
# Which parents a level may be asked for ("" = the whole working area).
PARENT_LEVELS = {"provinsi": ("",), "kabupaten": ("", "provinsi"),
                 "kecamatan": ("kabupaten",), "desa": ("kabupaten", "kecamatan")}
MAX_PARENTS = 60          # parent codes in one figures or export request

BAD_LEVEL = Msg(
    "map_levels.bad_level",
    "Parameter 'level' is not valid: received '{value}'. Allowed: {allowed}.",
)
TOO_MANY_PARENTS = Msg(
    "map_levels.too_many_parents",
    "Parameter 'parent' names {count} areas; at most {maximum} are allowed at once.",
)
BAD_PARENT = Msg(
    "map_levels.bad_parent",
    "Parameter 'parent' is not valid for level {level}: received '{value}'. Allowed: {allowed}.",
)


def level_of(kode: str) -> str:
    """The level of a Kemendagri code by its number of parts."""
    return LEVELS[min(kode.count("."), 3)]


def check_request(level: str, parent: str, wilayah: str) -> None:
    """Raise a 400 GeoappError unless ``level`` and ``parent`` name a layer of ``wilayah``."""
    if level not in LEVELS:
        raise GeoappError(BAD_LEVEL, 400, value=level[:40], allowed=", ".join(LEVELS))
    allowed = PARENT_LEVELS[level]
    kind = level_of(parent) if parent else ""
    known = not parent or parent in names_by_kode()
    inside = not parent or in_wilayah(parent, wilayah) or in_wilayah(wilayah, parent)
    if kind not in allowed or not known or not inside or (not parent and wilayah != COUNTRY
                                             and level != "provinsi" and len(wilayah) > 2):
        shown = ", ".join(a or "''" for a in allowed)
        raise GeoappError(BAD_PARENT, 400, level=level, value=parent[:40], allowed=shown)


def _frame(level: str, scope: str):
    if level == "desa":
        return read_desa(scope)
    return read_outlines(level, scope)


def level_frame(level: str, parent: str, wilayah: str):
    """The full-resolution shapes of ``level`` under ``parent`` ("" = all of ``wilayah``):
    columns ``kode``, ``nama``, ``luas_km2``, ``geometry``, sorted by ``kode``."""
    check_request(level, parent, wilayah)
    frame = _frame(level, parent or (COUNTRY if level == "provinsi" else wilayah))
    if level == "provinsi" and wilayah != COUNTRY:      # the province of the working area
        frame = frame[frame["kode"] == wilayah.split(".")[0]]
    return frame[["kode", "nama", "luas_km2", "geometry"]].reset_index(drop=True)


def check_parents(level: str, text: str, wilayah: str) -> tuple[str, ...]:
    """The comma-separated parent codes of a request, each checked (at most
    ``MAX_PARENTS``, duplicates dropped); GeoappError 400 naming what is allowed."""
    parents = tuple(dict.fromkeys(p.strip() for p in text.split(",")))
    if len(parents) > MAX_PARENTS:
        raise GeoappError(TOO_MANY_PARENTS, 400, count=len(parents), maximum=MAX_PARENTS)
    for parent in parents:
        check_request(level, parent, wilayah)
    return parents


def _drop_islets(geom, level: str):
    parts = list(getattr(geom, "geoms", [geom]))
    if MIN_PART[level] <= 0 or len(parts) < 2:
        return geom
    largest = max(parts, key=lambda g: g.area)
    kept = [g for g in parts if g is largest or g.area >= MIN_PART[level]]
    return shapely.MultiPolygon(kept) if len(kept) > 1 else largest


def _geometry(geom, level: str, fine: bool) -> dict:
    tolerance, decimals = (FINE[level] if fine and level in FINE
                           else (TOLERANCE[level], DECIMALS[level]))
    if not fine:
        geom = _drop_islets(geom, level)
    simple = shapely.simplify(geom, tolerance, preserve_topology=True)
    if simple.is_empty:
        simple = geom.envelope
    rounded = shapely.transform(simple, lambda xy: np.round(xy, decimals))
    return shapely.geometry.mapping(rounded)


@lru_cache(maxsize=256)
def level_layer(level: str, parent: str, wilayah: str) -> dict:
    """GeoJSON FeatureCollection of ``level`` under ``parent`` ("" = all of ``wilayah``),
    simplified for that level; properties ``kode``, ``nama``, ``induk`` and ``luas_km2``.
    Cached per (level, parent, wilayah); callers must not change the result."""
    frame = level_frame(level, parent, wilayah)
    fine = wilayah != COUNTRY or bool(parent)     # one province's shapes: more detail
    features = []
    for kode, nama, luas, geom in zip(frame["kode"], frame["nama"], frame["luas_km2"],
                                      frame.geometry, strict=True):
        induk = kode.rsplit(".", 1)[0] if "." in kode else ""
        features.append({"type": "Feature", "geometry": _geometry(geom, level, fine),
                         "properties": {"kode": kode, "nama": nama, "induk": induk,
                                        "luas_km2": round(float(luas), 3)}})
    return {"type": "FeatureCollection", "level": level, "parent": parent,
            "features": features}


def ancestor(kode: str, level: str) -> str:
    """The code of ``kode``'s ancestor at ``level`` (itself when already at or above it)."""
    return ".".join(kode.split(".")[:PARTS[level]])


def sum_up(values: Mapping[str, float], level: str) -> dict[str, float]:
    """Sum desa-level (or any lower-level) values per ``level`` code; missing values skip."""
    out: dict[str, float] = {}
    for kode, value in values.items():
        if value is None or value != value:     # None or NaN: no data, not zero
            continue
        key = ancestor(kode, level)
        out[key] = out.get(key, 0) + value
    return out


def rate_up(numerators: Mapping[str, float], denominators: Mapping[str, float],
            level: str, per: float = 1.0, *, complete: bool = False
            ) -> dict[str, float | None]:
    """``per`` x sum(numerator) / sum(denominator) per ``level`` code (per-km², per-1,000),
    never an average of lower-level rates. None (no data, not zero) where no numerator
    has a value or the summed denominator is not > 0; with ``complete``, also where any
    lower area lacks a denominator (residents of part of a kabupaten are not its residents)."""
    num, den = sum_up(numerators, level), sum_up(denominators, level)
    gaps = ({ancestor(k, level) for k, v in denominators.items() if v is None or v != v}
            if complete else set())
    return {k: (per * num[k] / d if k in num and d > 0 and k not in gaps else None)
            for k, d in den.items()}
