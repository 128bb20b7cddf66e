"""Layer filters (year, sub-program, kecamatan) and the values they accept.

Core module: no Flask.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from geoapp.figures.rows import ActiveData, boundaries, year_text
from geoapp.store.active import ActiveVersions


@dataclass(frozen=True)
class Filters:
    """Optional filters of a layer; None means "all"."""

    year: str | None = None          # value of the program's year column (text)
    subprogram: str | None = None    # value of the program's filter column
    kecamatan: str | None = None     # kode_kecamatan like "36.71.07"


NO_FILTERS = Filters()


def _same(a: str | None, b: str) -> bool:
    return isinstance(a, str) and a.casefold() == " ".join(b.split()).casefold()


def selected(rows: pd.DataFrame, filters: Filters) -> pd.Series:
    """Rows passing the year/subprogram filters (all statuses; not the kecamatan filter).

    A filter on a column the program does not have leaves its rows out entirely.
    """
    keep = ~rows["is_total"].astype(bool)
    if filters.year is not None:
        keep &= rows["year"].map(lambda v: _same(v, year_text(filters.year) or ""))
    if filters.subprogram is not None:
        keep &= rows["sub"].map(lambda v: _same(v, filters.subprogram))
    return keep.astype(bool)


def covered(rows: pd.DataFrame, filters: Filters) -> set[str]:
    """Kelurahan with matched rows of the program under the filters but the sub-program's:
    with a sub-program filter, those without a row of it have a real 0, not "no data"
    (no data is only where the program has no record). Empty without that filter, and
    when no row at all is of the sub-program (an unknown value is no data)."""
    if filters.subprogram is None or not selected(rows, filters).any():
        return set()
    keep = selected(rows, Filters(year=filters.year)) & (rows["status"] == "matched")
    return {str(k) for k in rows.loc[keep, "kode"].dropna()}


def _distinct(values: pd.Series) -> list[str]:
    return sorted({str(v) for v in values.dropna() if str(v)}, key=lambda s: (s.casefold(), s))


def filter_options(session: Session, active: ActiveVersions) -> dict[str, Any]:
    """Values the filters accept: ``years`` (all programs), ``subprograms`` per program,
    ``kecamatan`` as (kode, nama) pairs, plus ``years_by_program``. Memoised per set of
    active dataset versions (every live map request asks for it); the caller gets a copy."""
    data = ActiveData.read(session, active)
    key = ("figures.filter_options", tuple(sorted(i.identity for i in data.infos.values())))
    return copy.deepcopy(data.cached(key, lambda: _options(data)))


def _options(data: ActiveData) -> dict[str, Any]:
    years: dict[str, list[str]] = {}
    subprograms: dict[str, list[str]] = {}
    for program, info in data.infos.items():
        rows = data.rows(info)
        rows = rows[~rows["is_total"].astype(bool)]
        if rows["year"].notna().any():
            years[program] = _distinct(rows["year"])
        if rows["sub"].notna().any():
            subprograms[program] = _distinct(rows["sub"])
    kec = boundaries()[["kode_kecamatan", "nama_kecamatan"]].drop_duplicates("kode_kecamatan")
    return {"years": sorted({y for v in years.values() for y in v}),
            "subprograms": subprograms,
            "kecamatan": [(str(k), str(n)) for k, n in kec.sort_values("kode_kecamatan").values],
            "years_by_program": years}
