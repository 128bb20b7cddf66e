"""Shared body of the atheris harnesses: read, match, reconcile; only GeoappError is allowed."""

from __future__ import annotations

import math

from geoapp.core.errors import GeoappError
from geoapp.imports.ledger import build_ledger
from geoapp.imports.pipeline import gazetteer_for, match_table
from geoapp.io.records.reader import read_records
from geoapp.matching.types import STATUSES

MAX_ROWS = 5000


def check_one(data: bytes, filename: str) -> None:
    """Read ``data``; if it reads, match it and check that the ledger balances."""
    try:
        table = read_records(data, filename, max_rows=MAX_ROWS)
        result, _ = match_table(table, gazetteer_for(None))
    except GeoappError:
        return
    ledger = build_ledger(table, result)
    rows = ledger["rows"]
    if rows["total"] != len(table) or rows["total"] != sum(rows[s] for s in STATUSES):
        raise AssertionError(f"row count does not balance: {rows}")
    for label, sums in ledger["sums"].items():
        if sums["difference"] != 0 or not math.isfinite(sums["total"]):
            raise AssertionError(f"sums of {label!r} do not reconcile: {sums}")
