"""Places from the stored datasets: one place per matched row of the ACTIVE ``kampung``,
``kwt`` and ``ecofarm`` datasets, with program activity joined (``places.activity``).

A place without coordinates is still listed and searchable; it is only left out of
distances, "nearest" and the map. Core module: no Flask.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from geoapp.io.boundaries import load_boundaries
from geoapp.places.activity import join_activity
from geoapp.places.model import (
    ACTIVITY_PROGRAMS,
    DEFAULT_ACTIVITY_RADIUS_M,
    KIND_TITLES,
    KINDS,
    Place,
    PlaceSet,
    Source,
)
from geoapp.places.rows import ActiveRows, cell_text, load_rows, row_point
from geoapp.store import active_dataset
from geoapp.values.names import normalise_name


def _kelurahan_names() -> dict[str, tuple[str, str, str]]:
    frame = load_boundaries().frame
    return {str(k): (str(n), str(kk), str(nk)) for k, n, kk, nk in frame[
        ["kode", "nama", "kode_kecamatan", "nama_kecamatan"]].itertuples(index=False)}


def _places_of(kind: str, data: ActiveRows,
               names: dict[str, tuple[str, str, str]]) -> list[Place]:
    """One place per matched row, with or without coordinates."""
    out = []
    for row in data.rows:
        lat, lon = row_point(row)
        cells = row["cells"]
        kel = names.get(row["kode"], (None, None, None))
        out.append(Place(
            id=f"{kind}-{row['position']}",
            name=cell_text(cells, data.columns["name"]) or f"{KIND_TITLES[kind].text('id')} "
                                                            f"#{row['position'] + 1}",
            kind=kind, theme=cell_text(cells, data.columns["theme"]),
            kelurahan=kel[0], kecamatan=kel[2], kode=row["kode"], kode_kecamatan=kel[1],
            address=cell_text(cells, data.columns["address"]),
            contact=cell_text(cells, data.columns["contact"]),
            lat=lat, lon=lon))
    return out


def _source(kind: str, data: ActiveRows, found: Sequence[Place]) -> Source:
    ds = data.dataset
    return Source(kind, ds.id, ds.version, bool(ds.sample), ds.imported_at, ds.activated_at,
                  len(found), sum(1 for p in found if not p.located))


def build_places(session: Session, radius_m: float) -> PlaceSet:
    """Read the active datasets and build every place with its activity (no cache)."""
    names = _kelurahan_names()
    loaded = {key: load_rows(session, key) for key in dict.fromkeys((*KINDS, *ACTIVITY_PROGRAMS))}
    places: list[Place] = []
    sources: dict[str, Source] = {}
    for kind in KINDS:
        data = loaded[kind]
        if data is None:
            continue
        found = _places_of(kind, data, names)
        places.extend(found)
        sources[kind] = _source(kind, data, found)
    activity = [loaded[p] for p in ACTIVITY_PROGRAMS if loaded[p] is not None]
    places = join_activity(places, activity, radius_m)
    places.sort(key=lambda p: (KINDS.index(p.kind), normalise_name(p.name), p.id))
    return PlaceSet(places, sources, radius_m)


# --------------------------------------------------------------------------- cache

_CACHE_SIZE = 16
_cache: OrderedDict[tuple, PlaceSet] = OrderedDict()
_lock = threading.Lock()


def _identity(session: Session, radius_m: float) -> tuple:
    parts: list[Any] = [str(session.get_bind().url), float(radius_m)]
    for key in (*KINDS, *ACTIVITY_PROGRAMS):
        ds = active_dataset(session, key)
        parts.append(None if ds is None else (ds.id, ds.version, ds.source_sha256,
                                              str(ds.imported_at), str(ds.activated_at)))
    return tuple(parts)


def load_places(session: Session, *, radius_m: float = DEFAULT_ACTIVITY_RADIUS_M) -> PlaceSet:
    """All places of the active kampung/kwt/ecofarm datasets, with activity joined.

    Cached per set of active dataset versions; callers get their own list.
    """
    radius = float(radius_m)
    if not math.isfinite(radius) or radius < 0:
        radius = DEFAULT_ACTIVITY_RADIUS_M
    key = _identity(session, radius)
    with _lock:
        cached = _cache.get(key)
    if cached is None:
        cached = build_places(session, radius)
        with _lock:
            _cache[key] = cached
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return PlaceSet(list(cached.places), dict(cached.sources), cached.radius_m)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
