"""Reconciliation: prove that every row and every number is accounted for."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from geoapp.core.objects import object_codes
from geoapp.io.records.types import RecordTable
from geoapp.matching.types import STATUSES, MatchResult

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


def _as_number(total: float) -> float | int:
    return int(total) if float(total).is_integer() and abs(total) < 2**53 else total


def _without_nan(values: np.ndarray) -> np.ndarray:
    """The non-NaN values (the array itself, not a copy, when there is no NaN)."""
    missing = np.isnan(values)
    return values[~missing] if missing.any() else values


def exact_sum(values: np.ndarray) -> float:
    """Correctly rounded sum of the non-empty values (0 when there are none)."""
    finite = _without_nan(values)
    if finite.size == 0:
        return 0
    if np.all(finite == np.round(finite)) and np.abs(finite).sum() < 2**53:
        total = float(finite.sum())  # whole numbers below 2**53 add up exactly
    else:
        total = math.fsum(finite.tolist())
    return _as_number(total)


def _status_position(status: object) -> int:
    return next((i for i, name in enumerate(STATUSES) if bool(status == name)), len(STATUSES))


def status_codes(status: np.ndarray) -> np.ndarray:
    """Per row the position of its status in STATUSES (len(STATUSES) for anything else).

    Each distinct status object is compared once (``geoapp.core.objects``).
    """
    codes, objects = object_codes(status)
    per_object = np.array([_status_position(s) for s in objects.tolist()], dtype=np.intp)
    return per_object[codes] if len(per_object) else np.zeros(0, dtype=np.intp)


def group_sums(values: np.ndarray, codes: np.ndarray,
               groups: int) -> tuple[list, np.ndarray, bool]:
    """(exact_sum of each group's values, non-empty cells per group, all whole numbers).

    Whole numbers whose magnitudes add up below 2**53 are summed exactly by one weighted
    bincount; anything else is summed per group with math.fsum (correctly rounded).
    """
    finite = ~np.isnan(values)
    v, c = (values, codes) if finite.all() else (values[finite], codes[finite])
    filled = np.bincount(c, minlength=groups)
    if np.all(v == np.round(v)) and np.abs(v).sum() < 2**53:
        sums = np.bincount(c, weights=v, minlength=groups)
        return [_as_number(float(x)) for x in sums], filled, True
    return [_as_number(math.fsum(v[c == g].tolist())) for g in range(groups)], filled, False


def _row_counts(table_rows: int, codes: np.ndarray) -> dict[str, int]:
    """The reader's row count against the groups matching put the rows in."""
    counts = np.bincount(codes, minlength=len(STATUSES) + 1)
    rows = {"total": int(table_rows), **{s: int(counts[i]) for i, s in enumerate(STATUSES)}}
    rows["difference"] = rows["total"] - sum(rows[s] for s in STATUSES)
    return rows


def _codes_per_row(codes: np.ndarray, table_rows: int) -> np.ndarray:
    """The group of each row as read: rows the result does not cover are in no group,
    result entries beyond the table's rows are left out (the row count shows both)."""
    out = np.full(table_rows, len(STATUSES), dtype=np.intp)
    covered = min(table_rows, len(codes))
    out[:covered] = codes[:covered]
    return out


def _column_sums(values: np.ndarray, is_total: np.ndarray, codes: np.ndarray) -> dict[str, Any]:
    """One numeric column: its total as read (the reader's total rows left out) against
    the sums of the rows matching put in each group."""
    sums, _, whole = group_sums(values, codes, len(STATUSES) + 1)
    if whole and not is_total.any():
        # every row is in one group and the group sums are exact integers: their sum is
        # exact_sum(values), without another pass over the column
        total = sum(sums)
    else:
        total = exact_sum(values[~is_total] if is_total.any() else values)
    out: dict[str, Any] = {"total": total}
    for group in SUM_GROUPS:
        out[group] = sums[STATUSES.index(group)]
    reconciled = math.fsum(out[g] for g in SUM_GROUPS)
    out["difference"] = _diff(out["total"], reconciled)
    out.update(declared_total(values[is_total]))
    return out


def declared_total(values: np.ndarray) -> dict[str, Any]:
    """The grand total the file itself states, from its total rows (in row order).

    One total row: its value. Several: when the largest equals the sum of the others they
    are subtotals plus a grand total (the largest); otherwise the last total row is taken.
    The other total rows are reported as ``declared_subtotals`` (their sum) and never added
    to the grand total.
    """
    found = values[~np.isnan(values)]
    if found.size == 0:
        return {"declared_total": None}
    if found.size == 1:
        return {"declared_total": _as_number(float(found[0]))}
    big = int(np.argmax(found))
    rest = np.delete(found, big)
    rest_sum = math.fsum(rest.tolist())
    if _diff(float(found[big]), rest_sum) == 0:
        grand, others = float(found[big]), rest_sum
    else:
        grand, others = float(found[-1]), math.fsum(found[:-1].tolist())
    return {"declared_total": _as_number(grand), "declared_subtotals": _as_number(others)}


def _diff(total: float, reconciled: float) -> float:
    diff = total - reconciled
    return 0 if abs(diff) < 1e-6 * max(1.0, abs(total)) else diff


def _rows_seen_agree(rows: dict[str, int]) -> bool:
    """Source rows below the header = table rows + blank rows skipped (when counted)."""
    seen = rows.get("rows_seen")
    return seen is None or seen == rows["total"] + rows["blank_skipped"]


def build_ledger(table: RecordTable, result: MatchResult) -> dict[str, Any]:
    """Rows and sums per numeric column AS READ against the groups matching made.

    The totals come from the table alone (its row count, its numeric columns without the
    reader's total rows); the groups (matched, review, unmatched, excluded) from the match
    result. A row that matching dropped, duplicated, excluded without being a total row or
    left in no group shows as a non-zero ``difference`` and an unbalanced ledger.
    """
    codes = status_codes(np.asarray(result.status, dtype=object))
    rows = _row_counts(len(table), codes)
    rows["blank_skipped"] = table.info.blank_rows
    rows_seen = getattr(table.info, "rows_seen", None)
    if rows_seen is not None:
        rows["rows_seen"] = int(rows_seen)
    row_codes = _codes_per_row(codes, len(table))
    is_total = np.asarray(table.is_total, dtype=bool)
    labels = numeric_labels(table)
    sums = {
        label: _column_sums(np.asarray(table.numeric[pos], dtype="float64"), is_total, row_codes)
        for pos, label in labels.items()
    }
    unparsed = {labels[pos]: n for pos, n in table.unparsed_numbers.items() if n and pos in table.numeric}
    balanced = rows["difference"] == 0 and all(
        s["difference"] == 0 for s in sums.values()
    ) and _rows_seen_agree(rows)
    return {"rows": rows, "sums": sums, "unparsed_numbers": unparsed, "balanced": balanced,
            "columns": list(getattr(table.info, "column_use", []))}
