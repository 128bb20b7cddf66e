"""The finder's paged list: places narrowed by provinsi and kabupaten/kota, one page at
a time, so that a whole-country instance never sends tens of thousands of rows at once.

``provinsi`` and ``kabupaten`` are the regions that hold places (by the places' kode),
written as a code (``36``, ``36.71``) or a name (``Banten``, ``Kota Tangerang``); ``page``
is a whole number from 1. Core module: no Flask.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.io.boundaries.national import names_by_kode
from geoapp.places.model import Place
from geoapp.places.query import BAD_VALUE, REPEATED_PARAM
from geoapp.values.integers import parse_optional_int
from geoapp.values.names import normalise_name

PAGE_SIZE = 50
MAX_PAGE = 1_000_000
LIST_PARAMS = ("provinsi", "kabupaten", "page")
LEVELS = {"provinsi": 2, "kabupaten": 5}       # code length of each level


@dataclass(frozen=True)
class PlacePage:
    """One page of places: items, their 1-based positions ``first``..``last`` of
    ``total`` (0..0 when empty), and which page of how many."""

    items: list[Place]
    first: int
    last: int
    total: int
    page: int
    pages: int

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def page_of(items: Sequence[Place], page: int, size: int = PAGE_SIZE) -> PlacePage:
    """Page ``page`` of ``items`` (a page past the end shows the last one)."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 1), pages)
    start = (page - 1) * size
    shown = list(items[start:start + size])
    return PlacePage(shown, start + 1 if shown else 0, start + len(shown), len(items),
                     page, pages)


def _region_name(code: str, names: Mapping[str, str]) -> str:
    return str(names.get(code, code)).strip()


def region_options(places: Sequence[Place], provinsi: str | None = None
                   ) -> dict[str, list[tuple[str, str]]]:
    """(code, name) of the provinsi and kabupaten/kota that hold places, by name; the
    kabupaten only of ``provinsi`` when one is chosen."""
    names = names_by_kode()
    out: dict[str, list[tuple[str, str]]] = {}
    for level, width in LEVELS.items():
        codes = {p.kode[:width] for p in places if p.kode and len(p.kode) >= width}
        if level == "kabupaten" and provinsi:
            codes = {c for c in codes if c.startswith(provinsi)}
        out[level] = sorted(((c, _region_name(c, names)) for c in codes),
                            key=lambda pair: (pair[1].casefold(), pair[0]))
    return out


def _region(name: str, value: str | None, options: list[tuple[str, str]]) -> str | None:
    """The code ``value`` (a code or a name) means among ``options``; else GeoappError 400."""
    if value is None or not value.strip():
        return None
    text = " ".join(value.split())[:100]
    for code, label in options:
        if text == code or normalise_name(text) == normalise_name(label):
            return code
    allowed = ", ".join(f"{c} {n}" for c, n in options)
    raise GeoappError(BAD_VALUE, 400, name=name, value=text[:60], allowed=allowed[:600])


@dataclass(frozen=True)
class ListChoice:
    """The checked list parameters: region codes (None: all) and the page number."""

    provinsi: str | None
    kabupaten: str | None
    page: int


def check_list(params: Mapping[str, Any], places: Sequence[Place]) -> ListChoice:
    """Turn untrusted ``provinsi``/``kabupaten``/``page`` into a ``ListChoice``."""
    options = region_options(places)
    provinsi = _region("provinsi", _one(params, "provinsi"), options["provinsi"])
    kabupaten = _region("kabupaten", _one(params, "kabupaten"), options["kabupaten"])
    page = parse_optional_int(_one(params, "page"), "page", minimum=1, maximum=MAX_PAGE)
    return ListChoice(provinsi, kabupaten, page or 1)


def _one(params: Mapping[str, Any], name: str) -> str | None:
    getlist = getattr(params, "getlist", None)
    values = getlist(name) if getlist else ([params[name]] if name in params else [])
    if len(values) > 1:
        raise GeoappError(REPEATED_PARAM, 400, name=name)
    return str(values[0]) if values else None


def narrow(places: Sequence[Place], choice: ListChoice) -> list[Place]:
    """The places inside the chosen provinsi and kabupaten/kota."""
    prefixes = [c for c in (choice.provinsi, choice.kabupaten) if c]
    return [p for p in places if all((p.kode or "").startswith(c) for c in prefixes)]
