"""The reconciliation ledger on tiny hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoapp.imports.ledger import build_ledger
from geoapp.io.records.types import ColumnMapping, ReadInfo, RecordTable
from geoapp.matching.types import MatchResult


def table(values: list[float], headers=("Kelurahan", "Jumlah", "Jumlah")) -> RecordTable:
    n = len(values)
    cells = pd.DataFrame({0: ["x"] * n, 1: ["1"] * n, 2: ["2"] * n})
    arr = np.array(values, dtype="float64")
    return RecordTable(
        headers=list(headers), cells=cells, source_rows=np.arange(2, n + 2),
        is_total=np.array([False] * (n - 1) + [True]),
        numeric={1: arr, 2: arr * 2}, number_formats={1: "id", 2: "id"},
        unparsed_numbers={1: 1, 2: 0}, mapping=ColumnMapping(kelurahan=0),
        info=ReadInfo(filename="t.csv", file_format="csv", blank_rows=3),
    )


def result(statuses: list[str]) -> MatchResult:
    n = len(statuses)
    return MatchResult(
        kode=np.array([None] * n, dtype=object), status=np.array(statuses, dtype=object),
        method=np.array([""] * n, dtype=object), score=np.full(n, np.nan),
        note=np.array([""] * n, dtype=object), suggestions=[[] for _ in range(n)],
    )


def test_rows_and_sums_reconcile_and_totals_are_excluded():
    ledger = build_ledger(table([1, 2.5, np.nan, 4, 100]), result(["matched", "review", "unmatched", "unmatched", "excluded"]))
    assert ledger["rows"] == {"total": 5, "matched": 1, "review": 1, "unmatched": 2, "excluded": 1, "blank_skipped": 3}
    sums = ledger["sums"]["Jumlah"]
    assert sums["total"] == 7.5 and sums["matched"] == 1 and sums["review"] == 2.5 and sums["unmatched"] == 4
    assert sums["difference"] == 0 and sums["declared_total"] == 100
    assert ledger["balanced"] is True


def test_duplicate_headers_get_distinct_labels_and_unparsed_cells_are_reported():
    ledger = build_ledger(table([1, 2, 0]), result(["matched", "matched", "excluded"]))
    assert set(ledger["sums"]) == {"Jumlah", "Jumlah (kolom 3)"}
    assert ledger["sums"]["Jumlah (kolom 3)"]["total"] == 6
    assert ledger["unparsed_numbers"] == {"Jumlah": 1}


def test_empty_groups_sum_to_zero_not_missing():
    ledger = build_ledger(table([5, 0]), result(["matched", "excluded"]))
    assert ledger["sums"]["Jumlah"]["review"] == 0 and ledger["sums"]["Jumlah"]["unmatched"] == 0


def test_exact_sums_do_not_drift():
    values = [0.1] * 10 + [0]
    ledger = build_ledger(table(values), result(["matched"] * 10 + ["excluded"]))
    assert ledger["sums"]["Jumlah"]["total"] == 1


def subtotal_table(values: list[float], totals: list[bool]) -> RecordTable:
    t = table(values)
    t.is_total = np.array(totals)
    return t


def test_subtotals_plus_grand_total_are_not_added_together():
    # two kecamatan subtotals (3, 7) and a grand total (10) around four data rows
    values = [1, 2, 3, 3, 4, 7, 10]
    totals = [False, False, True, False, False, True, True]
    statuses = ["matched", "matched", "excluded", "matched", "review", "excluded", "excluded"]
    sums = build_ledger(subtotal_table(values, totals), result(statuses))["sums"]["Jumlah"]
    assert sums["total"] == 10 and sums["declared_total"] == 10
    assert sums["declared_subtotals"] == 10


def test_grand_total_first_then_subtotals_takes_the_largest():
    values = [10, 1, 2, 3, 3, 4, 7]
    statuses = ["excluded", "matched", "matched", "excluded", "matched", "matched", "excluded"]
    sums = build_ledger(subtotal_table(values, [s == "excluded" for s in statuses]), result(statuses))["sums"]["Jumlah"]
    assert sums["declared_total"] == 10


def test_unrelated_total_rows_use_the_last_one():
    values = [1, 2, 5, 4]
    statuses = ["matched", "matched", "excluded", "excluded"]
    sums = build_ledger(subtotal_table(values, [False, False, True, True]), result(statuses))["sums"]["Jumlah"]
    assert sums["declared_total"] == 4 and sums["declared_subtotals"] == 5


def test_single_total_row_has_no_subtotals():
    sums = build_ledger(table([1, 2, 3]), result(["matched", "matched", "excluded"]))["sums"]["Jumlah"]
    assert sums["declared_total"] == 3 and "declared_subtotals" not in sums


def test_rows_seen_reported_and_lost_rows_unbalance_the_ledger():
    t = table([1, 2, 0])
    t.info.rows_seen = 6          # 3 rows + 3 blank rows: nothing lost
    statuses = result(["matched", "unmatched", "excluded"])
    ledger = build_ledger(t, statuses)
    assert ledger["rows"]["rows_seen"] == 6 and ledger["balanced"] is True
    t.info.rows_seen = 7          # the reader saw one row more than reached the table
    lost = build_ledger(t, statuses)
    assert lost["rows"]["rows_seen"] == 7 and lost["balanced"] is False


def test_rows_seen_absent_when_not_counted():
    ledger = build_ledger(table([1, 0]), result(["matched", "excluded"]))
    assert "rows_seen" not in ledger["rows"] and ledger["balanced"] is True
