"""The readers count the source rows below the header apart from the parsed table."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoapp.io.records.csv_reader import count_records
from geoapp.io.records.reader import read_records

DATA = Path(__file__).parent / "data" / "records"
FILES = sorted(p for p in DATA.iterdir() if p.suffix in (".csv", ".tsv", ".xlsx"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_rows_seen_equals_rows_plus_blank_rows(path):
    table = read_records(path.read_bytes(), path.name)
    assert table.info.rows_seen is not None
    assert table.info.rows_seen == len(table) + table.info.blank_rows


def test_rows_seen_counts_blank_lines_and_header_position():
    data = b"Judul laporan\n\nKelurahan,Jumlah\nCipondoh,1\n\n\nSudimara,2\n\n"
    table = read_records(data, "t.csv")
    assert (table.info.header_row, len(table), table.info.blank_rows) == (3, 2, 3)
    assert table.info.rows_seen == 5


@pytest.mark.parametrize("data, expected", [
    (b"", 0),
    (b"a,b\n1,2", 2),
    (b"a,b\r\n1,2\r\n", 2),
    (b"a,b\r1,2\r", 2),
    (b"a,b\n\n1,2\n", 3),
    (b'a,b\n"x\ny",2\n', 2),            # a line break inside quotes is one record
    (b'a,b\nJl. "Melati,2\n3,4\n', 3),  # a quote inside a value is literal text
])
def test_count_records(data, expected):
    assert count_records(data, "utf-8", ",") == expected


def test_pandas_and_counter_agree_on_quoted_multiline_file():
    data = b'Kelurahan,Alamat,Jumlah\nCipondoh,"Jl. A\nRT 01",1\nSudimara,"Jl. ""B""",2\n'
    table = read_records(data, "t.csv")
    assert len(table) == 2 and table.info.rows_seen == 2


def test_count_byte_agrees_with_bytes_count_across_slices(monkeypatch) -> None:
    """Line breaks counted by numpy slice by slice, also when a slice ends on one."""
    import geoapp.io.records.csv_reader as csv_reader

    data = b"a;b\r\n1;2\n\n3;4\r5;6\n" * 7
    monkeypatch.setattr(csv_reader, "COUNT_STEP", 5)
    for byte in (b"\n", b"\r", b";"):
        assert csv_reader.count_byte(data, byte) == data.count(byte)
    assert csv_reader.count_byte(b"", b"\n") == 0
