"""Plain data types produced by the record readers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geoapp.core.i18n import Note

ROLES = ("kelurahan", "kecamatan", "kode", "lat", "lon", "kabupaten", "provinsi")


@dataclass
class ColumnMapping:
    """Which column (0-based position in ``RecordTable.headers``) plays which role."""

    kelurahan: int | None = None
    kecamatan: int | None = None
    kode: int | None = None
    lat: int | None = None
    lon: int | None = None
    kabupaten: int | None = None
    provinsi: int | None = None

    def as_dict(self, headers: list[str]) -> dict[str, str | None]:
        """Role -> original header text (for reports)."""
        out: dict[str, str | None] = {}
        for role in ROLES:
            pos = getattr(self, role)
            out[role] = None if pos is None else headers[pos]
        return out


@dataclass
class ReadInfo:
    """How a file was read, for the report and the ledger."""

    filename: str
    file_format: str                  # "csv" | "xlsx"
    encoding: str | None = None       # "utf-8", "utf-8-sig", "cp1252"; None for xlsx
    delimiter: str | None = None      # ",", ";", "\t", "|"; None for xlsx
    sheet: str | None = None          # sheet name for xlsx
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1               # 1-based row number of the header in the source
    header_row_detected: bool = True  # False when the user chose it
    blank_rows: int = 0               # blank data rows counted and skipped
    notes: list[Note] = field(default_factory=list)      # merged cells filled, etc.
    problems: list[Note] = field(default_factory=list)   # duplicate/empty headers, etc.
    rows_seen: int | None = None      # source rows below the header, counted by the reader
    # filled by matching: which column was used for what (see matching.column_roles)
    column_notes: list[Note] = field(default_factory=list)
    column_use: list[dict] = field(default_factory=list)


@dataclass
class RecordTable:
    """Every non-blank data row of one input, as the original text.

    ``cells`` has integer columns ``0..n-1`` (positions in ``headers``) holding the
    original cell text ('' when empty), one row per non-blank data row in input order,
    total rows included. ``numeric`` holds parsed floats (NaN when empty or unparseable)
    for the columns detected as numbers.
    """

    headers: list[str]
    cells: pd.DataFrame
    source_rows: np.ndarray           # 1-based row number in the source file, per row
    is_total: np.ndarray              # bool per row: a JUMLAH/TOTAL row, excluded from sums
    numeric: dict[int, np.ndarray]    # column position -> float64 values per row
    number_formats: dict[int, str]    # column position -> "id" | "en" | "int"
    unparsed_numbers: dict[int, int]  # column position -> count of non-empty unparseable cells
    mapping: ColumnMapping
    info: ReadInfo

    def __len__(self) -> int:
        return len(self.cells)

    def column(self, pos: int | None) -> pd.Series | None:
        """The text of one column, or None when the role is absent."""
        return None if pos is None else self.cells[pos]
