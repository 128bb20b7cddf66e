"""Signature and footer lines under a spreadsheet's table, recognised as non-data rows.

Official recaps end with a place and date ("Tangerang, 16 Januari 2023"), an office
("Kepala Dinas ..."), a name and an NIP. Read as rows, they are rows without a code, a
number or coordinates whose one text would be offered as a kelurahan name. ``footer_rows``
finds the trailing block of such rows when one of them is a signature line (a date,
"Mengetahui", a title, an NIP); they are excluded with their text as the note, and
``non_data_rows`` lists them for the ledger. Nothing is dropped: they stay in the ledger
(as excluded) and in the stored version.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from geoapp.core.i18n import Msg
from geoapp.io.records.types import RecordTable

FOOTER_NOTE = Msg("footer.note", "Signature or footer line, not data: '{text}'.")

_MONTHS = ("januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|"
           "november|nopember|desember|january|february|march|may|june|july|august|"
           "october|december|jan|feb|mar|apr|jun|jul|agu|agt|sep|okt|nov|des")
_SIGNATURE = re.compile(
    r"(\b\d{1,2}\s+(" + _MONTHS + r")\.?\s+\d{4}\b)"
    r"|(^\s*(mengetahui|menyetujui|disahkan|dibuat oleh|diperiksa|tertanda|ttd)\b)"
    r"|(\bnip\b\.?)|(^\s*(kepala|camat|lurah|sekretaris|ketua|plt\.?|plh\.?|an\.|a\.n\.)\s)",
    re.I,
)


def _row_texts(table: RecordTable, i: int) -> list[str]:
    return [t for t in (" ".join(str(c).split()) for c in table.cells.iloc[i]) if t]


def _has_figures(table: RecordTable, i: int) -> bool:
    """A number in a numeric column, or a code/coordinate cell: a data row."""
    if any(np.isfinite(values[i]) for values in table.numeric.values()):
        return True
    m = table.mapping
    for position in (m.kode, m.lat, m.lon):
        if position is not None and str(table.cells.iat[i, position]).strip():
            return True
    return False


def footer_rows(table: RecordTable) -> np.ndarray:
    """Bool per row: in the trailing block of rows without figures, the rows from its
    first signature line on (see the module docstring). All False when there is none."""
    n = len(table)
    out = np.zeros(n, dtype=bool)
    start = n
    while start > 0 and not _has_figures(table, start - 1) and not table.is_total[start - 1]:
        start -= 1
    if start == 0:      # no row has figures: nothing tells data from footer
        return out
    first = next((i for i in range(start, n)
                  if _SIGNATURE.search(" ".join(_row_texts(table, i)))), None)
    if first is not None:
        out[first:] = True
    return out


def row_text(table: RecordTable, i: int, limit: int = 200) -> str:
    """A row's non-empty cells as one text (for notes and the ledger)."""
    text = " · ".join(_row_texts(table, i))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def footer_note(table: RecordTable, i: int, lang: str) -> str:
    return FOOTER_NOTE.text(lang, text=row_text(table, i))


def non_data_rows(table: RecordTable, footer: np.ndarray) -> list[dict[str, Any]]:
    """The footer rows for the ledger: source row number and text."""
    return [{"row": int(table.source_rows[i]), "text": row_text(table, i)}
            for i in np.flatnonzero(footer)]
