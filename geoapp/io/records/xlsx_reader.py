"""Read one XLSX sheet into a raw grid of text cells, after checking the zip is safe."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.io.records.sheet_scan import SheetSize, scan_member, worksheet_members
from geoapp.io.records.width import check_width

MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200
RATIO_MIN_SIZE = 1024 * 1024

XLSX_BOMB = Msg(
    "xlsx_too_large",
    "The file '{filename}' was rejected: it is too large once unpacked "
    "({detail}). Send less data or a CSV.",
)
XLSX_UNREADABLE = Msg(
    "xlsx_unreadable",
    "The file '{filename}' could not be opened as XLSX ({detail}). Save it again from "
    "Excel as .xlsx and re-upload.",
)
XLSX_NO_SHEET = Msg(
    "xlsx_unknown_sheet",
    "There is no sheet '{sheet}'. Available sheets: {available}.",
)
XLSX_EMPTY = Msg("xlsx_empty", "The workbook '{filename}' has no data on any sheet ({available}).")
XLSX_TOO_MANY_ROWS = Msg(
    "too_many_rows",
    "The file has {rows} rows, more than the limit of {max_rows}. Split the file into parts.",
)
XLSX_UNSAFE_XML = Msg(
    "xlsx_unsafe_xml",
    "The file '{filename}' was rejected: its XML contains entity declarations (DTD), "
    "which Excel never writes and which can be used for attacks. Open it in Excel, save "
    "it again as .xlsx and re-upload.",
)
XLSX_MERGED = Msg(
    "merged_cells_filled",
    "{count} merged cell ranges were filled with their value in every cell (e.g. {example}).",
)


@dataclass
class XlsxGrid:
    """Raw sheet content: text grid, plus native numbers (NaN where the cell was not a number)."""

    grid: pd.DataFrame
    native: pd.DataFrame
    sheet: str
    sheets: list[str]
    notes: list[Note] = field(default_factory=list)
    rows: int | None = None     # rows of the sheet as the worksheet reports them (max_row)


def check_zip(data: bytes, filename: str) -> None:
    """Reject zip bombs: too many members, too large when unpacked, or extreme compression."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise GeoappError(XLSX_UNREADABLE, 422, filename=filename, detail="zip") from exc
    if len(infos) > MAX_MEMBERS:
        raise GeoappError(XLSX_BOMB, 413, filename=filename, detail=f"{len(infos)} members")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise GeoappError(XLSX_BOMB, 413, filename=filename, detail=f"{total // 2**20} MB")
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise GeoappError(XLSX_BOMB, 413, filename=filename, detail=f"ratio {ratio}:1")


def _refuse_wide(filename: str, max_columns: int | None) -> Callable[[SheetSize], None]:
    def refuse(size: SheetSize) -> None:
        check_width(size.columns, filename, max_columns)
    return refuse


def check_sheet_sizes(data: bytes, filename: str, max_rows: int | None,
                      max_columns: int | None = None) -> None:
    """Refuse a workbook with a sheet of far more than ``max_rows`` rows, or of more than
    ``max_columns`` columns, before it is opened (see ``geoapp.io.records.sheet_scan``)."""
    if max_rows is None and not max_columns:
        return
    row_limit = None if max_rows is None else max_rows + 1000
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in worksheet_members(zf):
                with zf.open(info) as member:
                    size = scan_member(member, info.filename, max_columns,
                                       _refuse_wide(filename, max_columns), row_limit)
                if row_limit is not None and size.rows > row_limit:
                    raise GeoappError(XLSX_TOO_MANY_ROWS, 413, rows=size.rows, max_rows=max_rows)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise GeoappError(XLSX_UNREADABLE, 422, filename=filename, detail="zip") from exc


def cell_text(value: object) -> str:
    """A cell value as text: integers without '.0', dates as ISO text, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _native(value: object) -> float:
    """A cell stored as a number as float; NaN otherwise (an overflowed '1E309' too: its
    text is then parsed, and counted as unreadable)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an int beyond float range
            return math.nan
        return number if math.isfinite(number) else math.nan
    return math.nan


def _open(data: bytes, filename: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        if _forbidden_xml(exc):
            raise GeoappError(XLSX_UNSAFE_XML, 422, filename=filename) from exc
        detail = type(exc).__name__
        raise GeoappError(XLSX_UNREADABLE, 422, filename=filename, detail=detail) from exc


def _forbidden_xml(exc: BaseException | None) -> bool:
    """True when defusedxml refused the XML (entities, DTD, external references)."""
    from defusedxml import DefusedXmlException

    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _pick_sheet(wb, sheet: str | None, filename: str, max_columns: int | None = None):
    names = list(wb.sheetnames)
    available = ", ".join(names)
    if sheet is not None:
        for wanted in (sheet, sheet.strip().casefold()):
            for name in names:
                if name == wanted or name.strip().casefold() == wanted:
                    return _narrow(wb[name], filename, max_columns), names
        raise GeoappError(XLSX_NO_SHEET, 404, sheet=sheet, available=available)
    for name in names:
        ws = _narrow(wb[name], filename, max_columns)
        if hasattr(ws, "iter_rows") and any(
            v is not None for row in ws.iter_rows(values_only=True) for v in row
        ):
            return ws, names
    raise GeoappError(XLSX_EMPTY, 422, filename=filename, available=available)


def _narrow(ws, filename: str, max_columns: int | None):
    """The sheet, once its width (as openpyxl read it) is within ``max_columns``.

    The XML scan before opening catches the usual ways of writing a wide sheet; this
    catches the rest before ``iter_rows`` pads every row to the widest one.
    """
    check_width(getattr(ws, "max_column", 0) or 0, filename, max_columns)
    return ws


def _fill_merged(ws, rows: list[list[object]]) -> list[Note]:
    ranges = list(getattr(ws, "merged_cells", None).ranges) if hasattr(ws, "merged_cells") else []
    filled = []
    for rng in ranges:
        top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(rows) else None
        if top is None:
            continue
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, min(rng.max_col, len(rows[r]))):
                rows[r][c] = top
        filled.append(rng.coord)
    if not filled:
        return []
    return [Note.of(XLSX_MERGED, count=len(filled), example=filled[0])]


def read_xlsx_grid(data: bytes, filename: str, *, sheet: str | None = None,
                   max_rows: int | None = None, max_columns: int | None = None) -> XlsxGrid:
    """Check, open and read one sheet (merged cells filled) into text and native grids.

    More than ``max_rows`` rows or ``max_columns`` columns in any sheet is refused (413)
    before the workbook is opened.
    """
    check_zip(data, filename)
    check_sheet_sizes(data, filename, max_rows, max_columns)
    wb = _open(data, filename)
    ws, names = _pick_sheet(wb, sheet, filename, max_columns)
    if max_rows is not None and ws.max_row > max_rows + 1000:
        raise GeoappError(XLSX_TOO_MANY_ROWS, 413, rows=ws.max_row, max_rows=max_rows)
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]
    notes = _fill_merged(ws, rows)
    text = pd.DataFrame([[cell_text(v) for v in r] for r in rows], columns=range(width), dtype=object)
    native = pd.DataFrame(
        np.array([[_native(v) for v in r] for r in rows], dtype=float).reshape(len(rows), width),
        columns=range(width),
    )
    seen = ws.max_row if rows else 0
    return XlsxGrid(grid=text, native=native, sheet=ws.title, sheets=names, notes=notes,
                    rows=seen)
