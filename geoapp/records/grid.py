"""Row and column housekeeping on the raw text grid (blank rows, trailing empty columns).

Helpers work on the column's object array, so that 1,000,000-row files stay cheap:
per-element Python work only touches cells still in question.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_isspace = np.frompyfunc(str.isspace, 1, 1)


def as_objects(texts: pd.Series) -> np.ndarray:
    """The column's texts as an object array (no copy for pandas' python strings)."""
    return texts.to_numpy(dtype=object)


def factorize_texts(texts: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes per row, distinct texts) of a text column."""
    codes, uniques = pd.factorize(as_objects(texts), sort=False)
    return codes, pd.Series(uniques, dtype=object).astype(str)


def blank_cells(values: np.ndarray) -> np.ndarray:
    """Per cell of an object array: empty or only whitespace.

    Only cells that sort before '!' (start with a space or control character) or are a
    no-break space need a per-cell check, so the common case is one C-level comparison.
    """
    empty = np.array(values == "", dtype=bool)
    maybe = np.flatnonzero(~empty & (np.array(values < "!", dtype=bool) | (values == "\u00a0")))
    if len(maybe):
        empty[maybe] = _isspace(values[maybe]).astype(bool)
    return empty


def blank_rows(grid: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty; columns are checked only on still-blank candidates."""
    candidate = np.ones(len(grid), bool)
    for pos in grid.columns:
        idx = np.flatnonzero(candidate)
        if not len(idx):
            break
        candidate[idx] = blank_cells(as_objects(grid[pos])[idx])
    return candidate


def trailing_empty_columns(headers: list[str], body: pd.DataFrame) -> int:
    """How many columns at the right have no header and no data (Excel's ';;;' tails)."""
    count = 0
    for pos in reversed(list(body.columns)):
        if headers[pos].strip() or not blank_cells(as_objects(body[pos])).all():
            break
        count += 1
    return count
