"""Row and column housekeeping on the raw text grid (blank rows, trailing empty columns).

Grid columns come in several forms: pandas Categoricals (the fast CSV path: codes per
row plus the distinct texts), pyarrow-backed ``str`` columns and plain object columns.
The helpers here accept all of them and do per-element Python work only on distinct
texts or on cells still in question, so 1,000,000-row files stay cheap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_isspace = np.frompyfunc(str.isspace, 1, 1)


def as_objects(texts: pd.Series) -> np.ndarray:
    """The column's texts as an object array (materialises every cell: use on small slices)."""
    return texts.to_numpy(dtype=object)


def is_categorical(texts: pd.Series) -> bool:
    """Does the column already carry per-row codes and distinct texts?"""
    return isinstance(texts.dtype, pd.CategoricalDtype)


def column_codes(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes per row, distinct texts as an object array); free for Categorical columns.

    Codes index the distinct texts; a Categorical may list texts no row uses (weight 0).
    Missing values (NaN/None) are read as ''.
    """
    if is_categorical(texts):
        codes = np.asarray(texts.cat.codes.to_numpy())
        uniques = np.asarray(texts.cat.categories.to_numpy(dtype=object), dtype=object)
        if len(codes) and codes.min() < 0:
            uniques = np.append(uniques, "").astype(object)
            codes = np.where(codes < 0, len(uniques) - 1, codes)
        return codes, uniques
    codes, uniques = pd.factorize(texts.fillna("") if texts.hasnans else texts, sort=False)
    return codes, np.asarray(pd.Index(uniques).to_numpy(dtype=object), dtype=object)


def factorize_texts(texts: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes per row, distinct texts) of a text column."""
    codes, uniques = column_codes(texts)
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


def blank_column(texts: pd.Series) -> np.ndarray:
    """Per row of a text column: empty or only whitespace (see ``blank_cells``)."""
    if is_categorical(texts):
        codes, uniques = column_codes(texts)
        return blank_cells(uniques)[codes] if len(codes) else np.zeros(0, bool)
    if isinstance(texts.dtype, pd.StringDtype):
        # Vectorised comparisons first (pyarrow or python storage), Python only on candidates.
        filled = texts.fillna("")
        maybe = ((filled < "!") | (filled == "\u00a0")).to_numpy(bool)
        out = np.zeros(len(texts), bool)
        idx = np.flatnonzero(maybe)
        if len(idx):
            out[idx] = blank_cells(as_objects(filled.iloc[idx]))
        return out
    return blank_cells(as_objects(texts.fillna("")))


def blank_rows(grid: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty; columns are checked only on still-blank candidates.

    Categorical columns go first: they settle most rows by code lookups alone.
    """
    candidate = np.ones(len(grid), bool)
    order = sorted(range(grid.shape[1]), key=lambda i: not is_categorical(grid.iloc[:, i]))
    for i in order:
        idx = np.flatnonzero(candidate)
        if not len(idx):
            break
        col = grid.iloc[:, i]
        if len(idx) == len(col):
            candidate = np.array(blank_column(col), dtype=bool)
        elif is_categorical(col):
            codes, uniques = column_codes(col)
            candidate[idx] = blank_cells(uniques)[codes[idx]]
        else:
            candidate[idx] = blank_column(col.iloc[idx])
    return candidate


def trailing_empty_columns(headers: list[str], body: pd.DataFrame) -> int:
    """How many columns at the right have no header and no data (Excel's ';;;' tails)."""
    count = 0
    for pos in reversed(list(body.columns)):
        if headers[pos].strip() or not blank_column(body[pos]).all():
            break
        count += 1
    return count
