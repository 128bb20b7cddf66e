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
    """Messy Kota Tangerang rows with kabupaten/kota and provinsi columns in several
    spellings (so the rows are matched per region), one row per 50 in another kabupaten."""
    frame, _ = generate_messy_records(rows, seed=4, coord_share=coords)
    rng = np.random.default_rng(4)
    kab = np.array(["Kota Tangerang", "KOTA TANGERANG", "Tangerang", "Kab. Bogor"], dtype=object)
    pick = np.where(np.arange(rows) % 50 == 7, 3, rng.integers(0, 3, rows))
    frame.insert(0, "Kabupaten/Kota", kab[pick])
    frame.insert(0, "Provinsi", np.where(pick == 3, "Jawa Barat", "Banten"))
    return frame.to_csv(sep=";", index=False).encode()


def test_distinct_rows_groups_equal_combinations_and_keeps_missing_apart():
    a = pd.Series(["x", "x", None, "y", "x"], dtype="category")
    b = np.array(["1", "1", "1", None, "2"], dtype=object)
    ids, first = distinct_rows([a, b, np.array([1.0, 1.0, 1.0, np.nan, 1.0])])
    assert ids.tolist() == [0, 0, 1, 2, 3] and first.tolist() == [0, 2, 3, 4]


@pytest.mark.parametrize("coords", [0.0, 0.3])
def test_per_combination_matching_equals_per_row_matching(monkeypatch, coords):
    data = _csv(3000, coords)
    taken = []
    take = distinct._take
    monkeypatch.setattr(distinct, "_take", lambda col, rows: taken.append(len(rows)) or take(col, rows))
    monkeypatch.setattr(distinct, "DISTINCT_SHARE", 1.01)     # always per combination
    once = run_match(data, "messy.csv")
    assert taken and max(taken) < 3000            # fewer rows than the file were matched
    monkeypatch.setattr(distinct, "DISTINCT_SHARE", -1.0)     # never
    every = run_match(data, "messy.csv")
    assert once.table.mapping.kabupaten is not None
    assert (every.result.status[7::50] != "matched").all()      # the Kab. Bogor rows
    for field in ("kode", "status", "method", "note"):
        assert getattr(once.result, field).tolist() == getattr(every.result, field).tolist()
    np.testing.assert_array_equal(once.result.score, every.result.score)
    assert once.result.suggestions == every.result.suggestions
    assert once.ledger == every.ledger and once.ledger["balanced"]
    assert set(once.result.status) >= {"matched", "review"}
