"""Regenerate the XLSX fixtures of this folder: `python tests/data/records/make_xlsx.py`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def _fixed_times(wb: Workbook) -> None:
    stamp = dt.datetime(2024, 1, 1)
    wb.properties.created = stamp
    wb.properties.modified = stamp


def merged_title_rows() -> Workbook:
    """Title rows (merged across), a kecamatan merged down its group, numbers as text."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Rekap"
    ws.append(["REKAP PKL KOTA TANGERANG 2024"])
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["No", "Kecamatan", "Kelurahan", "Kode Kelurahan", "Nilai"])
    ws.append([1, "Tangerang", "Sukasari", 3671011001, "2.500.000"])
    ws.append([2, None, "Babakan", 3671011002, 1250000.5])
    ws.append([3, None, "Sukarasa", 3671011003, "Rp 750.000"])
    ws.merge_cells("B4:B6")
    ws.append([4, "Karawaci", "Cimone", 3671041001, 1000])
    ws.append(["JUMLAH", None, None, None, 5500000.5])
    ws.append(["Tanggal", None, None, None, dt.datetime(2024, 3, 1)])
    return wb


def two_sheets() -> Workbook:
    """An empty first sheet, then two sheets with data (the first with data is the default)."""
    wb = Workbook()
    wb.active.title = "Petunjuk"
    a = wb.create_sheet("KWT")
    a.append(["Kelurahan", "Anggota", "Tanggal"])
    a.append(["Sukasari", 12, dt.date(2024, 2, 3)])
    a.append(["Babakan", 8, dt.datetime(2024, 2, 4, 9, 30)])
    b = wb.create_sheet("BLK")
    b.append(["Desa/Kelurahan", "Peserta"])
    b.append(["Cikokol", "1.250"])
    b.append(["Cimone", "2.000"])
    return wb


def two_row_header() -> Workbook:
    """A Dinas-style two-row header: "Peserta" merged over L/P, other headers merged down."""
    wb = Workbook()
    ws = wb.active
    ws.title = "BLK"
    ws.append(["DATA PESERTA PELATIHAN BLK 2024"])
    ws.merge_cells("A1:F1")
    ws.append(["No", "Kecamatan", "Kelurahan", "Peserta", None, "Jumlah"])
    ws.append([None, None, None, "L", "P", None])
    for col in "ABCF":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:E2")
    ws.append([1, "Cipondoh", "Poris Plawad", 12, 8, 20])
    ws.append([2, "Karawaci", "Cimone", 5, 10, 15])
    ws.append([3, "Larangan", "Cipadu", 7, 3, 10])
    return wb


def main() -> None:
    for name, build in (("merged_title.xlsx", merged_title_rows), ("two_sheets.xlsx", two_sheets),
                        ("two_row_header.xlsx", two_row_header)):
        wb = build()
        _fixed_times(wb)
        wb.save(HERE / name)


if __name__ == "__main__":
    main()
