"""Indonesian and English number parsing (per column) and formatting (Babel's CLDR symbols).

Indonesian writes ``2.500.000`` and ``12,5``; English writes ``2,500,000`` and ``12.5``.
The format of a column is decided by voting over its cells; ambiguous cells such as
``2.500`` follow the column's other cells. Work is done on unique values only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from functools import lru_cache

import numpy as np
import pandas as pd
from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

FORMATS = ("id", "en", "int")
NO_DATA = "\u2014"  # em dash: no data
_LOCALES = {"id": Locale.parse("id"), "en": Locale.parse("en")}
_EXACT = Context(prec=800, rounding=ROUND_HALF_EVEN)  # room for every digit of any float

_SIGN = r"[-+]?"
_INT = _SIGN + r"\d+"
_DOT_GROUPS = _SIGN + r"\d{1,3}(?:\.\d{3})+"
_COMMA_GROUPS = _SIGN + r"\d{1,3}(?:,\d{3})+"
_ID_DEC = _SIGN + r"(?:\d{1,3}(?:\.\d{3})+|\d+),\d+"
_EN_DEC = _SIGN + r"(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+"


@dataclass
class NumberColumn:
    """Parsed values of one text column (NaN when empty or unparseable)."""

    values: np.ndarray      # float64 per row
    fmt: str                # "id" | "en" | "int"
    unparsed: int           # non-empty cells that could not be read as a number
    non_empty: int = 0      # non-empty cells

    @property
    def parsed(self) -> int:
        """Number of cells read as a number."""
        return self.non_empty - self.unparsed


def clean_number_text(u: pd.Series) -> pd.Series:
    """Strip spaces, `Rp` prefixes, trailing `,-` and percent signs; '-' alone becomes ''."""
    s = u.astype(str).str.strip()
    s = s.str.replace("\u2212", "-", regex=False).str.replace("\u00a0", " ", regex=False)
    s = s.str.replace(r"^(-?)\s*[Rr][Pp]\.?\s*", r"\1", regex=True)
    s = s.str.replace(r"(?<=\d)[.,]-+$", "", regex=True)
    s = s.str.replace(r"\s*%$", "", regex=True).str.strip()
    return s.mask(s.isin(["-", "--", "\u2013", "\u2014"]), "")


def _shapes(s: pd.Series) -> dict[str, np.ndarray]:
    """Classify cleaned texts into number shapes (boolean arrays)."""
    is_int = s.str.fullmatch(_INT).to_numpy(bool)
    dot = s.str.fullmatch(_DOT_GROUPS).to_numpy(bool)
    comma = s.str.fullmatch(_COMMA_GROUPS).to_numpy(bool)
    id_dec = s.str.fullmatch(_ID_DEC).to_numpy(bool)
    en_dec = s.str.fullmatch(_EN_DEC).to_numpy(bool)
    amb_dot = dot & en_dec            # 2.500: id 2500 or en 2.5
    amb_comma = comma & id_dec        # 2,500: en 2500 or id 2.5
    return {
        "int": is_int,
        "id": (dot | id_dec) & ~amb_dot & ~amb_comma,
        "en": (comma | en_dec) & ~amb_dot & ~amb_comma,
        "amb_dot": amb_dot,
        "amb_comma": amb_comma,
    }


def _vote(shapes: dict[str, np.ndarray], weights: np.ndarray, locale_hint: str | None) -> str:
    """Decide a column's format from weighted shape counts."""
    n = {k: int(weights[v].sum()) for k, v in shapes.items()}
    if n["id"] != n["en"]:
        return "id" if n["id"] > n["en"] else "en"
    if n["id"] > 0 or n["amb_dot"] + n["amb_comma"] > 0:
        if locale_hint in ("id", "en"):
            return locale_hint
        if n["id"] > 0:
            return "id"
        return "id" if n["amb_dot"] >= n["amb_comma"] else "en"
    return "int"


def _convert(s: pd.Series, shapes: dict[str, np.ndarray], fmt: str) -> np.ndarray:
    """Values of cleaned texts under one format; NaN where the shape does not fit."""
    amb = shapes["amb_dot"] | shapes["amb_comma"]
    if fmt == "id":
        ok = shapes["int"] | shapes["id"] | amb
        text = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    elif fmt == "en":
        ok = shapes["int"] | shapes["en"] | amb
        text = s.str.replace(",", "", regex=False)
    else:
        ok = shapes["int"]
        text = s
    out = np.full(len(s), np.nan)
    if ok.any():
        out[ok] = pd.to_numeric(text[ok].to_numpy(object), errors="coerce").astype(float)
    return out


def parse_unique_numbers(
    uniques: pd.Series, weights: np.ndarray, locale_hint: str | None = None, fmt: str | None = None
) -> tuple[np.ndarray, str, np.ndarray]:
    """Parse distinct texts: (values, format, non-empty mask). ``weights`` = rows per text."""
    s = clean_number_text(uniques.reset_index(drop=True))
    non_empty = (s != "").to_numpy(bool)
    plain = s.str.fullmatch(_INT).to_numpy(bool)
    if plain[non_empty].all() and fmt in (None, "int"):
        values = np.full(len(s), np.nan)
        values[plain] = pd.to_numeric(s[plain].to_numpy(object), errors="coerce").astype(float)
        return values, "int", non_empty
    shapes = _shapes(s)
    if fmt is None:
        fmt = _vote(shapes, np.asarray(weights), locale_hint)
    return _convert(s, shapes, fmt), fmt, non_empty


def parse_number_column(texts: pd.Series, *, locale_hint: str | None = None) -> NumberColumn:
    """Parse a column of number texts, detecting its format by voting over its cells.

    ``locale_hint`` ("id"/"en") decides columns whose every cell is ambiguous
    (``2.500``); without it, ``.`` groups read as Indonesian thousands.
    """
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object).fillna(""), sort=False)
    weights = np.bincount(codes, minlength=len(uniques)) if len(uniques) else np.zeros(0, int)
    values_u, fmt, non_empty_u = parse_unique_numbers(pd.Series(uniques, dtype=object), weights, locale_hint)
    values = values_u[codes] if len(codes) else np.zeros(0)
    non_empty = int(weights[non_empty_u].sum())
    unparsed = int(weights[non_empty_u & np.isnan(values_u)].sum())
    return NumberColumn(values=values.astype(np.float64), fmt=fmt, unparsed=unparsed, non_empty=non_empty)


def parse_number(text: object, fmt: str | None = "id") -> float | None:
    """Parse one number text in format "id", "en" or "int" (None: guess); None when unreadable."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    values, _, _ = parse_unique_numbers(pd.Series([str(text)], dtype=object), np.ones(1, int), fmt=fmt)
    return None if np.isnan(values[0]) else float(values[0])


def _is_missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _locale(lang: str) -> Locale:
    """Babel locale of an interface language: English for "en", else Indonesian."""
    return _LOCALES["en" if lang == "en" else "id"]


@lru_cache(maxsize=16)
def _grouped(decimals: int) -> NumberPattern:
    """``#,##0`` with exactly ``decimals`` decimals (the locale supplies the symbols)."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


def format_number(x: float | int | None, lang: str = "id", decimals: int = 0) -> str:
    """``1.234.567`` / ``12,5`` in Indonesian, ``1,234,567`` / ``12.5`` in English; None -> —."""
    if _is_missing(x):
        return NO_DATA
    value = round(float(x), decimals)  # type: ignore[arg-type]  # Python's rounding, as always
    if value == 0:
        value = 0.0  # no "-0"
    with localcontext(_EXACT):  # Babel rounds the float's exact value, as f-strings do
        return _grouped(max(decimals, 0)).apply(Decimal(value), _locale(lang))


def format_amount(x: float | int | None, lang: str = "id", decimals: int = 2) -> str:
    """Whole numbers without decimals (``1.234``), others with ``decimals`` (``12,25``); None -> —."""
    if _is_missing(x):
        return NO_DATA
    return format_number(x, lang, 0 if float(x).is_integer() else decimals)  # type: ignore[arg-type]


def format_rupiah(x: float | int | None, lang: str = "id", decimals: int = 0) -> str:
    """``Rp 1.234.567`` (English: ``Rp 1,234,567``; ``decimals=2``: ``Rp 1.234.567,50``); None -> —."""
    if _is_missing(x):
        return NO_DATA
    text = format_number(abs(float(x)), lang, decimals)  # type: ignore[arg-type]
    sign = "-" if round(float(x), decimals) < 0 else ""  # type: ignore[arg-type]
    return f"{sign}Rp {text}"


def format_percent(x: float | int | None, lang: str = "id", decimals: int = 1) -> str:
    """A value already in percent units: 1.5 -> ``1,5%`` (English ``1.5%``); None -> —."""
    if _is_missing(x):
        return NO_DATA
    return f"{format_number(x, lang, decimals)}%"
