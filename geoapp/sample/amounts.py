"""Whole-number splits that add up exactly, and Indonesian number texts."""

from __future__ import annotations

import numpy as np


def split_total(total: int, weights: np.ndarray, minimum: int = 1) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights``, each >= ``minimum``.

    Largest-remainder rounding, so the parts always sum to ``total`` exactly.
    """
    weights = np.asarray(weights, dtype=float)
    spare = total - minimum * len(weights)
    if spare < 0 or weights.sum() <= 0:
        raise ValueError("total too small for the number of parts")
    shares = weights / weights.sum() * spare
    parts = np.floor(shares).astype(np.int64)
    order = np.argsort(-(shares - parts), kind="stable")
    parts[order[: spare - int(parts.sum())]] += 1
    return parts + minimum


def noisy_weights(base: np.ndarray, rng: np.random.Generator, sigma: float = 0.35) -> np.ndarray:
    """``base`` times log-normal noise."""
    return np.asarray(base, dtype=float) * rng.lognormal(0.0, sigma, len(base))


def id_int(value: int) -> str:
    """Indonesian thousands grouping: 2500000 -> ``2.500.000``."""
    return f"{int(value):,}".replace(",", ".")


def rupiah(value: int) -> str:
    """``Rp 2.500.000``."""
    return "Rp " + id_int(value)
