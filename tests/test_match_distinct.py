"""Matching each distinct combination of place columns once (matching/distinct.py) gives
every row exactly what matching every row gives: status, kode, method, score, note,
suggestions, and the same ledger."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoapp.imports.pipeline import run_match
from geoapp.matching import distinct
from geoapp.matching.distinct import distinct_rows
from geoapp.sample import generate_messy_records


def _csv(rows: int, coords: float = 0.0) -> bytes:
    frame, _ = generate_messy_records(rows, seed=4, coord_share=coords)
    return frame.to_csv(sep=";", index=False).encode()


def test_distinct_rows_groups_equal_combinations_and_keeps_missing_apart():
    a = pd.Series(["x", "x", None, "y", "x"], dtype="category")
    b = np.array(["1", "1", "1", None, "2"], dtype=object)
    ids, first = distinct_rows([a, b, np.array([1.0, 1.0, 1.0, np.nan, 1.0])])
    assert ids.tolist() == [0, 0, 1, 2, 3] and first.tolist() == [0, 2, 3, 4]


@pytest.mark.parametrize("coords", [0.0, 0.3])
def test_per_combination_matching_equals_per_row_matching(monkeypatch, coords):
    data = _csv(3000, coords)
    monkeypatch.setattr(distinct, "DISTINCT_SHARE", 1.01)     # always per combination
    once = run_match(data, "messy.csv")
    monkeypatch.setattr(distinct, "DISTINCT_SHARE", -1.0)     # never
    every = run_match(data, "messy.csv")
    for field in ("kode", "status", "method", "note"):
        assert getattr(once.result, field).tolist() == getattr(every.result, field).tolist()
    np.testing.assert_array_equal(once.result.score, every.result.score)
    assert once.result.suggestions == every.result.suggestions
    assert once.ledger == every.ledger and once.ledger["balanced"]
    assert set(once.result.status) >= {"matched", "review"}
