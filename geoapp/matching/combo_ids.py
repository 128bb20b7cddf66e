"""Number the distinct combinations of several small-integer columns, first seen first.

The columns are factorized texts (codes 0..size-1 per row). Combining them one column at
a time keeps each intermediate key below ``size x distinct-so-far``; while that stays
small the key is relabelled through a dense table (one scatter, one cumulative sum, one
gather) instead of a hash table, which is about twice as fast on a million rows. Wide
keys fall back to ``pd.factorize``. Either way the ids are numbered in order of first
appearance, exactly as ``pd.factorize`` numbers them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DENSE_FLOOR = 1 << 20       # a dense table of this many entries is always fine
DENSE_PER_ROW = 2           # ... and up to this many entries per row beyond that
_KEY_LIMIT = 2 ** 62


def _relabel(key: np.ndarray, bound: int) -> tuple[np.ndarray, int]:
    """``key`` (values below ``bound``) as 0..m-1 in increasing key order, and m."""
    seen = np.zeros(bound, dtype=bool)
    seen[key] = True
    label = np.cumsum(seen, dtype=np.int64)
    label -= 1
    return label[key], int(label[-1]) + 1 if bound else 0


def _by_first_row(ids: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Renumber ids 0..m-1 in order of their first row; (per-row id, first row of each)."""
    n = len(ids)
    first = np.empty(m, dtype=np.int64)
    first[ids[::-1]] = np.arange(n - 1, -1, -1, dtype=np.int64)
    order = np.argsort(first, kind="stable")
    rank = np.empty(m, dtype=np.int64)
    rank[order] = np.arange(m, dtype=np.int64)
    return rank[ids], first[order]


def first_seen_ids(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(per row the id of its key, numbered by first appearance; the first row of each id)."""
    ids, uniques = pd.factorize(key)
    first = np.full(len(uniques), -1, dtype="int64")
    first[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)
    return ids.astype("int64"), first


def combination_ids(columns: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Per row the id of its combination of column codes, and the first row of each id.

    ``columns``: (int64 codes per row, number of possible codes) per column; at least one.
    """
    n = len(columns[0][0])
    limit = max(DENSE_FLOOR, DENSE_PER_ROW * n)
    key, bound, dense = np.zeros(n, dtype=np.int64), 1, True
    for codes, size in columns:
        if bound * size >= _KEY_LIMIT:
            key, uniques = pd.factorize(key)
            key, bound = key.astype(np.int64), len(uniques)
        key, bound = key * size + codes, bound * size
        if dense and bound > limit:
            dense = False
        elif dense and n:
            key, bound = _relabel(key, bound)
    if not dense or not n:
        return first_seen_ids(key)
    return _by_first_row(key, bound)
