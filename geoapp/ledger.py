"""Reconciliation: prove that every row and every number is accounted for."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from geoapp.matching.types import STATUSES, MatchResult
from geoapp.records.types import RecordTable

SUM_GROUPS = ("matched", "review", "unmatched")


def numeric_labels(table: RecordTable) -> dict[int, str]:
    """A unique report label per numeric column: its header, made unique by position if needed."""
    labels: dict[int, str] = {}
    seen: dict[str, int] = {}
    for pos in sorted(table.numeric):
        header = table.headers[pos] or f"(kolom {pos + 1})"
        seen[header] = seen.get(header, 0) + 1
        labels[pos] = header if seen[header] == 1 else f"{header} (kolom {pos + 1})"
    return labels


def exact_sum(values: np.ndarray) -> float:
    """Correctly rounded sum of the non-empty values (0 when there are none)."""
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return 0
    if np.all(finite == np.round(finite)) and np.abs(finite).sum() < 2**53:
        total = float(finite.sum())  # whole numbers below 2**53 add up exactly
    else:
        total = math.fsum(finite.tolist())
    return int(total) if float(total).is_integer() and abs(total) < 2**53 else total


def _row_counts(status: np.ndarray) -> dict[str, int]:
    counts = {s: int(np.count_nonzero(status == s)) for s in STATUSES}
    return {"total": int(status.size), **counts}


def _column_sums(values: np.ndarray, status: np.ndarray) -> dict[str, Any]:
    counted = status != "excluded"
    out: dict[str, Any] = {"total": exact_sum(values[counted])}
    for group in SUM_GROUPS:
        out[group] = exact_sum(values[status == group])
    reconciled = math.fsum(out[g] for g in SUM_GROUPS)
    out["difference"] = _diff(out["total"], reconciled)
    excluded = values[status == "excluded"]
    out["declared_total"] = exact_sum(excluded) if np.any(~np.isnan(excluded)) else None
    return out


def _diff(total: float, reconciled: float) -> float:
    diff = total - reconciled
    return 0 if abs(diff) < 1e-6 * max(1.0, abs(total)) else diff


def build_ledger(table: RecordTable, result: MatchResult) -> dict[str, Any]:
    """Rows in = matched + review + unmatched + excluded, and sums per numeric column."""
    status = np.asarray(result.status, dtype=object)
    rows = _row_counts(status)
    rows["blank_skipped"] = table.info.blank_rows
    sums = {
        label: _column_sums(np.asarray(table.numeric[pos], dtype="float64"), status)
        for pos, label in numeric_labels(table).items()
    }
    unparsed = {
        numeric_labels(table)[pos]: n for pos, n in table.unparsed_numbers.items() if n and pos in table.numeric
    }
    balanced = rows["total"] == sum(rows[s] for s in STATUSES) and all(
        s["difference"] == 0 for s in sums.values()
    )
    return {"rows": rows, "sums": sums, "unparsed_numbers": unparsed, "balanced": balanced}
