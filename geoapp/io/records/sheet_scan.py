"""Rows and width of every worksheet of an XLSX, from its raw XML, before openpyxl opens it.

openpyxl builds an object per cell of every sheet and ``iter_rows`` pads each row to
the sheet's widest one, so a sheet of a million rows, of 20,001 columns, or with a
single cell in column XFD (16,384) costs seconds and hundreds of MB before the reader
could look at it. This scan streams each worksheet member in 1 MB chunks with a few
regular expressions (no XML parsing, no entity expansion) and stops at the first sheet
wider than the limit. A row's width is the larger of its number of cells and the
highest column named in a cell reference (``r="GS12"``); cells written without a
reference count by position, as openpyxl reads them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_CHUNK = 1 << 20
_MAX_TAG_SPLIT = 256         # a tag may straddle two chunks only within this many bytes
_MAX_LETTERS = 3             # XFD, the last column Excel has


def column_number(letters: bytes) -> int:
    """1-based column number of spreadsheet column letters (``b"A"`` 1, ``b"XFD"`` 16384)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _letters_needed(max_columns: int | None) -> int:
    """Fewest column letters a reference beyond ``max_columns`` can have (1 when no limit)."""
    if not max_columns:
        return 1
    count, span = 1, 26
    while max_columns >= span and count < _MAX_LETTERS:
        count += 1
        span = span * 26 + 26
    return count


@dataclass
class SheetSize:
    """What the scan found in one worksheet member."""

    member: str
    rows: int = 0
    columns: int = 0


class _Scan:
    """Running counts over the chunks of one worksheet member."""

    def __init__(self, member: str, max_columns: int | None, row_limit: int | None) -> None:
        self.size = SheetSize(member)
        self.open_cells = 0              # cells of the row still open at the chunk's end
        self.row_limit = row_limit       # past this many rows only rows are counted
        letters = _letters_needed(max_columns)
        self.ref = re.compile(rb"(?<![\w:.-])r\s*=\s*[\"']([A-Za-z]{%d,%d})[0-9]"
                              % (letters, _MAX_LETTERS))

    def feed(self, body: bytes) -> None:
        if self.row_limit is not None and self.size.rows > self.row_limit:
            self.size.rows += len(_ROW_TAG.findall(body))  # refused for its rows anyway
            return
        parts = _ROW_TAG.split(body)
        self.size.rows += len(parts) - 1
        widest = self.size.columns
        for i, part in enumerate(parts):
            cells = len(_CELL_TAG.findall(part))
            if i == 0:
                self.open_cells += cells
            else:
                widest = max(widest, self.open_cells)
                self.open_cells = cells
        refs = set(self.ref.findall(body))
        if refs:
            widest = max(widest, *(column_number(r) for r in refs))
        self.size.columns = max(widest, self.open_cells)  # the open row counts so far

    def finish(self) -> SheetSize:
        return self.size


def scan_member(member: io.BufferedIOBase, name: str, max_columns: int | None,
                too_wide: Callable[[SheetSize], None] | None = None,
                row_limit: int | None = None) -> SheetSize:
    """Rows and widest row of one worksheet member, streamed.

    ``too_wide`` is called (it should raise) as soon as the width passes ``max_columns``,
    so a very wide sheet is not read to its end. Past ``row_limit`` rows (a sheet that is
    refused for its length) only the rows are counted.
    """
    scan, tail = _Scan(name, max_columns, row_limit), b""
    while chunk := member.read(_CHUNK):
        block = tail + chunk
        cut = block.rfind(b"<")
        if cut < 0 or len(block) - cut > _MAX_TAG_SPLIT:
            cut = len(block)
        scan.feed(block[:cut])
        tail = block[cut:]
        if too_wide is not None and max_columns and scan.size.columns > max_columns:
            too_wide(scan.size)
    scan.feed(tail)
    size = scan.finish()
    if too_wide is not None and max_columns and size.columns > max_columns:
        too_wide(size)
    return size


def worksheet_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The worksheet XML members of an open workbook zip."""
    return [info for info in zf.infolist()
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")]
