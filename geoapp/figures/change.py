"""Change between two years or two versions of a program, per kelurahan.

A side is a stored version and optionally one year of its rows. Per side, each kelurahan's
value is the sum of a measure over its matched rows (not JUMLAH/TOTAL rows); a kelurahan
with no matched row has no data on that side. The change is ``b - a`` and, where ``a`` is
not zero, ``(b - a) / a * 100``; kelurahan with data only in B "appear", only in A
"disappear". Core module: no Flask.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS
from geoapp.figures.rows import boundaries, read_rows, year_text
from geoapp.figures.sources import source_text
from geoapp.store.active import DatasetInfo, dataset_info
from geoapp.store.datasets import check_program, list_datasets, require_dataset

SAME_SIDES = Msg(
    "change.same_sides",
    "Versions A and B are the same ({label}). Choose two different versions or two "
    "different years.",
)
BAD_YEAR = Msg(
    "change.bad_year",
    "Year '{year}' is not in {label}. Years present: {allowed}.",
)
BAD_MEASURE = Msg(
    "change.bad_measure",
    "Measure '{measure}' is not a measure of {program}. Choose one of: {allowed}.",
)
NO_MEASURES = Msg("change.no_measures", "{program} has no measure to compare.")
LABEL = Msg("change.label", "{program} v{version}")
LABEL_YEAR = Msg("change.label_year", "{program} {year} (v{version})")


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a stored version, optionally one year of its rows."""

    dataset_id: int
    year: str | None = None


@dataclass
class Change:
    """Per-kelurahan values of both sides and their change (see the module docstring)."""

    program: str
    measure: str
    measure_kind: str
    label_a: str
    label_b: str
    frame: gpd.GeoDataFrame            # kode, nama, nama_kecamatan, a, b, diff, pct, geometry
    appeared: list[dict] = field(default_factory=list)
    disappeared: list[dict] = field(default_factory=list)
    sample: bool = False
    sources: list[str] = field(default_factory=list)
    totals: dict[str, float | None] = field(default_factory=dict)
    short_a: str = "A"                 # "2020" (same version), else "v1" / "v1 2020"
    short_b: str = "B"


def _short(info: DatasetInfo, year: str | None, same_version: bool) -> str:
    if same_version and year:
        return year
    return f"v{info.version} {year}" if year else f"v{info.version}"


def side_info(session: Session, dataset_id: int) -> DatasetInfo:
    """The ``DatasetInfo`` of any visible stored version (404 when it is not there)."""
    ds = require_dataset(session, dataset_id)
    return dataset_info(str(session.get_bind().url), ds)


def years_of(session: Session, info: DatasetInfo) -> list[str]:
    """The years a version's rows carry, oldest first."""
    rows = read_rows(session, info)
    years = {str(y) for y in rows["year"].dropna() if str(y).strip()}
    return sorted(years, key=lambda y: (len(y), y))


def _label(info: DatasetInfo, year: str | None, lang: str) -> str:
    program = PROGRAMS[info.program].title.text(lang) if info.program in PROGRAMS \
        else info.program
    if year:
        return LABEL_YEAR.text(lang, program=program, year=year, version=info.version)
    return LABEL.text(lang, program=program, version=info.version)


def check_measure(program: str, measure: str | None) -> tuple[str, str]:
    """(measure key, kind): ``measure`` or the program's first; 400 naming the allowed."""
    prog = PROGRAMS.get(program)
    measures = prog.measures if prog else ()
    title = prog.title.text("en") if prog else program
    if not measures:
        raise GeoappError(NO_MEASURES, 400, program=title)
    if not measure:
        return measures[0].key, measures[0].kind
    for m in measures:
        if m.key == measure:
            return m.key, m.kind
    raise GeoappError(BAD_MEASURE, 400, measure=str(measure)[:40], program=title,
                      allowed=", ".join(m.key for m in measures))


def _sums(session: Session, info: DatasetInfo, year: str | None, measure: str,
          lang: str) -> pd.Series:
    """Sum of ``measure`` per kode over the side's matched rows (NaN: all values missing)."""
    rows = read_rows(session, info)
    if year is not None:
        present = years_of(session, info)
        if year_text(year) not in present:
            raise GeoappError(BAD_YEAR, 400, year=str(year)[:20], label=_label(info, None, lang),
                              allowed=", ".join(present) or "-")
        rows = rows[rows["year"] == year_text(year)]
    rows = rows[(rows["status"] == "matched") & ~rows["is_total"].astype(bool)]
    values = rows[measure] if measure in rows.columns else pd.Series(np.nan, index=rows.index)
    frame = pd.DataFrame({"kode": rows["kode"].astype(str), "v": values.astype(float)})
    return frame.groupby("kode")["v"].sum(min_count=1)


def _listed(frame: pd.DataFrame, column: str) -> list[dict]:
    return [{"kode": r.kode, "nama": r.nama, "nama_kecamatan": r.nama_kecamatan,
             "value": None if pd.isna(getattr(r, column)) else float(getattr(r, column))}
            for r in frame.itertuples()]


def _total(series: pd.Series) -> float | None:
    total = series.sum(min_count=1)
    return None if pd.isna(total) else float(total)


def kelurahan_change(session: Session, a: Side, b: Side, *, measure: str | None = None,
                     lang: str = "id") -> Change:
    """The per-kelurahan change from side ``a`` to side ``b`` (diff = b - a)."""
    info_a, info_b = side_info(session, a.dataset_id), side_info(session, b.dataset_id)
    if info_a.id == info_b.id and year_text(a.year) == year_text(b.year):
        raise GeoappError(SAME_SIDES, 400, label=_label(info_a, a.year, lang))
    key, kind = check_measure(info_b.program, measure)
    sums_a = _sums(session, info_a, a.year, key, lang)
    sums_b = _sums(session, info_b, b.year, key, lang)
    kel = boundaries()[["kode", "nama", "nama_kecamatan", "geometry"]].copy()
    kel["has_a"] = kel["kode"].isin(sums_a.index)
    kel["has_b"] = kel["kode"].isin(sums_b.index)
    kel["a"] = kel["kode"].map(sums_a).astype(float)
    kel["b"] = kel["kode"].map(sums_b).astype(float)
    kel["diff"] = kel["b"] - kel["a"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(kel["a"].to_numpy() != 0, kel["diff"] / kel["a"] * 100, np.nan)
    kel["pct"] = [v if math.isfinite(v) else np.nan for v in pct]
    appeared = kel[kel["has_b"] & ~kel["has_a"]]
    gone = kel[kel["has_a"] & ~kel["has_b"]]
    return Change(
        program=info_b.program, measure=key, measure_kind=kind,
        label_a=_label(info_a, year_text(a.year), lang),
        label_b=_label(info_b, year_text(b.year), lang),
        frame=gpd.GeoDataFrame(kel.drop(columns=["has_a", "has_b"]), geometry="geometry",
                               crs=boundaries().crs),
        appeared=_listed(appeared, "b"), disappeared=_listed(gone, "a"),
        sample=info_a.sample or info_b.sample,
        sources=list(dict.fromkeys([source_text(i.program, i, lang) for i in (info_a, info_b)])),
        totals={"a": _total(sums_a), "b": _total(sums_b)},
        short_a=_short(info_a, year_text(a.year), info_a.id == info_b.id),
        short_b=_short(info_b, year_text(b.year), info_a.id == info_b.id))


def default_sides(session: Session, program: str) -> tuple[Side, Side] | None:
    """The two newest of a program, never A = B: the two newest years of its newest
    version when it holds two or more years, else its two newest versions; None when
    there is nothing to compare."""
    versions = list_datasets(session, check_program(program))
    if not versions:
        return None
    newest = side_info(session, versions[0].id)
    years = years_of(session, newest)
    if len(years) >= 2:
        return Side(newest.id, years[-2]), Side(newest.id, years[-1])
    if len(versions) >= 2:
        return Side(versions[1].id), Side(versions[0].id)
    return None
