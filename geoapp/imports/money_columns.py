"""Which numeric columns of a program file hold rupiah, and how their values are shown."""

from __future__ import annotations

import math
import re
from typing import Any

from geoapp.core.programs import PROGRAMS
from geoapp.io.records.types import RecordTable
from geoapp.values.numbers import format_number, format_rupiah

_RUPIAH = re.compile(r"\brp\b|rupiah", re.I)


def is_rupiah(header: str, program_key: str) -> bool:
    """Whether a column holds rupiah: its header says so, or the program's rupiah measure."""
    program = PROGRAMS.get(program_key)
    kinds = [m for m in (program.measures if program else ()) if m.kind == "rupiah"]
    return bool(_RUPIAH.search(header or "")) or any(m.header.search(header or "") for m in kinds)


def format_value(value: Any, rupiah: bool, lang: str) -> str:
    """A parsed number in the interface format; cents are kept (``Rp 1.250.000,50``)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return format_number(None, lang)
    if not math.isfinite(number):
        return format_number(None, lang)
    decimals = 0 if number.is_integer() else 2
    if rupiah and decimals == 0:
        return format_rupiah(number, lang)
    if rupiah:
        return ("-" if number < 0 else "") + "Rp " + format_number(abs(number), lang, 2)
    return format_number(number, lang, decimals)


def numeric_display(table: RecordTable, program: str) -> dict[int, bool]:
    """Numeric columns shown as parsed (position -> is rupiah); kode/lat/lon stay as text."""
    roles = {getattr(table.mapping, r) for r in ("kode", "lat", "lon")}
    return {p: is_rupiah(table.headers[p], program) for p in table.numeric if p not in roles}
