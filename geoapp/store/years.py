"""The year of a stored row, and what an upload of some years does to a program's history.

Every stored row carries its year (``DatasetRow.year``): the cell of the version's year
column (``core.programs`` role ``year``), or, when the file has no year column or the
cell is blank, the year chosen at upload. An upload replaces only the years it holds;
``year_plan`` says beforehand which years it adds, which it replaces and which it keeps
(``geoapp.store.history`` does the merge when the version is activated).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, func, inspect, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.store import jsonsafe
from geoapp.store.columns import cell, dataset_columns
from geoapp.store.models import Dataset, DatasetRow

BAD_YEAR = Msg(
    "store.bad_year",
    "The year '{value}' is not valid. Give a year from {lowest} to {highest}, e.g. 2022.",
)
LOWEST_YEAR, HIGHEST_YEAR = 1900, 2100

_YEAR_CELL = re.compile(r"(\d{4})(?:[.,]0+)?")


def year_text(text: str | None) -> str | None:
    """A year cell as text: ``2020.0`` -> ``2020``; other text unchanged; blank -> None."""
    if text is None:
        return None
    text = " ".join(str(text).split())
    if not text:
        return None
    m = _YEAR_CELL.fullmatch(text)
    return m.group(1) if m else text


def check_year(value: object, *, required: bool = False) -> str | None:
    """A year typed by a user as 4 digits (``LOWEST_YEAR``..``HIGHEST_YEAR``); None when
    blank and not ``required``. Anything else is a 400 naming what was received."""
    text = "" if value is None else str(value).strip()
    if not text and not required:
        return None
    ok = re.fullmatch(r"[0-9]{4}", text) is not None
    if not ok or not LOWEST_YEAR <= int(text) <= HIGHEST_YEAR:
        raise GeoappError(BAD_YEAR, 400, value=text[:20], lowest=LOWEST_YEAR,
                          highest=HIGHEST_YEAR)
    return text


def row_year(cell_text: str | None, default_year: str | None,
             status: str = "matched") -> str | None:
    """The year a row is stored with: its year cell, else the upload's year. A non-data
    row (status ``excluded``: a JUMLAH/TOTAL row, a signature line) has a year only when
    its cell gives one."""
    return year_text(cell_text) or (None if status == "excluded" else default_year)


def year_sort_key(year: str | None) -> tuple[int, str]:
    """Years in order; rows without a year last."""
    return (1, "") if year is None else (0, year)


def carried():
    """The rows a newer version may carry over: all but non-data rows without a year
    (a JUMLAH/TOTAL row of a whole older file, out of date once any year changes; a
    signature line); the version they came from keeps them."""
    return ~(DatasetRow.year.is_(None)
             & (DatasetRow.is_total | (DatasetRow.status == "excluded")))


def year_counts(session: Session, dataset_id: int) -> dict[str | None, int]:
    """Rows per year of one stored version (None: rows without a year), of the rows a
    newer version would carry over (``carried``)."""
    stmt = (select(DatasetRow.year, func.count())
            .where(DatasetRow.dataset_id == dataset_id, carried())
            .group_by(DatasetRow.year))
    counts = {year: int(n) for year, n in session.execute(stmt)}
    return dict(sorted(counts.items(), key=lambda item: year_sort_key(item[0])))


def plan_of(old: Mapping[str | None, int], new: Mapping[str | None, int],
            base_version: int | None, *, drop_old: bool = False) -> dict[str, Any]:
    """What storing ``new`` (rows per year) over ``old`` does: ``adds`` {year: rows},
    ``replaces`` {year: {old, new}}, ``keeps`` {year: rows}, ``drops`` {year: rows} (the
    other years when ``drop_old``: real data over sample data); years as text, "" = none."""
    def key(year: str | None) -> str:
        return "" if year is None else year

    order = sorted(set(old) | set(new), key=year_sort_key)
    others = {key(y): int(old[y]) for y in order if y in old and y not in new}
    return {
        "base_version": base_version,
        "adds": {key(y): int(new[y]) for y in order if y in new and y not in old},
        "replaces": {key(y): {"old": int(old[y]), "new": int(new[y])}
                     for y in order if y in new and y in old},
        "keeps": {} if drop_old else others,
        "drops": others if drop_old else {},
    }


def replaces_sample(base: Dataset | None, sample: bool) -> bool:
    """Real data stored over a sample version replaces the sample data entirely (sample
    rows are placeholders, not history; rolling back brings them back)."""
    return base is not None and bool(base.sample) and not sample


def year_plan(session: Session, program: str, new: Mapping[str | None, int], *,
              sample: bool = False) -> dict[str, Any]:
    """The plan of an upload holding ``new`` rows per year, against the program's active
    version now (``plan_of``; everything is added when there is none)."""
    active = session.scalar(select(Dataset).where(Dataset.program == program,
                                                  Dataset.state == "active"))
    if active is None:
        return plan_of({}, new, None)
    return plan_of(year_counts(session, active.id), new, active.version,
                   drop_old=replaces_sample(active, sample))


def add_year_column(engine: Engine) -> bool:
    """Add ``dataset_rows.year`` to a database made before it existed; True when added
    (then ``fill_years`` gives the stored rows their year cells)."""
    if "year" in {c["name"] for c in inspect(engine).get_columns("dataset_rows")}:
        return False
    try:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE dataset_rows ADD COLUMN year VARCHAR(16)"))
            connection.execute(text(
                "CREATE INDEX IF NOT EXISTS ix_dataset_rows_year ON dataset_rows (year)"))
    except OperationalError as exc:  # another process added it first
        if "duplicate column" not in str(exc).lower():
            raise
        return False
    return True


def fill_years(session: Session) -> int:
    """Store every stored row's year from its version's year column; return how many rows."""
    filled = 0
    for dataset in session.scalars(select(Dataset)):
        position = dataset_columns(dataset).position("year")
        if position is None:
            continue
        stmt = select(DatasetRow.id, DatasetRow.cells_json).where(
            DatasetRow.dataset_id == dataset.id, DatasetRow.year.is_(None))
        changes = [{"id": row_id, "year": year_text(cell(jsonsafe.loads(cells, []), position))}
                   for row_id, cells in session.execute(stmt)]
        changes = [c for c in changes if c["year"] is not None]
        if changes:
            session.execute(update(DatasetRow), changes)
            filled += len(changes)
    session.commit()
    return filled
