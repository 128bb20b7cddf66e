"""pelatihan_blk_2020.xlsx: BLK Kelurahan job-training participants, 2020."""

from __future__ import annotations

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from geoapp.sample.amounts import noisy_weights, split_total
from geoapp.sample.reference import load_kelurahan
from geoapp.sample.tables import SampleTable, kelurahan_text, kode_cell, sample_label
from geoapp.sample.xlsx import workbook_bytes

FILENAME = "pelatihan_blk_2020.xlsx"
TOTAL_PARTICIPANTS = 11380
TRAININGS = ("Menjahit", "Tata Boga", "Barista", "Servis AC", "Desain Grafis", "Tata Rias",
             "Otomotif Sepeda Motor", "Operator Komputer")
HEADER = ["No", "Kecamatan", "Kelurahan", "Kode Wilayah", "Jenis Pelatihan", "Peserta",
          "Keterangan"]
NOTES = ("", "", "", "Angkatan I", "Angkatan II", "Daring", "Luring")
CONFLICT_KODE = "36.71.08.1002"    # Gembor (Periuk), written next to a Karawaci name
FIRST_DATA_ROW = 6                 # 1-based sheet row of the first data row


def build_blk(seed: int, rng: np.random.Generator) -> SampleTable:
    """The BLK table as values; participants sum to 11,380."""
    table = SampleTable(FILENAME, _titles(seed), HEADER)
    kelurahan = load_kelurahan()
    pairs = [(i, t) for i in range(len(kelurahan))
             for t in rng.choice(TRAININGS, int(rng.integers(1, 4)), replace=False)]
    counts = split_total(TOTAL_PARTICIPANTS, noisy_weights(np.ones(len(pairs)), rng), minimum=10)
    conflict_at = int(rng.integers(len(pairs)))
    for n, ((i, training), count) in enumerate(zip(pairs, counts, strict=True), start=1):
        kel = kelurahan[i]
        peserta: object = int(count)
        if rng.random() < 0.12:
            peserta = str(int(count)) + (" " if rng.random() < 0.3 else "")
        kode: object = kode_cell(kel, rng)
        if isinstance(kode, str) and kode.isdigit() and rng.random() < 0.5:
            kode = int(kode)   # a code typed into a number cell
        cells = [n, kel.nama_kecamatan, kelurahan_text(kel, rng), kode, str(training), peserta,
                 NOTES[int(rng.integers(len(NOTES)))]]
        truth: str | None = kel.kode
        if n - 1 == conflict_at:
            cells[2:4] = [kel.nama, _conflicting_kode(kel.kode_kecamatan)]
            truth = None
        table.add(cells, truth)
    table.add_total(["TOTAL", "", "", "", "", int(counts.sum()), ""])
    return table


def _conflicting_kode(kode_kecamatan: str) -> str:
    if CONFLICT_KODE.startswith(kode_kecamatan):
        return "36.71.07.1005"   # Cimone (Karawaci)
    return CONFLICT_KODE


def _titles(seed: int) -> list[str]:
    return [
        sample_label(seed),
        "REKAPITULASI PESERTA PELATIHAN BLK KELURAHAN TAHUN 2020",
        "Dinas Ketenagakerjaan Kota Tangerang (contoh)",
        "",
    ]


def blk_bytes(table: SampleTable) -> bytes:
    """The table as an XLSX sheet: kecamatan in merged cells, a TOTAL row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Peserta BLK 2020"
    for r, title in enumerate(table.titles, start=1):
        sheet.cell(row=r, column=1, value=title or None)
    sheet.cell(row=1, column=1).font = Font(bold=True, color="C00000")
    for c, name in enumerate(table.header, start=1):
        sheet.cell(row=FIRST_DATA_ROW - 1, column=c, value=name).font = Font(bold=True)
    for r, cells in enumerate(table.rows, start=FIRST_DATA_ROW):
        for c, value in enumerate(cells, start=1):
            if value != "":
                sheet.cell(row=r, column=c, value=value)
    _merge_kecamatan(sheet, table)
    _merge_total(sheet, table)
    for column, width in zip("ABCDEFG", (6, 18, 26, 16, 24, 10, 14), strict=True):
        sheet.column_dimensions[column].width = width
    return workbook_bytes(workbook, title=table.titles[1])


def _merge_kecamatan(sheet: Worksheet, table: SampleTable) -> None:
    """Write each kecamatan once, merged down over its rows."""
    start = 0
    for end in range(1, len(table.rows) + 1):
        if end < len(table.rows) and table.rows[end][1] == table.rows[start][1]:
            continue
        if table.kinds[start] == "data" and end - start > 1:
            top, bottom = FIRST_DATA_ROW + start, FIRST_DATA_ROW + end - 1
            sheet.merge_cells(start_row=top, start_column=2, end_row=bottom, end_column=2)
            sheet.cell(row=top, column=2).alignment = Alignment(vertical="center")
        start = end


def _merge_total(sheet: Worksheet, table: SampleTable) -> None:
    row = FIRST_DATA_ROW + len(table.rows) - 1
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    for column in (1, 6):
        sheet.cell(row=row, column=column).font = Font(bold=True)
