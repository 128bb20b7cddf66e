"""Classification of measure values, only through mapclassify."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

SCHEMES = {
    "quantiles": mapclassify.Quantiles,
    "fisher_jenks": mapclassify.FisherJenks,
    "equal_interval": mapclassify.EqualInterval,
}
K_MIN, K_MAX = 2, 9

BAD_K = Msg(
    "map_bad_k",
    "The number of classes (k) must be a whole number from {min} to {max}; received: {k}.",
)
BAD_SCHEME = Msg(
    "map_bad_scheme",
    "Unknown classification scheme '{scheme}'. Choose one of: {allowed}.",
)


@dataclass(frozen=True)
class Classification:
    """Upper bounds of the classes and the class of every value (-1 = no data).

    ``integer_valued``: every value is a whole number (counts), so labels need no decimals.
    """

    bins: list[float]
    classes: np.ndarray
    minimum: float | None
    integer_valued: bool = False

    @property
    def k(self) -> int:
        return len(self.bins)


def check_k(k: object) -> int:
    """Return k when it is an int in 2..9, else raise GeoappError."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not K_MIN <= k <= K_MAX:
        raise GeoappError(BAD_K, 400, k=str(k)[:20], min=K_MIN, max=K_MAX)
    return int(k)


def check_scheme(scheme: str) -> str:
    """Return the scheme name, or raise GeoappError when it is unknown."""
    if scheme not in SCHEMES:
        raise GeoappError(BAD_SCHEME, 400, scheme=str(scheme)[:40], allowed=", ".join(SCHEMES))
    return scheme


def _run(scheme: str, y: np.ndarray, k: int) -> mapclassify.classifiers.MapClassifier:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if np.unique(y).size == 1:  # a single value: one class (EqualInterval cannot)
            return mapclassify.Quantiles(y, k=1)
        return SCHEMES[scheme](y, k=k)


def classify(values: np.ndarray, scheme: str, k: int) -> Classification:
    """Classify the finite values; NaN/inf get class -1. k is capped at the distinct values."""
    check_scheme(scheme)
    k = check_k(k)
    values = np.asarray(values, dtype="float64")
    finite = np.isfinite(values)
    classes = np.full(values.shape, -1, dtype="int64")
    if not finite.any():
        return Classification([], classes, None)
    y = values[finite]
    result = _run(scheme, y, min(k, int(np.unique(y).size)))
    classes[finite] = np.asarray(result.yb, dtype="int64")
    whole = bool(np.all(y == np.round(y)))
    return Classification([float(b) for b in result.bins], classes, float(y.min()), whole)
