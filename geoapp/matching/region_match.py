"""Match rows region by region: each row only against the desa of its kabupaten/provinsi.

Rows whose kabupaten/kota or provinsi column names a region are matched with
:func:`match_rows` against that region's part of the gazetteer (a smaller pool: fewer
rivals, faster fuzzy search); rows without one against the whole gazetteer. Results are
written back in row order, so every row is accounted for exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from geoapp.core.i18n import Msg, normalise_lang
from geoapp.matching.aliases import AliasStore
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.hierarchy import (
    REGION_UNKNOWN,
    outside_note,
    region_conflict,
    region_label,
    regions_of,
    resolve_kabupaten,
    resolve_provinsi,
    sub_gazetteer,
)
from geoapp.matching.matcher import Progress, match_rows
from geoapp.matching.types import MatchResult, Suggestion

SUGGESTIONS = 3           # suggestions shown per review row
REGION_OUTSIDE_AREA = Msg(
    "hierarchy_region_outside_area",
    "The row names {region}, which is outside the working area; it was not matched.",
)


def match_by_region(*, kode, kelurahan, kecamatan, kabupaten, provinsi, lat, lon, exclude,
                    gazetteer: Gazetteer, aliases: AliasStore | None = None,
                    lang: str = "id", progress: Progress | None = None,
                    match: Callable[..., MatchResult] = match_rows) -> MatchResult:
    """Like :func:`match_rows` (or ``match``), restricting each row to the region its
    kabupaten/provinsi columns name (both None: exactly ``match``)."""
    plain = dict(kode=kode, kelurahan=kelurahan, kecamatan=kecamatan, lat=lat, lon=lon,
                 exclude=exclude, gazetteer=gazetteer, aliases=aliases, lang=lang)
    if kabupaten is None and provinsi is None:
        return match(**plain, progress=progress)
    plain["match"] = match
    kab, prov = _values(kabupaten), _values(provinsi)
    n = len(kab if kab is not None else prov)
    region_of, regions = regions_of(kab, prov, n)
    if len(regions) == 1 and regions[0] is None:
        out = match(**_without_match(plain), progress=progress)
    else:
        out = _by_region(plain, region_of, regions, n, progress)
    _mark_unknown(out, np.arange(n), kab, prov, lang)
    return out


def _by_region(plain: dict, region_of: np.ndarray, regions: list, n: int,
               progress: Progress | None) -> MatchResult:
    """Each region's rows matched against its part of the gazetteer."""
    gazetteer, lang, match = plain["gazetteer"], plain["lang"], plain["match"]
    names = _values(plain["kelurahan"])
    out = _empty(n)
    for r, region in enumerate(regions):
        rows = np.flatnonzero(region_of == r)
        sub = gazetteer if region is None else sub_gazetteer(gazetteer, region)
        if sub is None:
            _outside_area(out, rows, region, lang)
            continue
        part = match(**_take(plain, rows, sub))
        _put(out, rows, part)
        if region is not None:
            _mark_conflict(out, rows, gazetteer, region_conflict(region, lang))
            _mark_elsewhere(out, rows, names, gazetteer, region, lang)
        if progress is not None:
            progress(int((region_of <= r).sum()), n)
    return out


def _values(column: Sequence | None) -> list | None:
    if column is None:
        return None
    return list(column.astype(object)) if isinstance(column, pd.Series) else list(column)


def _without_match(plain: dict) -> dict:
    return {k: v for k, v in plain.items() if k != "match"}


def _take(plain: dict, rows: np.ndarray, sub: Gazetteer) -> dict:
    out = dict(_without_match(plain), gazetteer=sub, progress=None)
    for key in ("kode", "kelurahan", "kecamatan", "lat", "lon", "exclude"):
        col = plain[key]
        if col is None:
            continue
        if isinstance(col, pd.Series):
            out[key] = col.iloc[rows].reset_index(drop=True)
        else:
            out[key] = np.asarray(col, dtype=object if key in ("kode", "kelurahan", "kecamatan")
                                  else None)[rows]
    return out


def _empty(n: int) -> MatchResult:
    return MatchResult(kode=np.full(n, None, dtype=object),
                       status=np.full(n, "unmatched", dtype=object),
                       method=np.full(n, "", dtype=object), score=np.full(n, np.nan),
                       note=np.full(n, "", dtype=object), suggestions=[[] for _ in range(n)])


def _put(out: MatchResult, rows: np.ndarray, part: MatchResult) -> None:
    for field in ("kode", "status", "method", "score", "note"):
        getattr(out, field)[rows] = getattr(part, field)
    for i, row in enumerate(rows.tolist()):
        out.suggestions[row] = part.suggestions[i]


def _outside_area(out: MatchResult, rows: np.ndarray, region, lang: str) -> None:
    out.note[rows] = REGION_OUTSIDE_AREA.text(normalise_lang(lang), region=region_label(region))


def _mark_unknown(out: MatchResult, rows: np.ndarray, kab: list | None, prov: list | None,
                  lang: str) -> None:
    """Rows whose kabupaten/kota or provinsi text was written but not recognised: say so
    (the row was matched without it, or within the one that was recognised)."""
    bad = [_unresolved(kab, resolve_kabupaten), _unresolved(prov, resolve_provinsi)]
    flagged = np.zeros(len(out.status), dtype=bool)
    for flags in bad:
        if flags is not None:
            flagged |= flags
    for row in rows[flagged[rows] & (out.status[rows] != "excluded")].tolist():
        texts = [str(col[row]) for col, flags in zip((kab, prov), bad, strict=True)
                 if flags is not None and flags[row]]
        note = REGION_UNKNOWN.text(normalise_lang(lang), text=" / ".join(texts))
        out.note[row] = " ".join(t for t in (out.note[row], note) if t)


def _unresolved(column: list | None, resolve: Callable[[str], object]) -> np.ndarray | None:
    """Per row: a text is written and names no region (each distinct text resolved once)."""
    if column is None:
        return None
    codes, uniques = pd.factorize(pd.Series(column, dtype=object), use_na_sentinel=True)
    bad = np.array([bool(str(u).strip()) and resolve(str(u)) is None for u in uniques],
                   dtype=bool)
    return np.append(bad, False)[codes] if len(codes) else np.zeros(0, dtype=bool)


def _mark_conflict(out: MatchResult, rows: np.ndarray, gaz: Gazetteer,
                   note: str | None) -> None:
    """Rows whose kabupaten/kota and provinsi disagree: review with the note; a desa
    found is offered first, not taken."""
    if note is None:
        return
    for row in rows[out.status[rows] != "excluded"].tolist():
        if out.status[row] == "matched":
            at = gaz.by_kode[out.kode[row]]
            found = Suggestion(gaz.kode[at], gaz.nama[at], gaz.nama_kecamatan[at], 100.0)
            out.suggestions[row] = [found, *out.suggestions[row]][:SUGGESTIONS]
            out.kode[row], out.method[row], out.score[row] = None, "", np.nan
            out.status[row] = "review"
        out.note[row] = " ".join(t for t in (out.note[row], note) if t)


def _mark_elsewhere(out: MatchResult, rows: np.ndarray, names: list | None, gaz: Gazetteer,
                    region, lang: str) -> None:
    """Open rows whose desa name exists only outside their region: review, with a note
    naming the kabupaten/provinsi where it is, and that desa among the suggestions (never
    matched there)."""
    if names is None:
        return
    found: dict[str, tuple[str, list[int]] | None] = {}
    status = out.status[rows]
    for row in rows[(status != "matched") & (status != "excluded")].tolist():
        if names[row] is None or names[row] != names[row]:
            continue
        name = str(names[row])
        if name not in found:
            found[name] = outside_note(gaz, name, region, lang)
        if found[name]:
            note, places = found[name]
            out.status[row] = "review"
            out.note[row] = " ".join(t for t in (out.note[row], note) if t)
            out.suggestions[row] = _with_elsewhere(out.suggestions[row], gaz, places)


def _with_elsewhere(inside: list[Suggestion], gaz: Gazetteer,
                    places: list[int]) -> list[Suggestion]:
    """At most three suggestions: the region's own close names (two at most) and then
    the desa of that name elsewhere (at least one)."""
    keep = list(inside[:SUGGESTIONS - 1])
    room = SUGGESTIONS - len(keep)
    return keep + [Suggestion(gaz.kode[r], gaz.nama[r], gaz.nama_kecamatan[r], 100.0)
                   for r in places[:room]]
