"""Per-row object arrays (statuses, codes, methods) handled per distinct object.

A match result's per-row arrays are built by taking a few objects over and over (every
"matched" is the same str object), so each pass over them only needs to look at each
distinct object once. ``object_codes`` numbers the rows by the identity of the object they
hold, reading the array's element addresses as integers (nothing is dereferenced: the
objects themselves are taken from the array by position); everything else is computed on
those few objects and broadcast back. Results are the same as numpy's element-wise
comparison and ``pd.factorize`` on the whole array, whatever the array holds (distinct
equal objects are simply looked at more than once). Arrays that are not 1-d object arrays,
or a Python other than CPython, go through ``pd.factorize`` instead.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

_PEEL_ROUNDS = 4         # identities split off one by one before hashing the rest


def _addresses(values: np.ndarray) -> np.ndarray | None:
    """The element addresses of a contiguous 1-d object array, as intp (a copy)."""
    if (values.dtype != object or values.ndim != 1 or not values.flags.c_contiguous
            or sys.implementation.name != "cpython"):
        return None
    raw = (ctypes.c_ssize_t * len(values)).from_address(values.ctypes.data)
    return np.frombuffer(raw, dtype=np.intp).copy()


def _first_rows(codes: np.ndarray, count: int) -> np.ndarray:
    """The first row of each code 0..count-1 (codes numbered in order of first appearance)."""
    first = np.empty(count, dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1, dtype=np.intp)
    return first


def _identity_codes(address: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(per row the number of its address in order of first appearance, first row of each).

    When the first row's object fills most rows (statuses, methods), the leading objects
    are split off one at a time (one integer comparison per remaining row) while each
    fills most of the rest; the remaining rows are hashed. Each split-off object is the
    first remaining row's, so the numbering stays in order of first appearance.
    """
    n = len(address)
    head = address == address[0]
    if np.count_nonzero(head) * 2 < n:
        codes, uniques = pd.factorize(address)
        return codes.astype(np.intp, copy=False), _first_rows(codes, len(uniques))
    codes = np.zeros(n, dtype=np.intp)
    firsts = [0]
    rest = np.flatnonzero(~head)
    for _ in range(_PEEL_ROUNDS):
        if not len(rest):
            break
        left = address[rest]
        hit = left == left[0]
        if np.count_nonzero(hit) * 2 < len(rest):
            break
        codes[rest[hit]] = len(firsts)
        firsts.append(int(rest[0]))
        rest = rest[~hit]
    if len(rest):
        sub, uniques = pd.factorize(address[rest])
        codes[rest] = sub + len(firsts)
        firsts.extend(rest[_first_rows(sub, len(uniques))].tolist())
    return codes, np.array(firsts, dtype=np.intp)


def object_codes(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """(per element a code >= 0, the object array of the codes' representatives).

    Elements with the same code hold equal values (the same object, or equal under
    ``pd.factorize`` on the fallback path), so any per-element function of the value can
    be computed on the representatives and taken with the codes. Missing values get a
    code too (their representative is the missing value itself).
    """
    array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if array.dtype == object and array.ndim == 1:
        array = np.ascontiguousarray(array)   # a copy of a strided view holds the same objects
    address = _addresses(array)
    if address is None:
        codes, uniques = pd.factorize(array, use_na_sentinel=False)
        return codes.astype(np.intp), np.asarray(uniques, dtype=object)
    if not len(address):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=object)
    codes, first = _identity_codes(address)
    return codes, array[first]


def object_mask(values: Any, predicate: Callable[[object], object]) -> np.ndarray:
    """``bool(predicate(v))`` for every element ``v``, called once per distinct object."""
    codes, objects = object_codes(values)
    hit = np.zeros(len(objects), dtype=bool)
    for i, obj in enumerate(objects.tolist()):
        hit[i] = bool(predicate(obj))
    return hit[codes]


def equal_mask(values: Any, target: object) -> np.ndarray:
    """``np.asarray(values, dtype=object) == target`` as a bool array, per distinct object."""
    return object_mask(values, lambda v: v == target)


def factorize(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values)`` (missing values coded -1), computed per distinct object."""
    if not isinstance(values, np.ndarray) or values.dtype != object or values.ndim != 1:
        return pd.factorize(values, use_na_sentinel=True)
    codes, objects = object_codes(values)
    sub, uniques = pd.factorize(objects, use_na_sentinel=True)
    return sub.astype(np.intp)[codes], np.asarray(uniques, dtype=object)
