"""Two-row headers ("Peserta" merged over L/P) are combined, not read as a data row."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoapp.io.records.reader import read_records
from geoapp.io.records.subheader import combine_sub_header

DATA = Path(__file__).parent / "data" / "records"


@pytest.mark.parametrize("name, first_data_row", [("two_row_header.xlsx", 4),
                                                  ("two_row_header.csv", 3)])
def test_golden_two_row_header(name, first_data_row):
    table = read_records((DATA / name).read_bytes(), name)
    assert table.headers[-3:] == ["Peserta L", "Peserta P", "Jumlah"]
    assert list(table.cells[table.mapping.kelurahan]) == ["Poris Plawad", "Cimone", "Cipadu"]
    assert int(table.source_rows[0]) == first_data_row
    assert not table.info.problems                      # no duplicate header reported
    assert any(n.key == "two_row_header" for n in table.info.notes)
    pos = table.headers.index("Peserta L")
    assert list(table.numeric[pos]) == [12, 5, 7]
    assert table.info.rows_seen == len(table) + table.info.blank_rows


def test_user_chosen_header_row_is_respected():
    table = read_records((DATA / "two_row_header.csv").read_bytes(), "t.csv", header_row=1)
    assert table.headers[2] == "Peserta" and len(table) == 4
    assert not any(n.key == "two_row_header" for n in table.info.notes)


@pytest.mark.parametrize("headers, below, expected", [
    (["No", "Peserta", "", "Jumlah"], ["", "L", "P", ""], ["No", "Peserta L", "Peserta P", "Jumlah"]),
    (["No", "Peserta", "Peserta"], ["No", "Laki-laki", "Perempuan"],
     ["No", "Peserta Laki-laki", "Peserta Perempuan"]),
    (["Wilayah", "Wilayah", "Nilai"], ["Kecamatan", "Kelurahan", "Nilai"],
     ["Wilayah Kecamatan", "Wilayah Kelurahan", "Nilai"]),
])
def test_sub_labels_combined(headers, below, expected):
    assert combine_sub_header(headers, below) == expected


@pytest.mark.parametrize("headers, below", [
    (["No", "Kelurahan", "Peserta", "", "Jumlah"], ["1", "Cipondoh", "12", "8", "20"]),  # data
    (["Kelurahan", ""], ["Cipondoh", "Karawaci"]),       # under a role header: data
    (["No", "Peserta", ""], ["", "L", ""]),              # one label only
    (["Nama", "Kelurahan", "Jumlah"], ["Toko A", "Cipondoh", ""]),   # no group at all
    (["No", "Kode", "", "Nilai"], ["", "36.71.01", "36.71.02", ""]),  # role header group
    (["No", "Tahun", ""], ["", "2023", "2024"]),          # numbers are not labels
])
def test_data_rows_are_not_sub_headers(headers, below):
    assert combine_sub_header(headers, below) is None
