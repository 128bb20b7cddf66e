"""Property-based fuzzing of the record readers (hypothesis; bounded for CI).

Whatever the bytes, reading raises nothing but GeoappError; a CSV built from known rows
gives back exactly its non-blank data rows; reading + matching always gives a ledger that
balances (matched + review + unmatched + excluded == total, sums reconcile).
"""

from __future__ import annotations

import io
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoapp.core.errors import GeoappError
from geoapp.imports.ledger import build_ledger
from geoapp.imports.pipeline import gazetteer_for, match_table
from geoapp.io.records.reader import read_records
from geoapp.matching.types import STATUSES

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
KELURAHAN = ["Sukasari", "Cikokol", "Babakan", "Sukarasa", "Tanah Tinggi", "Kelapa Indah",
             "Sudimara", "", " ", "JUMLAH", "Kel. Sukajadi", "36.71.01.1001", "<b>x</b>", "=1+1"]
NUMBERS = ["3", "1.250.000", "1,5", "2.5", "-7", "", "NaN", "Infinity", "1e308",
           "1000000000000000000000000000000", "Rp 10.000", "abc", "0", "12%"]
CSV_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))


def _read_or_refuse(data: bytes, filename: str):
    """The table, or None when the reader refused with a GeoappError (nothing else allowed)."""
    try:
        return read_records(data, filename, max_rows=5000)
    except GeoappError as exc:
        assert exc.status in (400, 404, 413, 415, 422) and exc.text("id") and exc.text("en")
        return None


def assert_ledger_balances(table) -> None:
    try:
        result, _ = match_table(table, gazetteer_for(None))
    except GeoappError:       # no location column: the planner must pick one
        return
    ledger = build_ledger(table, result)
    rows = ledger["rows"]
    assert rows["total"] == len(table) == sum(rows[s] for s in STATUSES)
    assert ledger["balanced"]
    for column in ledger["sums"].values():
        for key in ("total", "matched", "review", "unmatched"):
            assert math.isfinite(column[key])
        assert column["difference"] == 0


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a"]))
def test_arbitrary_bytes_raise_only_geoapp_errors(data, filename):
    table = _read_or_refuse(data, filename)
    if table is not None:
        assert len(table) == len(table.source_rows) == len(table.is_total)


@FUZZ
@given(st.text(CSV_ALPHABET, max_size=600))
def test_arbitrary_csv_text_reads_or_refuses(text):
    table = _read_or_refuse(text.encode("utf-8"), "a.csv")
    if table is not None:
        assert_ledger_balances(table)
        for values in table.numeric.values():
            finite = values[~np.isnan(values)]
            assert np.all(np.abs(finite) < 1e15)


def _csv_line(cells: list[str], delimiter: str) -> str:
    return delimiter.join('"' + c.replace('"', '""') + '"' if delimiter in c or '"' in c
                          else c for c in cells)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(KELURAHAN), st.sampled_from(["Tangerang", "", "Ciledug"]),
                          st.sampled_from(NUMBERS)), min_size=1, max_size=40),
       st.sampled_from([",", ";", "\t"]), st.booleans())
def test_rows_out_equal_non_blank_rows_in(rows, delimiter, bom):
    lines = [_csv_line(["Kelurahan", "Kecamatan", "Jumlah"], delimiter)]
    lines += [_csv_line(list(r), delimiter) for r in rows]
    data = ("\ufeff" if bom else "") + "\n".join(lines) + "\n"
    table = _read_or_refuse(data.encode("utf-8"), "a.csv")
    expected = [r for r in rows if any(c.strip() for c in r)]
    if not expected:
        assert table is None
        return
    assert table is not None and len(table) == len(expected)
    assert table.cells[0].tolist() == [r[0] for r in expected]
    assert_ledger_balances(table)


def _xlsx(rows: list[tuple[str, str, object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Kelurahan", "Kecamatan", "Jumlah"])
    for row in rows:
        sheet.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


_CELL_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.one_of(st.sampled_from(KELURAHAN), _CELL_TEXT),
                          st.sampled_from(["Tangerang", ""]),
                          st.one_of(st.floats(allow_nan=False), st.integers(-10**20, 10**20),
                                    st.sampled_from(NUMBERS))), min_size=1, max_size=20))
def test_xlsx_cells_round_trip_and_balance(rows):
    table = _read_or_refuse(_xlsx(rows), "a.xlsx")
    expected = [r for r in rows if str(r[0]).strip() or str(r[1]).strip() or str(r[2]).strip()]
    if table is None:
        return
    assert len(table) == len(expected)
    assert_ledger_balances(table)
