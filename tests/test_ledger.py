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
    assert ledger["rows"] == {"total": 5, "matched": 1, "review": 1, "unmatched": 2, "excluded": 1,
                              "difference": 0, "blank_skipped": 3}
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


# --- the difference is independent of matching: rows and sums AS READ against the groups

def test_rows_matching_left_out_show_a_difference():
    ledger = build_ledger(table([1, 2, 4, 100]), result(["matched", "review", "excluded"]))
    assert ledger["rows"]["total"] == 4 and ledger["rows"]["difference"] == 1
    sums = ledger["sums"]["Jumlah"]
    assert sums["total"] == 7 and sums["matched"] + sums["review"] == 3
    assert sums["difference"] == 4 and ledger["balanced"] is False


def test_rows_matching_added_show_a_negative_difference():
    statuses = ["matched", "matched", "review", "unmatched", "excluded"]
    ledger = build_ledger(table([1, 2, 4, 100]), result(statuses))
    assert ledger["rows"]["total"] == 4 and ledger["rows"]["difference"] == -1
    assert ledger["balanced"] is False


def test_a_data_row_excluded_by_matching_is_not_a_total_row():
    # the reader marks only the last row as a total row; matching excluded row 2 as well
    ledger = build_ledger(table([1, 2, 4, 100]), result(["matched", "review", "excluded", "excluded"]))
    sums = ledger["sums"]["Jumlah"]
    assert ledger["rows"]["difference"] == 0
    assert sums["total"] == 7 and sums["difference"] == 4 and ledger["balanced"] is False


CSV = (b"kelurahan;kecamatan;jumlah\nSukasari;Tangerang;3\nBabakan;Tangerang;5\n"
       b"Cikokol;Tangerang;7\nJUMLAH;;15\n")


def _faulty_matcher(monkeypatch, rows):
    """Make the pipeline's matcher give the outcomes of ``rows(n)`` (row positions) instead
    of one per row: a bug in matching that drops or duplicates rows."""
    from geoapp.imports import pipeline

    real = pipeline.match_rows

    def faulty(**kwargs):
        res = real(**kwargs)
        take = rows(len(res))
        for name in ("kode", "status", "method", "score", "note"):
            setattr(res, name, getattr(res, name)[take])
        res.suggestions = [res.suggestions[i] for i in take]
        return res

    monkeypatch.setattr(pipeline, "match_rows", faulty)


def test_correct_matching_balances():
    from geoapp.imports.pipeline import run_match

    run = run_match(CSV, "data.csv")
    assert run.ledger["rows"]["difference"] == 0 and run.ledger["balanced"] is True
    assert run.ledger["sums"]["jumlah"]["total"] == 15
    assert run.ledger["sums"]["jumlah"]["difference"] == 0


def test_matching_that_drops_a_row_is_reported(monkeypatch):
    from geoapp.imports.pipeline import run_match

    _faulty_matcher(monkeypatch, lambda n: np.delete(np.arange(n), 1))
    run = run_match(CSV, "data.csv")
    assert run.ledger["rows"]["total"] == 4 and run.ledger["rows"]["difference"] == 1
    assert run.ledger["sums"]["jumlah"]["total"] == 15
    assert run.ledger["sums"]["jumlah"]["difference"] != 0
    assert run.ledger["balanced"] is False and run.report["balanced"] is False
    assert run.report["rows"]["difference"] == 1


def test_matching_that_duplicates_a_row_is_reported(monkeypatch):
    from geoapp.imports.pipeline import run_match

    _faulty_matcher(monkeypatch, lambda n: np.insert(np.arange(n), 0, 0))
    run = run_match(CSV, "data.csv")
    assert run.ledger["rows"]["total"] == 4 and run.ledger["rows"]["difference"] == -1
    assert run.ledger["sums"]["jumlah"]["difference"] != 0
    assert run.ledger["balanced"] is False and run.report["balanced"] is False
