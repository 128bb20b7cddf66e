"""The rows the finder reads from one ACTIVE dataset: matched, non-total rows with the
columns it needs (name, theme, sub-program, address, contact) and the measure names.

Only rows matched to a kelurahan are kept (a place shown in the wrong spot is worse than
a place not shown). Core module: no Flask.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from geoapp.core.programs import PROGRAMS, Program, find_header
from geoapp.store import row_dicts
from geoapp.store.active import DatasetInfo

_NAME_PATTERNS = {
    "address": re.compile(r"alamat|lokasi", re.I),
    "contact": re.compile(r"kontak|telepon|telp|\bhp\b|narahubung|contact", re.I),
}


@dataclass(frozen=True)
class ActiveRows:
    """Matched, non-total rows of one active dataset, with the columns the finder needs."""

    dataset: DatasetInfo
    program: Program
    rows: list[dict[str, Any]]
    columns: dict[str, int | None]
    measure_names: dict[str, str]


def cell_text(cells: list, pos: int | None) -> str | None:
    """The cell at ``pos`` with its spacing collapsed; None when absent or blank."""
    if pos is None or pos >= len(cells):
        return None
    text = " ".join(str(cells[pos]).split())
    return text or None


def row_point(row: dict[str, Any]) -> tuple[float | None, float | None]:
    """The row's (lat, lon) rounded to 6 decimals when both are finite and in range."""
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (TypeError, ValueError):
        return None, None
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        return None, None
    return round(lat, 6), round(lon, 6)


def _columns(program: Program, headers: list[str]) -> dict[str, int | None]:
    """Column positions of the name, theme, sub-program, address and contact (or None)."""
    columns = {"name": find_header(headers, program.name_header),
               "theme": find_header(headers, program.theme_header),
               "sub": find_header(headers, program.filter_header)}
    columns.update({k: find_header(headers, p) for k, p in _NAME_PATTERNS.items()})
    if columns["address"] is not None and columns["address"] == columns["name"]:
        columns["address"] = find_header(headers, re.compile(r"alamat", re.I))
    return columns


def _measure_names(program: Program, measures: tuple[str, ...]) -> dict[str, str]:
    """Measure.key -> the dataset's measure column for it (found ones only)."""
    names = {}
    for m in program.measures:
        found = next((n for n in measures if m.header.search(n)), None)
        if found is not None:
            names[m.key] = found
    return names


def load_rows(session: Session, info: DatasetInfo) -> ActiveRows:
    """The finder's rows of the active dataset version ``info``."""
    program = PROGRAMS[info.program]
    rows = [r for r in row_dicts(session, info.id)
            if r["status"] == "matched" and not r["is_total"] and r["kode"]]
    return ActiveRows(info, program, rows, _columns(program, list(info.headers)),
                      _measure_names(program, info.measures))
