"""The items request's parameters, checked: limit, offset, bbox, bbox-crs, crs and the
property filters kecamatan, year and program. Core module: no Flask."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.figures.filters import Filters
from geoapp.ogc.collections import Collection
from geoapp.ogc.crs import CRS84, check_crs, parse_bbox
from geoapp.values.integers import parse_optional_int

LIMIT_DEFAULT = 100
LIMIT_MAX = 1000           # a larger limit is served as LIMIT_MAX (OGC API - Features)
OFFSET_MAX = 10_000_000
PAGING_PARAMS = ("limit", "offset", "bbox", "bbox-crs", "crs")
FILTER_PARAMS = ("kecamatan", "year", "program")
MAX_VALUE_LEN = 100

BAD_LIMIT = Msg("ogc.bad_limit",
                "Parameter '{name}' must be a whole number from {minimum} to {maximum}; "
                "received: '{value}'.")
BAD_FILTER_VALUE = Msg("ogc.bad_filter_value",
                       "Value '{value}' for parameter '{name}' is not in this collection's "
                       "data. Accepted values: {allowed}.")
FILTER_NOT_HERE = Msg("ogc.filter_not_here",
                      "Parameter '{name}' cannot filter collection '{id}'. Filters it "
                      "accepts: {allowed}.")


@dataclass(frozen=True)
class ItemQuery:
    """A checked items request."""

    limit: int = LIMIT_DEFAULT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    bbox_text: str | None = None
    bbox_crs: str = CRS84
    crs: str = CRS84
    filters: Filters = Filters()

    def params(self) -> dict[str, str]:
        """The query parameters that select these features (for the paging links)."""
        out: dict[str, str] = {}
        if self.bbox_text is not None:
            out["bbox"] = self.bbox_text
            if self.bbox_crs != CRS84:
                out["bbox-crs"] = self.bbox_crs
        if self.crs != CRS84:
            out["crs"] = self.crs
        return out


def _choose(name: str, value: str, allowed: list[tuple[str, str]]) -> str:
    """The allowed value whose code or label equals ``value`` (case-insensitive)."""
    wanted = " ".join(value.split()).casefold()
    if len(value) <= MAX_VALUE_LEN:
        for code, label in allowed:
            if wanted in (code.casefold(), label.casefold()):
                return code
    shown = ", ".join(c for c, _ in allowed[:30]) + (" …" if len(allowed) > 30 else "")
    raise GeoappError(BAD_FILTER_VALUE, 400, name=name, value=value[:40], allowed=shown or "-")


def _filters(params: Mapping[str, str], collection: Collection, options: dict) -> Filters:
    for name in FILTER_PARAMS:
        if name in params and name not in collection.filters:
            raise GeoappError(FILTER_NOT_HERE, 400, name=name, id=collection.id,
                              allowed=", ".join(collection.filters))
    program = collection.program or ""
    chosen: dict[str, str | None] = {"year": None, "subprogram": None, "kecamatan": None}
    if "kecamatan" in params:
        chosen["kecamatan"] = _choose("kecamatan", params["kecamatan"],
                                      [(k, n) for k, n in options["kecamatan"]])
    if "year" in params:
        years = options["years_by_program"].get(program, [])
        chosen["year"] = _choose("year", params["year"], [(y, y) for y in years])
    if "program" in params:
        subs = options["subprograms"].get(program, [])
        chosen["subprogram"] = _choose("program", params["program"], [(s, s) for s in subs])
    return Filters(**chosen)


def parse_items_query(params: Mapping[str, str], collection: Collection,
                      options: dict) -> ItemQuery:
    """Check an items request's parameters (``options``: ``figures.filter_options``)."""
    limit = parse_optional_int(params.get("limit"), "limit", minimum=1, maximum=10**9,
                               msg=BAD_LIMIT)
    offset = parse_optional_int(params.get("offset"), "offset", minimum=0,
                                maximum=OFFSET_MAX, msg=BAD_LIMIT)
    bbox_crs = check_crs("bbox-crs", params.get("bbox-crs"))
    bbox_text = params.get("bbox")
    bbox = parse_bbox(bbox_text, bbox_crs) if bbox_text is not None else None
    return ItemQuery(
        limit=min(limit or LIMIT_DEFAULT, LIMIT_MAX), offset=offset or 0, bbox=bbox,
        bbox_text=bbox_text, bbox_crs=bbox_crs, crs=check_crs("crs", params.get("crs")),
        filters=_filters(params, collection, options))


def filter_params(query: ItemQuery) -> dict[str, str]:
    """The property filters of ``query`` as parameters (for the paging links)."""
    f = query.filters
    pairs = {"kecamatan": f.kecamatan, "year": f.year, "program": f.subprogram}
    return {k: v for k, v in pairs.items() if v is not None}
