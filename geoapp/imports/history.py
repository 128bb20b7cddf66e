"""What an import does to a program's history, said before it is stored and after.

An import adds the years it holds and replaces only those (``geoapp.store.years``,
``geoapp.store.history``). ``run_years`` counts a matched file's rows per year (its year
column, else the import's year); ``plan_texts`` says what storing it would do now, e.g.
"adds 2022 (104 rows); replaces nothing; keeps 2020, 2021", for the upload preview page
and the command line; ``applied_text`` says what a stored version did.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from geoapp.core.i18n import Msg
from geoapp.core.programs import detect_columns
from geoapp.io.records.types import RecordTable
from geoapp.store.years import row_year, year_plan, year_sort_key
from geoapp.values.numbers import format_number

PLAN = Msg("history.plan", "This upload adds {adds}; replaces {replaces}; keeps {keeps}.")
APPLIED = Msg("history.applied", "Stored: added {adds}; replaced {replaces}; kept {keeps}.")
REPLACE_WARNING = Msg(
    "history.replace_warning",
    "The rows of {years} in the active version {version} will be replaced by this file's "
    "rows. The other years stay. Rolling back this upload brings the replaced rows back.",
)
SAMPLE_DROPPED = Msg(
    "history.sample_dropped",
    "The active version is sample data (Data contoh): its other years ({years}) are not "
    "kept, real data replaces sample data entirely. Rolling back brings them back.",
)
NOTHING = Msg("history.nothing", "nothing")
YEAR_ROWS = Msg("history.year_rows", "{year} ({rows} rows)")
YEAR_REPLACED = Msg("history.year_replaced", "{year} ({old} rows, now {new})")
NO_YEAR = Msg("history.no_year", "rows without a year")
YEAR_FROM_COLUMN = Msg("history.year_from_column",
                       "Years are read from the column '{column}'; rows with a blank year "
                       "are stored as {year}.")
YEAR_FROM_CHOICE = Msg("history.year_from_choice",
                       "The file has no year column: all its rows are stored as {year}.")

_NAME_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


def year_in_name(filename: str) -> str | None:
    """A year written in a file name (``pelatihan_blk_2020.xlsx`` -> ``2020``; the last
    one), or None."""
    found = _NAME_YEAR.findall(str(filename or ""))
    return found[-1] if found else None


def default_year(filename: str, *, now: datetime | None = None) -> str:
    """The year of an import's rows without a year cell when none is chosen: a year in
    the file name (``pelatihan_blk_2020.xlsx``), else the current year."""
    return year_in_name(filename) or str((now or datetime.now(UTC)).year)


def year_column(program: str, table: RecordTable) -> int | None:
    """The position of the table's year column (as staging finds it), or None."""
    return detect_columns(program, [str(h) for h in table.headers], []).position("year")


def run_years(program: str, table: RecordTable, year: str | None,
              status: Sequence[str] | None = None) -> dict[str, int]:
    """Rows per year of a table as they would be stored ("" = no year), of the rows a
    newer version carries (``store.years.carried``: not the non-data rows, ``status``
    ``excluded``, without a year cell)."""
    position = year_column(program, table)
    cells = [""] * len(table) if position is None else table.cells.iloc[:, position]
    states = [] if status is None else [str(s) for s in status][:len(table)]
    states += ["matched"] * (len(table) - len(states))    # rows without an outcome: data
    counts: Counter[str] = Counter()
    for cell, state in zip(cells, states, strict=True):
        found = row_year(str(cell), year, str(state))
        if found is not None or state != "excluded":
            counts[found or ""] += 1
    return dict(sorted(counts.items(), key=lambda kv: year_sort_key(kv[0] or None)))


def _year(year: str, lang: str) -> str:
    return year or NO_YEAR.text(lang)


def _rows(items: Mapping[str, int], lang: str) -> str:
    parts = [YEAR_ROWS.text(lang, year=_year(y, lang), rows=format_number(n, lang))
             for y, n in items.items()]
    return ", ".join(parts) or NOTHING.text(lang)


def _replaced(items: Mapping[str, Mapping[str, int]], lang: str) -> str:
    parts = [YEAR_REPLACED.text(lang, year=_year(y, lang), old=format_number(c["old"], lang),
                                new=format_number(c["new"], lang)) for y, c in items.items()]
    return ", ".join(parts) or NOTHING.text(lang)


def _parts(plan: Mapping[str, Any], lang: str) -> dict[str, str]:
    return {"adds": _rows(plan["adds"], lang), "replaces": _replaced(plan["replaces"], lang),
            "keeps": _rows(plan["keeps"], lang)}


def plan_texts(session: Session, program: str, years: Mapping[str, int],
               lang: str) -> dict[str, Any]:
    """What storing rows of ``years`` ({year: rows}, "" = none) would do now: ``text``
    (adds/replaces/keeps), ``warning`` (when years are replaced, else ""), ``plan``."""
    plan = year_plan(session, program, {(y or None): n for y, n in years.items()})
    warnings = []
    if plan["replaces"]:
        names = ", ".join(_year(y, lang) for y in plan["replaces"])
        warnings.append(REPLACE_WARNING.text(lang, years=names, version=plan["base_version"]))
    if plan.get("drops"):
        warnings.append(_dropped(plan, lang))
    return {"text": PLAN.text(lang, **_parts(plan, lang)), "warning": " ".join(warnings),
            "plan": plan}


def _dropped(plan: Mapping[str, Any], lang: str) -> str:
    return SAMPLE_DROPPED.text(lang, years=_rows(plan["drops"], lang))


def applied_text(plan: Mapping[str, Any] | None, lang: str) -> str:
    """What a stored version's import did (its report's ``years``); "" when unknown."""
    if not plan:
        return ""
    text = APPLIED.text(lang, **_parts(plan, lang))
    return f"{text} {_dropped(plan, lang)}" if plan.get("drops") else text


def year_source_text(program: str, table: RecordTable, year: str, lang: str) -> str:
    """Where the rows' years come from: the year column, or the year chosen."""
    position = year_column(program, table)
    if position is None:
        return YEAR_FROM_CHOICE.text(lang, year=year)
    return YEAR_FROM_COLUMN.text(lang, column=str(table.headers[position])[:80], year=year)
