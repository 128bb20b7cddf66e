"""Which columns are numeric measures, and their parsed values."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from geoapp.io.records.grid import as_objects, column_codes, factorize_texts, is_categorical
from geoapp.io.records.headers import normalise_header
from geoapp.io.records.types import ROLES, ColumnMapping
from geoapp.values.numbers import parse_unique_numbers

_ID_HEADERS = re.compile(
    r"^(?:no|nomor|id|nik|nib|npwp|kk|telp|telepon|tlp|hp|wa|tahun|thn|rt|rw|rt rw|kode pos"
    r"|kodepos|nip|nis|nisn|npsn|nuptk|nrg|nop|nkk|nis nisn)$"
    r"|^(?:kode|kd|no|nomor|id|nik|npsn|nisn|nuptk|telp|telepon|hp|tahun)\b"
    r"|\b(?:id|kode|kd|npsn|nik)$|^(?:bps|kemendagri|dagri) (?:kode|kd|id)\b"
)
_LEADING_ZERO = r"0\d"
_CODE_SHAPE = r"\d{2}\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?"
_LONG_DIGITS = r"\d{15,}"
SAMPLE_SIZE = 400
SAMPLE_MIN_SHARE = 0.3


def identifier_header(header: str) -> bool:
    """Headers that name identifiers, not measures (No, NIK, Kode..., Telp, Tahun, RT/RW)."""
    return bool(_ID_HEADERS.search(normalise_header(header)))


def _share(uniques: pd.Series, weights: np.ndarray, pattern: str, *, full: bool) -> float:
    s = uniques.str.strip()
    hit = (s.str.fullmatch(pattern) if full else s.str.match(pattern)).to_numpy(bool)
    filled = (s != "").to_numpy(bool)
    total = weights[filled].sum()
    return float(weights[hit].sum() / total) if total else 0.0


# A desa code written as 10 digits (Kemendagri or BPS): a province prefix, and never the
# round thousands an amount of money usually is.
_DESA_DIGITS = (r"(?:1[1-9]|21|3[1-6]|5[1-3]|6[1-5]|7[1-6]|8[12]|9[1-7])\d{5}"
                r"(?!000)\d{3}(?:\.0+)?")


def identifier_values(uniques: pd.Series, weights: np.ndarray) -> bool:
    """Values that look like identifiers: leading zeros, Kemendagri codes (dotted or as
    10 digits), NIK-length digits."""
    return (
        _share(uniques, weights, _LEADING_ZERO, full=False) >= 0.2
        or _share(uniques, weights, _CODE_SHAPE, full=True) > 0.5
        or _share(uniques, weights, _LONG_DIGITS, full=True) > 0.5
        or _share(uniques, weights, _DESA_DIGITS, full=True) > 0.8
    )


def _native_identifiers(numbers: np.ndarray) -> bool:
    """Whole numbers stored as numbers (XLSX) that look like codes or NIKs, not measures."""
    if not len(numbers) or not np.all(numbers == np.round(numbers)) or np.abs(numbers).max() >= 1e17:
        return False
    uniq, counts = np.unique(numbers.astype(np.int64), return_counts=True)
    return identifier_values(pd.Series(uniq.astype(str), dtype=object), counts)


def _sample_looks_numeric(texts: pd.Series, locale_hint: str | None) -> bool:
    """Cheap early rejection of text columns: parse up to SAMPLE_SIZE non-empty cells."""
    if is_categorical(texts):
        codes, uniques = column_codes(texts)
        if len(uniques) and not (uniques == "").any():
            filled = np.arange(len(codes))      # no empty text: every row is filled
        else:
            filled = np.flatnonzero((uniques != "")[codes]) if len(uniques) else np.zeros(0, int)
    else:
        filled = np.flatnonzero((texts.fillna("") != "").to_numpy(bool))
    if len(filled) <= SAMPLE_SIZE:
        return True
    pick = filled[np.linspace(0, len(filled) - 1, SAMPLE_SIZE).astype(int)]
    sample = pd.Series(as_objects(texts.iloc[pick]), dtype=object).astype(str)
    parsed, _, non_empty = parse_unique_numbers(sample, np.ones(len(sample), int), locale_hint)
    return (~np.isnan(parsed)).sum() >= SAMPLE_MIN_SHARE * max(non_empty.sum(), 1)


def _role_positions(mapping: ColumnMapping) -> set[int]:
    return {p for p in (getattr(mapping, r) for r in ROLES) if p is not None}


def parse_numeric_columns(
    cells: pd.DataFrame,
    headers: list[str],
    mapping: ColumnMapping,
    *,
    locale_hint: str | None = None,
    native: pd.DataFrame | None = None,
) -> tuple[dict[int, np.ndarray], dict[int, str], dict[int, int]]:
    """(values, formats, unparsed counts) for the columns that are mostly numbers.

    ``native`` (XLSX) holds the numbers stored as numbers; those cells need no parsing.
    """
    values: dict[int, np.ndarray] = {}
    formats: dict[int, str] = {}
    unparsed: dict[int, int] = {}
    skip = _role_positions(mapping)
    for pos in cells.columns:
        if pos in skip or identifier_header(headers[pos]):
            continue
        col_native = None if native is None else native[pos].to_numpy(float)
        result = _parse_column(cells[pos], locale_hint, col_native)
        if result is not None:
            values[pos], formats[pos], unparsed[pos] = result
    return values, formats, unparsed


def _parse_column(
    texts: pd.Series, locale_hint: str | None, native: np.ndarray | None
) -> tuple[np.ndarray, str, int] | None:
    """Parse one column on its distinct texts; None when it is not a numeric measure."""
    if native is not None:
        has_native = ~np.isnan(native)
        if _native_identifiers(native[has_native]):
            return None
        texts = texts.where(~has_native, "")
    elif not _sample_looks_numeric(texts, locale_hint):
        return None
    codes, u = factorize_texts(texts)
    weights = np.bincount(codes, minlength=len(u)) if len(u) else np.zeros(0, int)
    if len(u) and identifier_values(u, weights):
        return None
    values_u, fmt, filled_u = (parse_unique_numbers(u, weights, locale_hint)
                               if len(u) else (np.zeros(0), "int", np.zeros(0, bool)))
    values = values_u[codes] if len(codes) else np.full(len(texts), np.nan)
    filled = int(weights[filled_u].sum())
    bad = int(weights[filled_u & np.isnan(values_u)].sum())
    if native is not None:
        values = np.where(has_native, native, values)
        filled += int(has_native.sum())
        if has_native.any() and fmt == "int" and not np.all(native[has_native] % 1 == 0):
            fmt = locale_hint or "id"
    parsed = filled - bad
    if filled == 0 or parsed * 2 <= filled:
        return None
    return values.astype(np.float64, copy=False), fmt, bad
