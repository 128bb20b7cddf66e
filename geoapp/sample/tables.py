"""The in-memory form of one sample file, and the shared CSV writer."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from geoapp.sample.reference import Kelurahan
from geoapp.sample.variants import kode_text, messy_kecamatan, messy_name

MESSY_SHARE = 0.12             # kelurahan names written messily
KECAMATAN_MESSY_SHARE = 0.08   # kecamatan names written messily (about 19 % of rows have either)
KODE_FORMS = np.array([0.55, 0.2, 0.25])   # dotted, plain digits, empty


def sample_label(seed: int) -> str:
    """The title line that marks every file as sample data."""
    return f"DATA CONTOH (bukan data resmi) — dibuat oleh geoapp, seed {seed}"


@dataclass
class SampleTable:
    """One sample file: title lines, a header and rows of cell values.

    ``kinds`` says per row whether it is ``data``, ``blank`` or ``total``; ``truth`` holds
    the true kelurahan kode of every data row (None for rows that name no kelurahan of the
    city or cannot be decided, which a matcher must not match).
    """

    filename: str
    titles: list[str]
    header: list[str]
    rows: list[list[object]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    truth: list[str | None] = field(default_factory=list)

    def add(self, cells: list[object], kode: str | None) -> None:
        self.rows.append(cells)
        self.kinds.append("data")
        self.truth.append(kode)

    def add_blank(self) -> None:
        self.rows.append([""] * len(self.header))
        self.kinds.append("blank")

    def add_total(self, cells: list[object]) -> None:
        self.rows.append(cells)
        self.kinds.append("total")


def kelurahan_text(kel: Kelurahan, rng: np.random.Generator, share: float = MESSY_SHARE) -> str:
    """The kelurahan name as typed: clean, or messy for about ``share`` of rows."""
    return messy_name(kel.nama, rng) if rng.random() < share else kel.nama


def kecamatan_text(kel: Kelurahan, rng: np.random.Generator,
                   share: float = KECAMATAN_MESSY_SHARE) -> str:
    """The kecamatan name as typed: clean, or messy for about ``share`` of rows."""
    return messy_kecamatan(kel.nama_kecamatan, rng) if rng.random() < share else kel.nama_kecamatan


def kode_cell(kel: Kelurahan, rng: np.random.Generator) -> str:
    """The kode as typed: dotted, plain digits or empty."""
    return kode_text(kel.kode, int(rng.choice(3, p=KODE_FORMS)))


def csv_bytes(table: SampleTable, *, delimiter: str = ",", bom: bool = False,
              pad_titles: bool = False) -> bytes:
    """The table as CSV (CRLF line ends), title lines above the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    width = len(table.header)
    for title in table.titles:
        if pad_titles:
            writer.writerow([title] + [""] * (width - 1))
        else:
            writer.writerow([title] if title else [])
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    text = buffer.getvalue()
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` and return the path."""
    path.write_bytes(data)
    return path
