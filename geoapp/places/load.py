"""Places from the stored datasets: one place per matched row of the ACTIVE ``kampung``,
``kwt`` and ``ecofarm`` datasets, with program activity joined (``places.activity``).

A place without coordinates is still listed and searchable; it is only left out of
distances, "nearest" and the map. The active versions and the cache of built place sets
come from the store's ``ActiveVersions`` service (one per app; see
``geoapp.store.active``): a place set is cached under the identities of the versions it
was built from, so a new or re-activated version is never a stale hit. Core module: no
Flask.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

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
from geoapp.places.rows import ActiveRows, load_rows, row_point
from geoapp.store.active import ActiveVersions, DatasetInfo
from geoapp.values.names import normalise_name

SOURCE_PROGRAMS = tuple(dict.fromkeys((*KINDS, *ACTIVITY_PROGRAMS)))  # each read once


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
        kel = names.get(row["kode"], (None, None, None))
        out.append(Place(
            id=f"{kind}-{row['position']}",
            name=data.text(row, "name") or f"{KIND_TITLES[kind].text('id')} "
                                           f"#{row['position'] + 1}",
            kind=kind, theme=data.text(row, "theme"),
            kelurahan=kel[0], kecamatan=kel[2], kode=row["kode"], kode_kecamatan=kel[1],
            address=data.text(row, "address"), contact=data.text(row, "contact"),
            lat=lat, lon=lon))
    return out


def _source(kind: str, data: ActiveRows, found: Sequence[Place]) -> Source:
    ds = data.dataset
    return Source(kind, ds.id, ds.version, bool(ds.sample), ds.imported_at, ds.activated_at,
                  len(found), sum(1 for p in found if not p.located))


def build_places(session: Session, infos: dict[str, DatasetInfo],
                 radius_m: float) -> PlaceSet:
    """Read the active versions ``infos`` and build every place with its activity
    (no cache)."""
    names = _kelurahan_names()
    loaded = {key: load_rows(session, infos[key]) for key in SOURCE_PROGRAMS if key in infos}
    places: list[Place] = []
    sources: dict[str, Source] = {}
    for kind in KINDS:
        data = loaded.get(kind)
        if data is None:
            continue
        found = _places_of(kind, data, names)
        places.extend(found)
        sources[kind] = _source(kind, data, found)
    activity = [loaded[p] for p in ACTIVITY_PROGRAMS if p in loaded]
    places = join_activity(places, activity, radius_m)
    places.sort(key=lambda p: (KINDS.index(p.kind), normalise_name(p.name), p.id))
    return PlaceSet(places, sources, radius_m)


def _radius(radius_m: float) -> float:
    """``radius_m`` as a float; the default when it is not a finite, non-negative number."""
    radius = float(radius_m)
    if not math.isfinite(radius) or radius < 0:
        return DEFAULT_ACTIVITY_RADIUS_M
    return radius


def load_places(session: Session, active: ActiveVersions, *,
                radius_m: float = DEFAULT_ACTIVITY_RADIUS_M) -> PlaceSet:
    """All places of the active kampung/kwt/ecofarm datasets, with activity joined.

    Cached in ``active`` per set of active dataset versions (and radius); callers get
    their own list.
    """
    radius = _radius(radius_m)
    infos = active.infos(session)
    key = ("places.load", str(session.get_bind().url), radius,
           tuple(infos[p].identity for p in SOURCE_PROGRAMS if p in infos))
    cached = active.cached(key, lambda: build_places(session, infos, radius))
    return PlaceSet(list(cached.places), dict(cached.sources), cached.radius_m)
