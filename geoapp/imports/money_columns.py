"""Which numeric columns of a program file hold rupiah, and how their values are shown."""

from __future__ import annotations

import re
from typing import Any

from geoapp.core.programs import PROGRAMS
from geoapp.io.records.types import RecordTable
from geoapp.values.numbers import format_amount, format_rupiah

_RUPIAH = re.compile(r"\brp\b|rupiah", re.I)


def is_rupiah(header: str, program_key: str) -> bool:
    """Whether a column holds rupiah: its header says so, or the program's rupiah measure."""
    program = PROGRAMS.get(program_key)
    kinds = [m for m in (program.measures if program else ()) if m.kind == "rupiah"]
    return bool(_RUPIAH.search(header or "")) or any(m.header.search(header or "") for m in kinds)


def format_value(value: Any, rupiah: bool, lang: str) -> str:
    """A parsed number in the interface format: whole numbers without decimals, others with
    two (cents are kept: ``Rp 1.250.000,50``); ``—`` when there is none."""
    if not rupiah:
        return format_amount(value, lang, 2)
    try:
        whole = float(value).is_integer()
    except (TypeError, ValueError):
        whole = True
    return format_rupiah(value, lang, 0 if whole else 2)


def numeric_display(table: RecordTable, program: str) -> dict[int, bool]:
    """Numeric columns shown as parsed (position -> is rupiah); kode/lat/lon stay as text."""
    roles = {getattr(table.mapping, r) for r in ("kode", "lat", "lon")}
    return {p: is_rupiah(table.headers[p], program) for p in table.numeric if p not in roles}
