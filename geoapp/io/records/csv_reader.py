"""Read CSV text bytes into a raw grid of text cells (all rows, no header yet)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.io.records.arrow_csv import read_arrow_grid
from geoapp.io.records.width import check_width

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 65536
COUNT_STEP = 1 << 20          # bytes compared at once when counting line breaks

CSV_CUT_OFF = Msg(
    "csv_cut_off",
    "The file seems cut off at the end (incomplete UTF-8 character); that part was ignored.",
)
CSV_BAD_BYTES = Msg(
    "csv_bad_bytes",
    "Some bytes could not be read as text and were replaced by '?'. Save the file as CSV UTF-8.",
)
CSV_UNREADABLE = Msg(
    "csv_unreadable",
    "The file '{filename}' could not be read as CSV: {detail}. Check the quote marks, "
    "or save it again as CSV UTF-8.",
)


@dataclass
class CsvGrid:
    """Raw CSV content: ``grid`` has columns 0..n-1 of text, one row per source record."""

    grid: pd.DataFrame
    encoding: str
    delimiter: str
    first_row: int = 1                      # source row number of grid row 0
    notes: list[Note] = field(default_factory=list)
    records: int | None = None              # records in the whole source, counted apart


def count_byte(data: bytes, byte: bytes) -> int:
    """How often one byte occurs in ``data`` (numpy over 1 MB slices: about four times
    faster than ``bytes.count`` on large files, with a bounded temporary)."""
    view = np.frombuffer(data, dtype=np.uint8)
    value, step = byte[0], COUNT_STEP
    return sum(int(np.count_nonzero(view[i:i + step] == value)) for i in range(0, len(view), step))


def count_records(data: bytes, encoding: str, delimiter: str) -> int | None:
    """Records (lines, blank ones too) in CSV bytes, counted independently of the parser.

    Without quote marks this is a line count; with them the csv module counts, so line
    breaks inside quoted values do not add records. None when they cannot be counted.
    """
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not body:
        return 0
    if body.find(b'"') < 0:
        breaks = count_byte(body, b"\n")
        if not breaks:
            breaks = count_byte(body, b"\r")
            return breaks + (not body.endswith(b"\r"))
        return breaks + (not body.endswith(b"\n"))
    encoding = encoding if encoding != "utf-8-sig" else "utf-8"
    try:
        if b"\n" in body and body.count(b"\r") == body.count(b"\r\n"):
            few = _count_few_quoted(body, encoding, delimiter)
            if few is not None:
                return few
        text = body.decode(encoding, errors="replace")
        return sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return None


def _count_few_quoted(body: bytes, encoding: str, delimiter: str) -> int | None:
    """Lines less the line breaks inside quoted values, when few lines hold a quote mark:
    only the records starting on such a line are read by the csv module (a value can
    only span lines from a line with a quote mark). None: too many such lines."""
    lines = body.count(b"\n") + (not body.endswith(b"\n"))
    budget, extra, pos = lines // 10, 0, 0
    if body.count(b'"') > 2 * budget + 2:
        return None
    while (quote := body.find(b'"', pos)) >= 0:
        start = body.rfind(b"\n", 0, quote) + 1
        budget -= 1
        if budget < 0:
            return None
        ends = [start]
        reader = csv.reader(_lines_from(body, start, encoding, ends), delimiter=delimiter)
        next(reader)
        extra += reader.line_num - 1
        pos = ends[-1]
    return lines - extra


def _lines_from(body: bytes, start: int, encoding: str, ends: list[int]):  # noqa: ANN202
    """Decoded lines of ``body`` from ``start``; ``ends`` gets each line's end offset."""
    while start < len(body):
        newline = body.find(b"\n", start)
        stop = len(body) if newline < 0 else newline + 1
        ends.append(stop)
        yield body[start:stop].decode(encoding, errors="replace")
        start = stop


def detect_encoding(data: bytes) -> tuple[str, str, list[Note]]:
    """(pandas encoding, encoding to report, notes): UTF-8 (with/without BOM), else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        name = "utf-8-sig"
        body = data[3:]
    else:
        name, body = "utf-8", data
    try:
        body.decode("utf-8")
        return name, name, []
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 3 and exc.reason == "unexpected end of data":
            return name, name, [Note.of(CSV_CUT_OFF)]
    try:
        data.decode("cp1252")
        return "cp1252", "cp1252", []
    except UnicodeDecodeError:
        return "cp1252", "cp1252", [Note.of(CSV_BAD_BYTES)]


def _sample_text(data: bytes, encoding: str) -> str:
    text = data[:SAMPLE_BYTES].decode(encoding, errors="replace")
    if len(data) > SAMPLE_BYTES and "\n" in text:
        text = text[: text.rfind("\n")]
    return text


def _field_counts(sample: str, delimiter: str) -> list[int]:
    try:
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    except csv.Error:
        return []
    return [len(r) for r in rows if any(c.strip() for c in r)]


def sniff_delimiter(sample: str) -> tuple[str, int]:
    """Pick the delimiter giving the most rows with the same (>1) field count; also max fields."""
    best = (",", (0, 0), 1)
    for delim in DELIMITERS:
        counts = _field_counts(sample, delim)
        if not counts:
            continue
        common, rows = Counter(c for c in counts if c > 1).most_common(1)[0] if any(
            c > 1 for c in counts) else (1, 0)
        score = (rows, common)
        if score > best[1]:
            best = (delim, score, max(counts))
    if best[1][0] == 0:
        return ",", max(_field_counts(sample, ",") or [1])
    return best[0], best[2]


def _max_fields(text: str, delimiter: str, stop: int | None = None) -> int:
    """The widest record's field count; returned as soon as it passes ``stop``."""
    widest = None
    for record in csv.reader(io.StringIO(text), delimiter=delimiter):
        widest = len(record) if widest is None else max(widest, len(record))
        if stop and widest > stop:
            break
    return 1 if widest is None else widest


def _read(data: bytes, *, encoding: str, delimiter: str, ncols: int, skip: int,
          nrows: int | None) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(data), sep=delimiter, header=None, names=list(range(ncols)), index_col=False,
        dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False,
        encoding=encoding, encoding_errors="replace", skiprows=skip, nrows=nrows,
        quotechar='"', doublequote=True, engine="c",
    )


def _dialect(sample: str) -> tuple[str, int, int]:
    """(delimiter, column count, rows to skip) from a ``sep=`` line or by sniffing."""
    first = sample.split("\n", 1)[0].strip().lower()
    if first.startswith("sep=") and len(first) == 5 and first[4] in "".join(DELIMITERS) + "\t":
        delimiter = first[4]
        return delimiter, _max_fields(sample.split("\n", 1)[1] if "\n" in sample else "", delimiter), 1
    delimiter, ncols = sniff_delimiter(sample)
    return delimiter, ncols, 0


def _check_sample_width(data: bytes, sample: str, encoding: str, delimiter: str, ncols: int,
                        filename: str, max_columns: int | None) -> None:
    """Refuse (413) when the sample is wider than ``max_columns``. A sample that ends inside
    the first record undercounts it, so that record is then counted to its end (for the
    message only: the file is refused either way)."""
    if not max_columns or ncols <= max_columns:
        return
    if "\n" not in sample and "\r" not in sample:
        first = re.split(rb"\r\n|\r|\n", data, maxsplit=1)[0]
        ncols = max(ncols, _max_fields(first.decode(encoding, errors="replace"), delimiter))
    check_width(ncols, filename, max_columns)


def _fast_grid(data: bytes, filename: str, nrows: int | None,
               max_columns: int | None = None) -> CsvGrid | None:
    """The pyarrow path for clean UTF-8 files; None when it does not apply."""
    bom = data.startswith(b"\xef\xbb\xbf")
    body = memoryview(data)[3:] if bom else data
    sample = _sample_text(bytes(body[:SAMPLE_BYTES + 1]), "utf-8")
    delimiter, ncols, skip = _dialect(sample)
    _check_sample_width(data, sample, "utf-8-sig", delimiter, ncols, filename, max_columns)
    quoted = data.find(b'"') >= 0

    def read_head(count: int) -> pd.DataFrame:
        return _read(data, encoding="utf-8-sig" if bom else "utf-8", delimiter=delimiter,
                     ncols=ncols, skip=skip, nrows=count)

    try:
        grid = read_arrow_grid(body, delimiter=delimiter, ncols=ncols, skip=skip, sample=sample,
                               quoted=quoted, read_head=read_head)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    if grid is None:
        return None
    if nrows is not None and len(grid) > nrows:
        grid = grid.iloc[:nrows]
    encoding = "utf-8-sig" if bom else "utf-8"
    return CsvGrid(grid=grid, encoding=encoding, delimiter=delimiter, first_row=1 + skip,
                   records=count_records(data, "utf-8", delimiter))


def read_csv_grid(data: bytes, filename: str, *, nrows: int | None = None,
                  max_columns: int | None = None) -> CsvGrid:
    """Decode, sniff and parse CSV bytes into a text grid (every record, blank ones too).

    Clean UTF-8 files go through pyarrow when it is installed (columns come back as
    Categoricals or pyarrow strings); anything it refuses is read by pandas' C parser.
    A row of more than ``max_columns`` fields is refused (413) before the grid is built:
    from the sniffed sample, or when the parser meets a wider row further down.
    """
    fast = _fast_grid(data, filename, nrows, max_columns)
    if fast is not None:
        return fast
    encoding, reported, notes = detect_encoding(data)
    sample = _sample_text(data, encoding)
    delimiter, ncols, skip = _dialect(sample)
    _check_sample_width(data, sample, encoding, delimiter, ncols, filename, max_columns)
    try:
        try:
            grid = _read(data, encoding=encoding, delimiter=delimiter, ncols=ncols, skip=skip, nrows=nrows)
        except pd.errors.ParserError:
            text = data.decode(encoding, errors="replace")
            ncols = _max_fields(text, delimiter, stop=max_columns)
            check_width(ncols, filename, max_columns)
            grid = _read(data, encoding=encoding, delimiter=delimiter, ncols=ncols, skip=skip, nrows=nrows)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise GeoappError(CSV_UNREADABLE, 422, filename=filename, detail=detail) from exc
    return CsvGrid(grid=grid, encoding=reported, delimiter=delimiter, first_row=1 + skip, notes=notes,
                   records=count_records(data, encoding, delimiter))
