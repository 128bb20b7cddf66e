"""combination_ids numbers combinations exactly as pd.factorize of the combined key does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoapp.matching import combo_ids
from geoapp.matching.combo_ids import combination_ids, first_seen_ids


def _expected(columns: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.DataFrame({i: codes for i, (codes, _) in enumerate(columns)})
    ids = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(ids))).groupby(ids).min().to_numpy()
    return ids, first


@pytest.mark.parametrize("sizes", [[3], [5, 7], [211, 1869, 103], [1, 1, 1], [2**31, 2**31, 5]])
@pytest.mark.parametrize("rows", [0, 1, 1000])
def test_same_ids_and_first_rows_as_factorize(sizes: list[int], rows: int) -> None:
    rng = np.random.default_rng(len(sizes) * 1000 + rows)
    columns = [(rng.integers(min(size, 40), size=rows).astype(np.int64) * (size // min(size, 40)), size)
               for size in sizes]
    ids, first = combination_ids(columns)
    want_ids, want_first = _expected(columns)
    assert ids.tolist() == want_ids.tolist()
    assert first.tolist() == want_first.tolist()
    assert ids.dtype == np.int64 and first.dtype == np.int64


def test_dense_and_hashed_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    columns = [(rng.integers(50, size=5000).astype(np.int64), 50) for _ in range(3)]
    dense = combination_ids(columns)
    monkeypatch.setattr(combo_ids, "DENSE_FLOOR", 0)
    monkeypatch.setattr(combo_ids, "DENSE_PER_ROW", 0)
    hashed = combination_ids(columns)
    assert [a.tolist() for a in dense] == [a.tolist() for a in hashed]


def test_first_seen_ids_numbers_by_first_appearance() -> None:
    ids, first = first_seen_ids(np.array([9, 4, 9, 7, 4], dtype=np.int64))
    assert ids.tolist() == [0, 1, 0, 2, 1]
    assert first.tolist() == [0, 1, 3]


@pytest.mark.parametrize("seed", range(6))
def test_random_widths_relabelled_or_not_agree_with_factorize(seed: int, monkeypatch) -> None:
    """Intermediate keys are compacted only when the next column would make them too
    wide; any mix of widths gives pd.factorize's numbering."""
    rng = np.random.default_rng(seed)
    monkeypatch.setattr(combo_ids, "DENSE_FLOOR", int(rng.integers(1, 5000)))
    for _ in range(30):
        rows = int(rng.integers(0, 3000))
        sizes = [int(rng.integers(1, 300)) for _ in range(int(rng.integers(1, 5)))]
        columns = [(rng.integers(size, size=rows).astype(np.int64), size) for size in sizes]
        ids, first = combination_ids(columns)
        want_ids, want_first = _expected(columns)
        assert ids.tolist() == want_ids.tolist() and first.tolist() == want_first.tolist()
