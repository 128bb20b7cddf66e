"""Plain data types produced by the kelurahan matcher."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STATUSES = ("matched", "review", "unmatched", "excluded")
METHODS = ("kode", "koordinat", "nama", "alias", "fuzzy")


@dataclass(frozen=True)
class Suggestion:
    kode: str
    nama: str
    nama_kecamatan: str
    score: float          # 0..100


@dataclass
class MatchResult:
    """Per-row outcome, aligned with ``RecordTable.cells`` rows.

    status: one of STATUSES. method: one of METHODS or '' (what decided).
    kode: dotted Kemendagri code or None. note: human text in the run's language.
    suggestions: up to three candidates per row, best first (filled for review rows).
    """

    kode: np.ndarray          # object: str | None
    status: np.ndarray        # object: str
    method: np.ndarray        # object: str
    score: np.ndarray         # float64, NaN when not applicable
    note: np.ndarray          # object: str
    suggestions: list[list[Suggestion]]

    def __len__(self) -> int:
        return len(self.status)
