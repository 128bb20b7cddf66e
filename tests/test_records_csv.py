from pathlib import Path

import numpy as np
import pytest

from geoapp.io.records.reader import read_records

DATA = Path(__file__).parent / "data" / "records"


def read(name, **kw):
    return read_records((DATA / name).read_bytes(), name, **kw)


def test_utf8_bom_semicolon():
    t = read("utf8_bom_semicolon.csv")
    assert t.info.encoding == "utf-8-sig" and t.info.delimiter == ";"
    assert t.headers == ["No", "Kelurahan", "Kecamatan", "Nilai Bantuan"]
    assert t.numeric[3].tolist() == [2500000.0, 1250000.5]
    assert t.number_formats[3] == "id"


def test_cp1252_fallback():
    t = read("cp1252.csv")
    assert t.info.encoding == "cp1252"
    assert t.cells[2].tolist() == ["Café Mawar", "Warung Bu Ani\u2019s"]


@pytest.mark.parametrize(("name", "delim"), [("tab.tsv", "\t"), ("pipe.csv", "|")])
def test_other_delimiters(name, delim):
    t = read(name)
    assert t.info.delimiter == delim and t.info.encoding == "utf-8"
    assert t.headers == ["No", "Kelurahan", "Kecamatan", "Jumlah"]
    assert t.numeric[3].tolist() == [10.0, 20.0]


def test_quoted_delimiter_inside_field():
    assert read("pipe.csv").cells[1].tolist() == ["Sukasari", "Kelapa | Indah"]


def test_quoted_newlines_and_quotes():
    t = read("quoted_multiline.csv")
    assert t.cells[2].tolist() == ["Jl. Merdeka No. 5, RT 01\nRW 02", 'Jl. Daan Mogot, "Blok A"']
    assert t.source_rows.tolist() == [2, 3]


def test_title_rows_detected():
    t = read("title_rows.csv")
    assert t.info.header_row == 4 and t.info.header_row_detected
    assert t.headers == ["No", "Kelurahan", "Kecamatan", "Nilai"]
    assert t.source_rows.tolist() == [5, 6]
    assert t.mapping.kelurahan == 1 and t.mapping.kecamatan == 2


def test_header_row_chosen_by_user():
    t = read("title_rows.csv", header_row=5)
    assert not t.info.header_row_detected and t.info.header_row == 5
    assert t.headers == ["1", "Sukasari", "Tangerang", "1000"]
    assert len(t) == 1


def test_indonesian_numbers_and_identifiers():
    t = read("indonesian_numbers.csv")
    assert t.mapping.kode == 4
    assert t.numeric[2].tolist() == [2500000.0, 2500000.0, 1000.0, 750000.0]
    assert t.numeric[3][[0, 1, 3]].tolist() == [12.5, 1234.75, 0.5]
    assert np.isnan(t.numeric[3][2])                          # '-' is empty, not zero
    assert t.numeric[6][[0, 1, 3]].tolist() == [2500.0, 3000.0, 1500.0]
    assert 0 not in t.numeric and 4 not in t.numeric and 5 not in t.numeric  # No, kode, HP
    assert t.cells[4].tolist()[0] == "36.71.01.1001"
    assert t.cells[5].tolist()[0] == "081234567890"
    assert t.unparsed_numbers[3] == 0


def test_mixed_formats_per_column():
    t = read("mixed_number_formats.csv")
    assert t.number_formats[2] == "en" and t.number_formats[3] == "id"
    assert t.numeric[2].tolist() == [1234567.5, 2500.0, 10000.25, 750.0]
    assert t.numeric[3].tolist() == [2500000.0, 1000.0, 3750000.0, 12.5]
    assert t.unparsed_numbers[4] == 1 and np.isnan(t.numeric[4][2])   # 'n/a' reported
    assert 5 not in t.numeric                                          # text column


def test_ambiguous_column_follows_semicolon_locale():
    assert read("ambiguous.csv").numeric[2].tolist() == [2500.0, 3000.0]


def test_totals_and_blank_rows():
    t = read("totals_and_blanks.csv")
    assert t.info.blank_rows == 2
    assert t.source_rows.tolist() == [2, 3, 5, 7, 8, 9]
    assert t.is_total.tolist() == [False, False, True, False, True, True]
    assert t.cells[0].tolist()[4] == "JUMLAH"      # kept, flagged
    assert t.numeric[4][~t.is_total].sum() == 35


def test_duplicate_and_empty_headers_reported_not_renamed():
    t = read("duplicate_headers.csv")
    assert t.headers == ["Kelurahan", "Jumlah", "Jumlah", "", "Keterangan"]
    keys = [n.key for n in t.info.problems]
    assert keys == ["header_duplicate", "header_empty"]
    assert dict(t.info.problems[0].params)["positions"] == "2, 3"
    assert t.cells[3].tolist() == ["x", "y"]


def test_sep_line_and_trailing_empty_columns():
    t = read_records(b"sep=;\nKelurahan;Jumlah;;\nSukasari;1;;\n", "x.csv")
    assert t.headers == ["Kelurahan", "Jumlah"] and t.source_rows.tolist() == [3]
    assert t.info.delimiter == ";"


def test_ragged_rows_wider_than_sample():
    body = b"Kelurahan,Jumlah\n" + b"Sukasari,1\n" * 5000 + b"Babakan,2,extra\n"
    t = read_records(body, "x.csv")
    assert len(t) == 5001 and t.cells[2].tolist()[-1] == "extra"
    assert [n.key for n in t.info.problems] == ["header_empty"]


def test_large_generated_file_sanity():
    n = 50_000
    kel = np.array(["Sukasari", "Babakan", "Cikokol"])[np.arange(n) % 3]
    lines = ["No;Kelurahan;Nilai;Lintang"] + [
        f"{i + 1};{k};Rp {(i % 7 + 1) * 1000:,}".replace(",", ".") + f";-6,{i % 1000:03d}"
        for i, k in enumerate(kel)
    ]
    lines.insert(1000, "")
    lines.append(";JUMLAH;Rp 1;")
    t = read_records(("\n".join(lines) + "\n").encode(), "big.csv")
    assert len(t) == n + 1 and t.info.blank_rows == 1
    assert t.is_total.sum() == 1 and t.is_total[-1]
    assert t.numeric[2][:7].tolist() == [1000.0 * k for k in range(1, 8)]
    assert t.source_rows[998] == 1000 and t.source_rows[999] == 1002
    assert 3 not in t.numeric and t.mapping.lat == 3
