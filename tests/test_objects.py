"""geoapp.core.objects: per-distinct-object passes give numpy's and pandas' answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoapp.core.objects import equal_mask, factorize, object_codes, object_mask

POOL = ["a", "b", "".join(["a"]), None, np.nan, float("nan"), "matched", "m" + "atched", 1, 1.0]


def _check(values: np.ndarray) -> None:
    for target in ("matched", "a", None):
        assert (equal_mask(values, target) == (values == target)).all()
        assert (object_mask(values, lambda v, t=target: v != t) == (values != target)).all()
    got, got_uniques = factorize(values)
    want, want_uniques = pd.factorize(values)
    assert got.tolist() == want.tolist()
    assert len(got_uniques) == len(want_uniques)
    assert all(x is y for x, y in zip(got_uniques, want_uniques, strict=True))
    codes, objects = object_codes(values)
    assert len(codes) == len(values)
    for i, code in enumerate(codes.tolist()):
        same = objects[code]
        assert same is values[i] or same == values[i] or (pd.isna(same) and pd.isna(values[i]))


@pytest.mark.parametrize("seed", range(4))
def test_small_mixed_arrays_agree_with_numpy_and_pandas(seed):
    rng = np.random.default_rng(seed)
    for _ in range(300):
        values = np.empty(int(rng.integers(0, 30)), dtype=object)
        for i in range(len(values)):
            values[i] = POOL[int(rng.integers(0, len(POOL)))]
        _check(values)
        _check(values[::2])          # a strided view


@pytest.mark.parametrize("seed", range(3))
def test_skewed_arrays_split_off_and_hashed_agree(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        objects = [f"s{j}" for j in range(int(rng.integers(1, 40)))] + [None]
        p = rng.random(len(objects)) ** 4
        picks = rng.choice(len(objects), int(rng.integers(0, 3000)), p=p / p.sum())
        values = np.empty(len(picks), dtype=object)
        for i, j in enumerate(picks.tolist()):
            values[i] = objects[j]
        _check(values)


def test_non_object_arrays_and_lists():
    assert equal_mask(np.array(["x", "y"]), "x").tolist() == [True, False]
    assert equal_mask(["x", "y", "x"], "x").tolist() == [True, False, True]
    codes, uniques = factorize(np.array(["x", "y", "x"]))
    assert codes.tolist() == [0, 1, 0] and list(uniques) == ["x", "y"]
    assert factorize(np.zeros(0, dtype=object))[0].tolist() == []
