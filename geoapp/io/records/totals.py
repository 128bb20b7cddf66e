"""Detect JUMLAH / TOTAL rows (kept in the table, excluded from sums)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoapp.io.records.grid import factorize_texts
from geoapp.io.records.types import ColumnMapping

TOTAL_PATTERN = r"(?i)^\s*(?:grand\s*total|sub\s*-?\s*total|total|jumlah|jml)(?:\s|[.:]|$)"
LEADING_COLUMNS = 3


def distinct_label_and_blank(texts: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(codes per row, per distinct text: reads like a total label, per distinct text: blank)."""
    codes, uniques = factorize_texts(texts)
    if len(uniques) == 0:
        return codes, np.zeros(0, bool), np.zeros(0, bool)
    label = uniques.str.match(TOTAL_PATTERN).to_numpy(bool)
    blank = (uniques.str.strip() == "").to_numpy(bool)
    return codes, label, blank


def label_and_blank(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per row: (cell reads like a total label, cell is blank), once per distinct text."""
    codes, label, blank = distinct_label_and_blank(texts)
    if len(label) == 0:
        return np.zeros(len(texts), bool), np.ones(len(texts), bool)
    return label[codes], blank[codes]


def matches_total(texts: pd.Series) -> np.ndarray:
    """Per row: does the cell read like a total label?"""
    return label_and_blank(texts)[0]


def detect_total_rows(cells: pd.DataFrame, mapping: ColumnMapping) -> np.ndarray:
    """Rows whose name columns (or first columns) carry a total label.

    A label in the kelurahan/kecamatan/kode column always counts. A label in one of the
    first columns counts only when the kelurahan cell is empty or is itself a label, so
    a business called "Total Laundry" is not mistaken for a total row.
    """
    n = len(cells)
    is_total = np.zeros(n, bool)
    role_cols = [p for p in (mapping.kelurahan, mapping.kecamatan, mapping.kode) if p is not None]
    kel_blank = np.ones(n, bool)
    for pos in role_cols:
        codes, label, blank = distinct_label_and_blank(cells[pos])
        if len(label) == 0:
            continue
        if label.any():   # per-row work only when some distinct text is a label
            is_total |= label[codes]
        if pos == mapping.kelurahan:
            open_u = blank | label     # per-row work only when some distinct text is open
            kel_blank = open_u[codes] if open_u.any() else np.zeros(n, bool)
    leading = [p for p in list(cells.columns)[:LEADING_COLUMNS] if p not in role_cols]
    if not leading:
        return is_total
    rows = np.flatnonzero(kel_blank)
    if len(rows):
        for pos in leading:
            is_total[rows] |= matches_total(cells[pos].iloc[rows])
    return is_total
