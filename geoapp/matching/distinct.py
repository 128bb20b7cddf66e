"""Match each distinct combination of a row's place columns once, then give the outcome
to every row holding it (a national file repeats the same desa, kecamatan, kabupaten and
code on many rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from geoapp.matching.types import MatchResult

ROW_COLUMNS = ("kode", "kelurahan", "kecamatan", "kabupaten", "provinsi", "lat", "lon", "exclude")
# Below this share of distinct combinations the rows are matched per combination.
DISTINCT_SHARE = 0.5
_KEY_LIMIT = 2 ** 62


def _codes(column: Any) -> tuple[np.ndarray, int]:
    """Per row a small integer for its value (0: missing) and how many values there are."""
    if isinstance(column, pd.Series) and isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(dtype="int64") + 1, len(column.cat.categories) + 1
    codes, uniques = pd.factorize(np.asarray(column) if not isinstance(column, pd.Series)
                                  else column, use_na_sentinel=True)
    return codes.astype("int64") + 1, len(uniques) + 1


def distinct_rows(columns: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(per row the id of its combination of values, the first row of each combination)."""
    key, bound = None, 1
    for column in columns:
        codes, size = _codes(column)
        if key is None:
            key, bound = codes, size
            continue
        if bound * size >= _KEY_LIMIT:
            key, uniques = pd.factorize(key)
            bound = len(uniques)
        key, bound = key * size + codes, bound * size
    ids, uniques = pd.factorize(key)
    first = np.empty(len(uniques), dtype="int64")
    first[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)
    return ids.astype("int64"), first


def _take(column: Any, rows: np.ndarray) -> Any:
    if isinstance(column, pd.Series):
        return column.iloc[rows].reset_index(drop=True)
    return np.asarray(column)[rows]


def match_distinct(func: Callable[..., MatchResult], /, **kwargs: Any) -> MatchResult:
    """``func(**kwargs)`` with the per-row columns (``ROW_COLUMNS``) reduced to their
    distinct combinations, the result spread back to every row (row order kept).

    Used when the rows name a kabupaten or provinsi: the rows are
    then split by region, each region matched apart, which costs per row.
    """
    present = [k for k in ROW_COLUMNS if kwargs.get(k) is not None]
    if not present or (kwargs.get("kabupaten") is None and kwargs.get("provinsi") is None):
        return func(**kwargs)     # without region columns match_rows works per combination
    n = len(kwargs[present[0]])
    ids, first = distinct_rows([kwargs[k] for k in present])
    if n == 0 or len(first) > DISTINCT_SHARE * n:
        return func(**kwargs)
    part = func(**{**kwargs, **{k: _take(kwargs[k], first) for k in present}})
    if len(part) != len(first):   # a faulty matcher: run it on every row, the ledger tells
        return func(**kwargs)
    suggestions = np.fromiter(part.suggestions, dtype=object, count=len(first))
    return MatchResult(kode=part.kode[ids], status=part.status[ids], method=part.method[ids],
                       score=part.score[ids], note=part.note[ids],
                       suggestions=suggestions[ids].tolist())
