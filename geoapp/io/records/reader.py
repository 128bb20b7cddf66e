"""Read CSV/XLSX bytes into a RecordTable: the one entry point of the record readers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.io.records.columns import parse_numeric_columns
from geoapp.io.records.csv_reader import read_csv_grid
from geoapp.io.records.grid import blank_column, blank_rows, trailing_empty_columns
from geoapp.io.records.headers import (
    BAD_HEADER_ROW,
    EMPTY_SHEET,
    EMPTY_TABLE,
    HEADER_SEARCH_ROWS,
    NO_HEADER,
    build_mapping,
    detect_header_row,
    header_problems,
)
from geoapp.io.records.limits import drop_absurd_numbers
from geoapp.io.records.source import detect_format
from geoapp.io.records.subheader import combine_sub_header, sub_header_note
from geoapp.io.records.totals import detect_total_rows
from geoapp.io.records.types import ReadInfo, RecordTable
from geoapp.io.records.xlsx_reader import XLSX_TOO_MANY_ROWS as TOO_MANY_ROWS
from geoapp.io.records.xlsx_reader import read_xlsx_grid

NO_DATA_ROWS = Msg(
    "no_data_rows",
    "There are no data rows below the header row (row {header_row}). Check the file "
    "or choose another header_row.",
)
BAD_MAX_ROWS = Msg(
    "bad_max_rows",
    "max_rows must be a positive whole number; received: {received}.",
)
BAD_MAX_COLUMNS = Msg(
    "bad_max_columns",
    "max_columns must be a positive whole number; received: {received}.",
)


@dataclass
class _Raw:
    grid: pd.DataFrame
    native: pd.DataFrame | None
    first_row: int
    info: ReadInfo
    locale_hint: str | None
    records: int | None = None     # source rows (from row 1) as the reader counted them


def _read_raw(data: bytes, filename: str, sheet: str | None, max_rows: int | None,
              max_columns: int | None = None) -> _Raw:
    kind, notes = detect_format(data, filename)
    if kind == "xlsx":
        x = read_xlsx_grid(data, filename, sheet=sheet, max_rows=max_rows,
                           max_columns=max_columns)
        info = ReadInfo(filename=filename, file_format="xlsx", sheet=x.sheet, sheets=x.sheets,
                        notes=notes + x.notes)
        return _Raw(x.grid, x.native, 1, info, None, x.rows)
    # The whole CSV is read (uploads are size-limited) so that max_rows is checked against
    # the real number of data rows below the header, never by silently cutting rows off.
    c = read_csv_grid(data, filename, max_columns=max_columns)
    info = ReadInfo(filename=filename, file_format="csv", encoding=c.encoding,
                    delimiter=c.delimiter, notes=notes + c.notes)
    hint = "id" if c.delimiter == ";" else None
    return _Raw(c.grid, None, c.first_row, info, hint, c.records)


def _header_index(raw: _Raw, header_row: int | None) -> int:
    """0-based grid row of the header (user choice, else detected)."""
    last = raw.first_row + len(raw.grid) - 1
    if header_row is not None:
        if isinstance(header_row, bool) or not isinstance(header_row, int | np.integer) or not (
            raw.first_row <= header_row <= last
        ):
            raise GeoappError(BAD_HEADER_ROW, 400, received=header_row, rows=last)
        raw.info.header_row_detected = False
        return int(header_row) - raw.first_row
    found = detect_header_row(raw.grid.head(HEADER_SEARCH_ROWS))
    if found is None:
        raise GeoappError(NO_HEADER, 422, rows=min(HEADER_SEARCH_ROWS, len(raw.grid)))
    return found


def _with_sub_header(raw: _Raw, h: int, headers: list[str],
                     detected: bool) -> tuple[list[str], int]:
    """(headers, 0-based grid row where data starts): a detected header and the
    sub-label row below it are combined ("Peserta" over "L"/"P" -> "Peserta L")."""
    if not detected or h + 1 >= len(raw.grid):
        return headers, h + 1
    below = ["" if v is None else str(v) for v in raw.grid.iloc[h + 1].tolist()]
    combined = combine_sub_header(headers, below)
    if combined is None:
        return headers, h + 1
    raw.info.notes.append(sub_header_note(raw.first_row + h, combined, headers))
    return combined, h + 2


def _take_rows(body: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The kept rows, renumbered; a contiguous run is sliced without copying cells."""
    if len(keep) and keep[-1] - keep[0] + 1 == len(keep):
        return body.iloc[int(keep[0]): int(keep[-1]) + 1].reset_index(drop=True)
    return body.iloc[keep].reset_index(drop=True)


def _check_limits(max_rows: int | None, max_columns: int | None) -> None:
    """Each limit is None or a positive whole number (400 otherwise)."""
    for value, msg in ((max_rows, BAD_MAX_ROWS), (max_columns, BAD_MAX_COLUMNS)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1
        ):
            raise GeoappError(msg, 400, received=value)


def read_records(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    columns: dict[str, str | int] | None = None,
    max_rows: int | None = None,
    max_columns: int | None = None,
) -> RecordTable:
    """Read an uploaded CSV or XLSX (as bytes) into a RecordTable of original cell texts.

    The format is decided by content. ``header_row`` is 1-based in the source; ``columns``
    maps a role (kelurahan|kecamatan|kode|lat|lon) to a header text or a 1-based column
    number; more than ``max_rows`` data rows or ``max_columns`` columns raises 413.
    """
    _check_limits(max_rows, max_columns)
    raw = _read_raw(data, filename, sheet, max_rows, max_columns)
    info = raw.info
    all_blank = blank_rows(raw.grid)
    if all_blank.all():
        raise GeoappError(EMPTY_SHEET if info.sheet else EMPTY_TABLE, 422, filename=filename, sheet=info.sheet)
    h = _header_index(raw, header_row)
    info.header_row = raw.first_row + h
    headers = ["" if v is None else str(v) for v in raw.grid.iloc[h].tolist()]
    headers, start = _with_sub_header(raw, h, headers, detected=header_row is None)
    body = raw.grid.iloc[start:]
    tail = trailing_empty_columns(headers, body)
    if tail:
        headers = headers[: len(headers) - tail]
        body = body.iloc[:, : len(headers)]
    blank = all_blank[start:]
    info.blank_rows = int(blank.sum())
    if raw.records is not None and raw.records >= 0:
        info.rows_seen = max(raw.records - (raw.first_row - 1) - start, 0)
    keep = np.flatnonzero(~blank)
    if len(keep) == 0:
        raise GeoappError(NO_DATA_ROWS, 422, header_row=info.header_row)
    if max_rows is not None and len(keep) > max_rows:
        raise GeoappError(TOO_MANY_ROWS, 413, rows=len(keep), max_rows=max_rows)
    cells = _take_rows(body, keep)
    cells.columns = range(len(headers))
    source_rows = (raw.first_row + start + keep).astype(np.int64)
    has_data = [bool(h.strip()) or not blank_column(cells[p]).all()
                for p, h in enumerate(headers)]
    info.problems.extend(header_problems(headers, has_data))
    mapping = build_mapping(headers, columns)
    native = None
    if raw.native is not None:
        native = raw.native.iloc[start + keep, : len(headers)].reset_index(drop=True)
        native.columns = range(len(headers))
    numeric, formats, unparsed = parse_numeric_columns(
        cells, headers, mapping, locale_hint=raw.locale_hint, native=native
    )
    info.problems.extend(drop_absurd_numbers(numeric, unparsed, headers, source_rows))
    return RecordTable(
        headers=headers, cells=cells, source_rows=source_rows,
        is_total=detect_total_rows(cells, mapping), numeric=numeric, number_formats=formats,
        unparsed_numbers=unparsed, mapping=mapping, info=info,
    )

