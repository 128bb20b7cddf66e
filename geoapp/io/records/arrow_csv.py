"""The fast CSV path: pyarrow's multithreaded parser, text columns as Categoricals.

Every cell stays the original text. Columns whose sample repeats values are parsed
straight into dictionary arrays and handed over as pandas Categoricals (codes per row
plus the distinct texts), so later per-column work runs on distinct texts only; columns
of mostly distinct values (row numbers, NIK, addresses) stay pyarrow strings.

Returns None whenever the fast path does not apply (pyarrow missing, invalid UTF-8,
ragged rows, a wider row than the sample showed): the caller then uses pandas' C parser.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

DISTINCT_SHARE = 0.5        # sample share of distinct values above which a column stays text
MIN_SAMPLE_ROWS = 200       # below this many sample rows every column is dictionary-encoded


def _pyarrow():  # noqa: ANN202
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return None, None
    return pa, pacsv


def _sample_records(sample: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    except csv.Error:
        return []


def _preamble(records: list[list[str]], ncols: int) -> int:
    """Records before the first full-width one (title rows); pyarrow takes its width from row 1."""
    for i, rec in enumerate(records):
        if len(rec) == ncols:
            return i
    return -1


def _plain_head(sample: str, lines: int, read_head: Callable[[int], pd.DataFrame] | None) -> bool:
    """Title rows can be read apart only when they are plain lines (no quotes, valid text),
    so that the C parser and pyarrow count them alike."""
    head = re.split(r"\r\n|\r|\n", sample, maxsplit=lines)[:lines]
    return read_head is not None and not any('"' in line or "\ufffd" in line for line in head)


def _ascii(body: bytes | memoryview) -> bool:
    """Only 7-bit bytes: valid UTF-8 as it stands, so pyarrow need not check each cell
    (one vectorised pass over the bytes is several times cheaper)."""
    return not len(body) or int(np.frombuffer(body, dtype=np.uint8).max()) < 0x80


def _dictionary_columns(records: list[list[str]], ncols: int) -> list[bool]:
    """Per column: do the sample's values repeat enough to dictionary-encode it?"""
    body = [r for r in records if len(r) == ncols]
    if len(body) < MIN_SAMPLE_ROWS:
        return [True] * ncols
    return [len({r[i] for r in body}) <= DISTINCT_SHARE * len(body) for i in range(ncols)]


def _categorical(chunked, head: list[str]) -> pd.Categorical:  # noqa: ANN001
    """A dictionary ChunkedArray (unified dictionaries) as a Categorical, ``head`` rows first."""
    arr = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
    codes = np.asarray(arr.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    categories = list(arr.dictionary.to_pylist())
    if head:
        known = {c: i for i, c in enumerate(categories)}
        extra = [t for t in dict.fromkeys(head) if t not in known]
        categories += extra
        known.update((t, len(known)) for t in extra)
        codes = np.concatenate([np.array([known[t] for t in head], dtype=np.int32), codes])
    index = pd.Index(np.array(categories, dtype=object), dtype=object)
    return pd.Categorical.from_codes(codes, categories=index, validate=False)


def _text(pa, chunked, head: list[str]) -> pd.Series:  # noqa: ANN001
    """A string ChunkedArray as a pyarrow-backed ``str`` Series, ``head`` rows first."""
    if head:
        chunked = pa.chunked_array([pa.array(head, pa.string()), *chunked.chunks], pa.string())
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    return chunked.to_pandas(types_mapper={pa.string(): dtype}.get)


def read_arrow_grid(
    body: bytes | memoryview,
    *,
    delimiter: str,
    ncols: int,
    skip: int,
    sample: str,
    quoted: bool = True,
    read_head: Callable[[int], pd.DataFrame] | None = None,
) -> pd.DataFrame | None:
    """Parse UTF-8 CSV ``body`` into a grid (columns 0..ncols-1), or None to fall back.

    ``skip`` records (a ``sep=`` line) are dropped; title rows narrower than ``ncols``
    at the top are read by ``read_head(count)`` (the C parser) and put back in front.
    ``quoted``: the file has quote marks (values may then hold line breaks).
    """
    pa, pacsv = _pyarrow()
    if pa is None or ncols < 1:
        return None
    records = _sample_records(sample, delimiter)[skip:]
    lead = _preamble(records, ncols)
    if lead < 0 or (lead > 0 and not _plain_head(sample, skip + lead, read_head)):
        return None
    names = [f"f{i}" for i in range(ncols)]
    dict_type = pa.dictionary(pa.int32(), pa.string())
    as_dict = _dictionary_columns(records, ncols)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, skip_rows=skip + lead),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                             escape_char=False, newlines_in_values=quoted,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: dict_type if d else pa.string() for n, d in zip(names, as_dict, strict=True)},
                strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[],
                check_utf8=not _ascii(body)),
        )
    except (pa.ArrowException, ValueError, OSError):
        return None
    if table.num_columns != ncols or table.column_names != names:
        return None
    head = read_head(lead) if lead else None
    if head is not None and head.shape != (lead, ncols):
        return None
    table = table.unify_dictionaries()
    columns: dict[int, object] = {}
    for i, is_dict in enumerate(as_dict):
        first = [] if head is None else [str(v) for v in head.iloc[:, i].tolist()]
        chunked = table.column(i)
        if not chunked.num_chunks:
            chunked = pa.chunked_array([pa.array([], chunked.type)], chunked.type)
        columns[i] = _categorical(chunked, first) if is_dict else _text(pa, chunked, first)
    return pd.DataFrame(columns, copy=False)
