"""Places for field teams: kampung tematik, KWT groups and ecofarm sites.

Places come from the ACTIVE ``kampung``, ``kwt`` and ``ecofarm`` datasets of the store:
every row matched to a kelurahan (a place shown in the wrong spot is worse than a place
not shown, so unmatched rows are left out). A place without coordinates is still listed
and searchable; it is only left out of distances, "nearest" and the map.

Activity (BLK trainings, UMKM aid, KWT groups, job fair) is joined in two clearly separate
parts: rows WITH coordinates within the radius of the place (its own activity), and rows
WITHOUT coordinates recorded only by kelurahan ("in the same kelurahan"). A place without
coordinates gets only the second part, then with every row of its kelurahan.

Searching is tolerant of case, spacing, accents and small typos; the same rule is
mirrored in ``geoapp/web/static/finder/finder.js`` so that it also works offline.
Core module: no Flask.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np
from rapidfuzz.distance import OSA
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, normalise_lang
from geoapp.core.programs import PROGRAMS, Program, find_header
from geoapp.io.boundaries import load_boundaries
from geoapp.store import active_dataset, jsonsafe, row_dicts
from geoapp.store.models import Dataset
from geoapp.values.names import normalise_name

KINDS = ("kampung", "kwt", "ecofarm")
ACTIVITY_PROGRAMS = ("blk", "umkm", "kwt", "jobfair")
DEFAULT_ACTIVITY_RADIUS_M = 500.0
EARTH_RADIUS_M = 6_371_008.8
MAX_QUERY_LEN = 100
MAX_EXAMPLES = 3
QUERY_PARAMS = ("q", "kind", "theme", "kecamatan", "kelurahan", "lat", "lon")

KIND_TITLES = {
    "kampung": Msg("places.kind.kampung", "Kampung tematik", "Thematic village"),
    "kwt": Msg("places.kind.kwt", "KWT", "Women farmer group (KWT)"),
    "ecofarm": Msg("places.kind.ecofarm", "Ecofarm", "Ecofarm site"),
}

BAD_PARAM = Msg(
    "places.bad_param",
    id="Parameter '{name}' tidak dikenal. Parameter yang diterima: {allowed}.",
    en="Parameter '{name}' is not accepted. Accepted parameters: {allowed}.",
)
REPEATED_PARAM = Msg(
    "places.repeated_param",
    id="Parameter '{name}' dikirim lebih dari sekali. Kirim satu nilai saja.",
    en="Parameter '{name}' was sent more than once. Send a single value.",
)
BAD_VALUE = Msg(
    "places.bad_value",
    id="Nilai '{value}' untuk parameter '{name}' tidak dikenal. Nilai yang diterima: {allowed}.",
    en="Value '{value}' for parameter '{name}' is not known. Accepted values: {allowed}.",
)
TOO_LONG = Msg(
    "places.too_long",
    id="Parameter '{name}' terlalu panjang ({length} karakter); paling banyak {limit}.",
    en="Parameter '{name}' is too long ({length} characters); at most {limit}.",
)
BAD_COORD = Msg(
    "places.bad_coord",
    id="Parameter '{name}' harus angka desimal {low} sampai {high} (titik sebagai desimal); "
       "diterima: '{value}'. Kirim lat dan lon bersama-sama.",
    en="Parameter '{name}' must be a decimal number from {low} to {high} (dot as decimal "
       "mark); received: '{value}'. Send lat and lon together.",
)


# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class Activity:
    """Rows of one program near a place: within the radius (``Place.activity``: ``nearby``
    rows, ``in_kelurahan`` of them also in its kelurahan) or recorded only by kelurahan
    (``Place.kelurahan_activity``: ``in_kelurahan`` rows, ``nearby`` 0)."""

    program: str
    rows: int
    in_kelurahan: int
    nearby: int
    measure: str | None = None      # Measure.key summed in ``total``
    total: float | None = None
    examples: tuple[str, ...] = ()

    def as_dict(self, lang: str = "id") -> dict[str, Any]:
        program = PROGRAMS[self.program]
        measure = next((m for m in program.measures if m.key == self.measure), None)
        return {"program": self.program, "title": program.title.text(lang), "rows": self.rows,
                "in_kelurahan": self.in_kelurahan, "nearby": self.nearby,
                "measure": measure.title.text(lang) if measure else None,
                "total": self.total, "examples": list(self.examples)}


@dataclass(frozen=True)
class Place:
    """One place a field officer can visit."""

    id: str
    name: str
    kind: str
    theme: str | None
    kelurahan: str | None
    kecamatan: str | None
    kode: str
    kode_kecamatan: str | None
    address: str | None
    contact: str | None
    lat: float | None
    lon: float | None
    activity: tuple[Activity, ...] = ()              # rows with coordinates within radius
    kelurahan_activity: tuple[Activity, ...] = ()    # rows recorded only by kelurahan

    @property
    def located(self) -> bool:
        """Whether the place has coordinates (else no distance and no map point)."""
        return self.lat is not None and self.lon is not None

    def as_dict(self, lang: str = "id") -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "theme": self.theme,
                "kelurahan": self.kelurahan, "kecamatan": self.kecamatan, "kode": self.kode,
                "kode_kecamatan": self.kode_kecamatan, "address": self.address,
                "contact": self.contact, "lat": self.lat, "lon": self.lon,
                "activity": [a.as_dict(lang) for a in self.activity],
                "kelurahan_activity": [a.as_dict(lang) for a in self.kelurahan_activity]}


@dataclass(frozen=True)
class Source:
    """The dataset version places of one kind come from."""

    kind: str
    dataset_id: int
    version: int
    sample: bool
    imported_at: datetime | None
    activated_at: datetime | None
    places: int                 # listed places (with and without coordinates)
    without_coordinates: int    # of which have no coordinates (listed, not mapped)


@dataclass
class PlaceSet:
    """All places plus where they came from."""

    places: list[Place]
    sources: dict[str, Source] = field(default_factory=dict)
    radius_m: float = DEFAULT_ACTIVITY_RADIUS_M

    @property
    def sample(self) -> bool:
        return any(s.sample for s in self.sources.values())

    @property
    def without_coordinates(self) -> int:
        """Listed places that have no coordinates (not on the map, no distance)."""
        return sum(1 for p in self.places if not p.located)

    @property
    def updated_at(self) -> datetime | None:
        """When the newest of the datasets behind these places became active."""
        times = [s.activated_at or s.imported_at for s in self.sources.values()]
        times = [t for t in times if t is not None]
        return max(times) if times else None


@dataclass(frozen=True)
class PlaceQuery:
    """Filters on places; None means "all". kecamatan/kelurahan are dotted kode values."""

    q: str | None = None
    kind: str | None = None
    theme: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def near(self) -> tuple[float, float] | None:
        return None if self.lat is None or self.lon is None else (self.lat, self.lon)


# --------------------------------------------------------------------------- distances


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
    text = f"{metres / 1000:.1f}"
    return f"{text if normalise_lang(lang) == 'en' else text.replace('.', ',')} km"


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


# --------------------------------------------------------------------------- search


def _typo_budget(token: str) -> int:
    """Edits allowed for one query word: none below 4 letters, 1 up to 7, else 2."""
    return 0 if len(token) < 4 else (1 if len(token) < 8 else 2)


def _token_matches(token: str, words: Sequence[str]) -> bool:
    budget = _typo_budget(token)
    for word in words:
        if word.startswith(token):
            return True
        if budget and OSA.distance(token, word, score_cutoff=budget) <= budget:
            return True
    return False


def text_matches(query: str, text: str) -> bool:
    """Whether ``query`` finds ``text``: every query word starts a word of the text or is
    within a small typo of one, or the query without spaces occurs in the text without
    spaces. Case, accents, punctuation and spacing do not matter."""
    q = normalise_name(query)
    if not q:
        return True
    t = normalise_name(text)
    if q.replace(" ", "") in t.replace(" ", ""):
        return True
    words = t.split()
    return all(_token_matches(token, words) for token in q.split())


def _haystack(place: Place) -> str:
    return f"{place.name} {place.theme or ''}"


def search_places(places: Iterable[Place], query: str | None) -> list[Place]:
    """Places whose name or theme matches ``query`` (see ``text_matches``), in input order."""
    items = list(places)
    if not query or not normalise_name(query):
        return items
    return [p for p in items if text_matches(query, _haystack(p))]


def filter_places(places: Iterable[Place], query: PlaceQuery) -> list[Place]:
    """Apply kind/theme/kecamatan/kelurahan filters and the search; nearest first when
    ``query`` has a point (places without coordinates then follow, unranked), else in
    input order (kind and name)."""
    out = [p for p in places
           if (query.kind is None or p.kind == query.kind)
           and (query.theme is None or _same(p.theme, query.theme))
           and (query.kecamatan is None or p.kode_kecamatan == query.kecamatan)
           and (query.kelurahan is None or p.kode == query.kelurahan)]
    out = search_places(out, query.q)
    if query.near is not None:
        return [p for p, _ in nearest(out, *query.near)] + [p for p in out if not p.located]
    return out


def distances(places: Sequence[Place], near: tuple[float, float] | None
              ) -> list[float | None]:
    """Metres from ``near`` per place (None without a point or without coordinates)."""
    if near is None:
        return [None] * len(places)
    return [float(haversine_m(*near, p.lat, p.lon)) if p.located else None for p in places]


def _same(a: str | None, b: str) -> bool:
    return a is not None and normalise_name(a) == normalise_name(b)


# --------------------------------------------------------------------------- query checking


def _single(params: Mapping[str, Any], name: str) -> str | None:
    getlist = getattr(params, "getlist", None)
    values = getlist(name) if getlist else [params[name]]
    if len(values) > 1:
        raise GeoappError(REPEATED_PARAM, 400, name=name)
    text = " ".join(str(values[0]).split())
    if len(text) > MAX_QUERY_LEN:
        raise GeoappError(TOO_LONG, 400, name=name, length=len(text), limit=MAX_QUERY_LEN)
    return text or None


def _choice(name: str, value: str | None, choices: Mapping[str, str]) -> str | None:
    """The canonical value for ``value`` among ``choices`` (normalised key -> value)."""
    if value is None:
        return None
    found = choices.get(normalise_name(value)) or choices.get(value.strip())
    if found is None:
        allowed = ", ".join(sorted(set(choices.values())))
        raise GeoappError(BAD_VALUE, 400, name=name, value=value[:60], allowed=allowed[:600])
    return found


def _coordinate(name: str, value: str | None, limit: float) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise GeoappError(BAD_COORD, 400, name=name, value=value[:40], low=-limit, high=limit)
    return number


def check_query(params: Mapping[str, Any], places: Sequence[Place],
                extra: Sequence[str] = ("lang",)) -> PlaceQuery:
    """Turn untrusted query parameters into a ``PlaceQuery``; GeoappError 400 for any
    unknown or repeated parameter and any value not in the data or the boundaries."""
    accepted = (*QUERY_PARAMS, *extra)
    for name in params:
        if name not in accepted:
            raise GeoappError(BAD_PARAM, 400, name=str(name)[:40], allowed=", ".join(accepted))
    raw = {n: _single(params, n) for n in QUERY_PARAMS if n in params}
    options = choice_maps(places)
    lat = _coordinate("lat", raw.get("lat"), 90.0)
    lon = _coordinate("lon", raw.get("lon"), 180.0)
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        raise GeoappError(BAD_COORD, 400, name=missing, value="", low=-90 if missing == "lat"
                          else -180, high=90 if missing == "lat" else 180)
    return PlaceQuery(
        q=raw.get("q"),
        kind=_choice("kind", raw.get("kind"), {k: k for k in KINDS}),
        theme=_choice("theme", raw.get("theme"), options["theme"]),
        kecamatan=_choice("kecamatan", raw.get("kecamatan"), options["kecamatan"]),
        kelurahan=_choice("kelurahan", raw.get("kelurahan"), options["kelurahan"]),
        lat=lat, lon=lon,
    )


def choice_maps(places: Sequence[Place]) -> dict[str, dict[str, str]]:
    """Accepted filter spellings -> canonical value: themes in the data; kecamatan and
    kelurahan of the city by kode or by name."""
    themes = {normalise_name(p.theme): p.theme for p in places if p.theme}
    kec: dict[str, str] = {}
    kel: dict[str, str] = {}
    frame = load_boundaries().frame
    for kode, nama, kode_kec, nama_kec in frame[
            ["kode", "nama", "kode_kecamatan", "nama_kecamatan"]].itertuples(index=False):
        kel[str(kode)] = str(kode)
        kel.setdefault(normalise_name(nama), str(kode))
        kec[str(kode_kec)] = str(kode_kec)
        kec[normalise_name(nama_kec)] = str(kode_kec)
    return {"theme": themes, "kecamatan": kec, "kelurahan": kel}


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class _Rows:
    """Matched, non-total rows of one active dataset, with the columns the finder needs."""

    dataset: Dataset
    program: Program
    rows: list[dict[str, Any]]
    columns: dict[str, int | None]
    measure_names: dict[str, str]


_NAME_PATTERNS = {
    "address": re.compile(r"alamat|lokasi", re.I),
    "contact": re.compile(r"kontak|telepon|telp|\bhp\b|narahubung|contact", re.I),
}


def _cell(cells: list, pos: int | None) -> str | None:
    if pos is None or pos >= len(cells):
        return None
    text = " ".join(str(cells[pos]).split())
    return text or None


def _load_rows(session: Session, program_key: str) -> _Rows | None:
    dataset = active_dataset(session, program_key)
    if dataset is None:
        return None
    program = PROGRAMS[program_key]
    headers = [str(h) for h in jsonsafe.loads(dataset.headers_json, [])]
    measures = [str(m) for m in jsonsafe.loads(dataset.measures_json, [])]
    columns = {"name": find_header(headers, program.name_header),
               "theme": find_header(headers, program.theme_header),
               "sub": find_header(headers, program.filter_header)}
    columns.update({k: find_header(headers, p) for k, p in _NAME_PATTERNS.items()})
    if columns["address"] is not None and columns["address"] == columns["name"]:
        columns["address"] = find_header(headers, re.compile(r"alamat", re.I))
    names = {}
    for m in program.measures:
        found = next((n for n in measures if m.header.search(n)), None)
        if found is not None:
            names[m.key] = found
    rows = [r for r in row_dicts(session, dataset.id)
            if r["status"] == "matched" and not r["is_total"] and r["kode"]]
    return _Rows(dataset, program, rows, columns, names)


def _kelurahan_names() -> dict[str, tuple[str, str, str]]:
    frame = load_boundaries().frame
    return {str(k): (str(n), str(kk), str(nk)) for k, n, kk, nk in frame[
        ["kode", "nama", "kode_kecamatan", "nama_kecamatan"]].itertuples(index=False)}


def _point(row: dict[str, Any]) -> tuple[float | None, float | None]:
    """The row's (lat, lon) rounded to 6 decimals when both are finite and in range."""
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (TypeError, ValueError):
        return None, None
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        return None, None
    return round(lat, 6), round(lon, 6)


def _places_of(kind: str, data: _Rows, names: dict[str, tuple[str, str, str]]) -> list[Place]:
    """One place per matched row, with or without coordinates."""
    out = []
    for row in data.rows:
        lat, lon = _point(row)
        cells = row["cells"]
        kel = names.get(row["kode"], (None, None, None))
        out.append(Place(
            id=f"{kind}-{row['position']}",
            name=_cell(cells, data.columns["name"]) or f"{KIND_TITLES[kind].text('id')} "
                                                         f"#{row['position'] + 1}",
            kind=kind, theme=_cell(cells, data.columns["theme"]),
            kelurahan=kel[0], kecamatan=kel[2], kode=row["kode"], kode_kecamatan=kel[1],
            address=_cell(cells, data.columns["address"]),
            contact=_cell(cells, data.columns["contact"]),
            lat=lat, lon=lon))
    return out


def _source(kind: str, data: _Rows, found: Sequence[Place]) -> Source:
    ds = data.dataset
    return Source(kind, ds.id, ds.version, bool(ds.sample), ds.imported_at, ds.activated_at,
                  len(found), sum(1 for p in found if not p.located))


# --------------------------------------------------------------------------- activity


def _example(data: _Rows, row: dict[str, Any]) -> str | None:
    column = data.columns["sub"] if data.columns["sub"] is not None else data.columns["name"]
    return _cell(row["cells"], column)


def _summary(data: _Rows, chosen: list[dict[str, Any]], in_kelurahan: int,
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


def _split_activity(place: Place, data: _Rows, radius_m: float
                    ) -> tuple[Activity | None, Activity | None]:
    """(rows with coordinates within ``radius_m``, rows of the same kelurahan without
    coordinates) for one program; a place without coordinates gets every row of its
    kelurahan in the second part."""
    rows = [r for r in data.rows if not (data.program.key == place.kind
                                         and place.id == f"{place.kind}-{r['position']}")]
    points = [_point(r) for r in rows]
    located = [(r, pt) for r, pt in zip(rows, points, strict=True) if pt[0] is not None]
    same_kel = [r for r, pt in zip(rows, points, strict=True)
                if r["kode"] == place.kode and (pt[0] is None or not place.located)]
    near: list[dict[str, Any]] = []
    if place.located and located:
        lat = np.array([pt[0] for _, pt in located], dtype=float)
        lon = np.array([pt[1] for _, pt in located], dtype=float)
        keep = np.atleast_1d(haversine_m(place.lat, place.lon, lat, lon)) <= radius_m
        near = [r for (r, _), k in zip(located, keep, strict=True) if k]
    own = _summary(data, near, sum(r["kode"] == place.kode for r in near),
                   len(near)) if near else None
    kel = _summary(data, same_kel, len(same_kel), 0) if same_kel else None
    return own, kel


def join_activity(places: Sequence[Place], activity_rows: Sequence[_Rows],
                  radius_m: float) -> list[Place]:
    """Each place with the activity rows within ``radius_m`` of it (``activity``) and,
    separately, those recorded only by its kelurahan (``kelurahan_activity``)."""
    out = []
    for place in places:
        split = [_split_activity(place, data, radius_m) for data in activity_rows]
        out.append(replace(place, activity=tuple(a for a, _ in split if a is not None),
                           kelurahan_activity=tuple(k for _, k in split if k is not None)))
    return out


# --------------------------------------------------------------------------- entry point

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


def _build(session: Session, radius_m: float) -> PlaceSet:
    names = _kelurahan_names()
    loaded = {key: _load_rows(session, key) for key in dict.fromkeys((*KINDS, *ACTIVITY_PROGRAMS))}
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
        cached = _build(session, radius)
        with _lock:
            _cache[key] = cached
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return PlaceSet(list(cached.places), dict(cached.sources), cached.radius_m)


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def filter_options(places: Sequence[Place]) -> dict[str, list[tuple[str, str]]]:
    """(value, label) pairs for the finder's selects: themes in the data, every kecamatan
    and kelurahan of the city (a kelurahan without places is a valid, empty choice)."""
    frame = load_boundaries().frame
    kec = frame[["kode_kecamatan", "nama_kecamatan"]].drop_duplicates("kode_kecamatan")
    themes = sorted({p.theme for p in places if p.theme}, key=str.casefold)
    return {
        "theme": [(t, t) for t in themes],
        "kecamatan": [(str(k), str(n)) for k, n in kec.sort_values("nama_kecamatan").values],
        "kelurahan": [(str(k), str(n)) for k, n in
                      frame[["kode", "nama"]].sort_values("nama").values],
    }
