"""Coordinates in every written form: decimal degrees, DMS, UTM metres, swapped columns.

Parsing is done per distinct text (plain decimals vectorised, the rest one by one),
then mapped back to rows; UTM conversion is one vectorised pyproj call.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from geoapp.core.i18n import Msg, Note

COORD_SWAPPED = Msg(
    "coord_swapped",
    "Latitude and longitude were swapped in this row; they were swapped back.",
)
COORD_UTM = Msg("coord_utm", "UTM coordinates (EPSG:{epsg}) were converted to latitude/longitude.")
COORD_BAD_LAT = Msg(
    "coord_bad_lat",
    'The latitude could not be read; write decimal degrees (e.g. -6.178) or DMS (6°10\'40"S).',
)
COORD_BAD_LON = Msg(
    "coord_bad_lon",
    'The longitude could not be read; write decimal degrees (e.g. 106.630) or DMS (106°37\'48"E).',
)
COORD_BAD_BOTH = Msg(
    "coord_bad_both",
    "Latitude and longitude could not be read; write decimal degrees, e.g. -6.178 and 106.630.",
)
COORD_OUT_OF_RANGE = Msg(
    "coord_out_of_range",
    "Coordinates out of range (latitude -90..90, longitude -180..180) and not UTM.",
)
COORD_INCOMPLETE = Msg(
    "coord_incomplete",
    "Only one of latitude/longitude is filled in; the coordinates were ignored.",
)
COORD_ZERO = Msg("coord_zero", "Coordinates 0,0 were treated as empty.")

_HEMI = {
    "N": 1, "U": 1, "LU": 1, "S": -1, "LS": -1,
    "E": 1, "T": 1, "BT": 1, "W": -1, "B": -1, "BB": -1,
}
_HEMI_RE = re.compile(r"^\s*(LU|LS|BT|BB|[NSEWUTB])\b\.?|\b(LU|LS|BT|BB|[NSEWUTB])\.?\s*$", re.I)
_SYMBOLS_RE = re.compile(r"[°º˚'′’‘\"″”“:dDmM]|''")
_NUM_RE = re.compile(r"^\d+(?:[.,]\d+)?$")
_SIMPLE_DEC_RE = r"[-+]?\d+(?:[.,]\d+)?"

KINDS = ("decimal", "dms", "utm", "swapped", "invalid", "incomplete", "missing")


@dataclass
class Coordinates:
    """Per-row WGS 84 latitude/longitude (NaN when absent or unreadable), notes and counts."""

    lat: np.ndarray                 # float64
    lon: np.ndarray                 # float64
    notes: np.ndarray               # object: Note | None per row
    counts: dict[str, int] = field(default_factory=dict)  # KINDS -> rows


def _clean(text: str) -> str:
    return text.strip().replace("\u2212", "-").replace("\u2013", "-").replace("\u00a0", " ")


def _split_hemisphere(text: str) -> tuple[str, int]:
    """Remove a hemisphere letter (N/S/E/W, LU/LS/BT/BB); return rest and sign."""
    m = _HEMI_RE.search(text)
    if not m:
        return text, 1
    letter = (m.group(1) or m.group(2)).upper()
    return (text[: m.start()] + text[m.end():]).strip(), _HEMI[letter]


def _dms_value(parts: list[str]) -> float | None:
    """Degrees, minutes, seconds texts -> decimal degrees (None when invalid)."""
    if not 1 <= len(parts) <= 3 or not all(_NUM_RE.match(p) for p in parts):
        return None
    nums = [float(p.replace(",", ".")) for p in parts]
    if any(n >= 60 for n in nums[1:]):
        return None
    return nums[0] + sum(n / 60**i for i, n in enumerate(nums[1:], start=1))


@lru_cache(maxsize=4096)
def _parse_one(text: str) -> tuple[float | None, bool]:
    """Parse one coordinate text: (value, was_dms)."""
    s = _clean(text)
    if not s or s == "-":
        return None, False
    if re.fullmatch(_SIMPLE_DEC_RE, s):
        return float(s.replace(",", ".")), False
    if re.fullmatch(r"[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):  # 9.314.000,5 (UTM, id style)
        return float(s.replace(".", "").replace(",", ".")), False
    rest, sign = _split_hemisphere(s)
    negative = rest.startswith("-")
    rest = rest.lstrip("+-").strip()
    parts = _SYMBOLS_RE.sub(" ", rest).split()
    value = _dms_value(parts)
    if value is None:
        return None, False
    value = -value if negative else value
    return value * sign, True


def parse_coordinate(text: object) -> float | None:
    """One coordinate text (decimal, decimal comma, DMS, hemisphere letters) -> float or None."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    return _parse_one(str(text))[0]


def _text_codes(texts: object) -> tuple[np.ndarray, np.ndarray]:
    """(codes per row, distinct texts); Categorical and string columns are not re-boxed."""
    dtype = getattr(texts, "dtype", None)
    if isinstance(texts, pd.Series) and isinstance(dtype, pd.CategoricalDtype):
        codes = texts.cat.codes.to_numpy().astype(np.int64)
        uniques = texts.cat.categories.to_numpy(dtype=object).astype(str).astype(object)
        if len(codes) and codes.min() < 0:
            uniques = np.append(uniques, "").astype(object)
            codes = np.where(codes < 0, len(uniques) - 1, codes)
        return codes, uniques
    if isinstance(texts, pd.Series) and isinstance(dtype, pd.StringDtype):
        codes, uniques = pd.factorize(texts.fillna(""))
        return codes, np.asarray(uniques, dtype=object)
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object).fillna("").astype(str))
    return codes, np.asarray(uniques, dtype=object)


def _parse_column(texts: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-row (values, empty mask, dms mask) for one column, working on unique texts."""
    if texts is None:
        return np.full(n, np.nan), np.ones(n, bool), np.zeros(n, bool)
    codes, uniques = _text_codes(texts)
    u = pd.Series(uniques, dtype=object).str.strip().str.replace("\u2212", "-", regex=False)
    empty_u = u.isin(["", "-"]).to_numpy(bool)
    simple = u.str.fullmatch(_SIMPLE_DEC_RE).to_numpy(bool)
    values_u = np.full(len(u), np.nan)
    dms_u = np.zeros(len(u), bool)
    if simple.any():
        values_u[simple] = pd.to_numeric(
            u[simple].str.replace(",", ".", regex=False), errors="coerce"
        ).to_numpy(float)
    for i in np.flatnonzero(~simple & ~empty_u):
        value, was_dms = _parse_one(u.iat[i])
        values_u[i] = np.nan if value is None else value
        dms_u[i] = was_dms
    return values_u[codes], empty_u[codes], dms_u[codes]


def _utm_to_lonlat(east: np.ndarray, north: np.ndarray, epsg: int) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    transformer = Transformer.from_crs(epsg, 4326, always_xy=True)
    lon, lat = transformer.transform(east, north)
    return np.asarray(lat, float), np.asarray(lon, float)


def _is_utm(north: np.ndarray, east: np.ndarray) -> np.ndarray:
    return (north >= 0) & (north <= 10_000_000) & (east >= 100_000) & (east <= 900_000)


def parse_coordinates(
    lat: pd.Series | None, lon: pd.Series | None, *, utm_epsg: int = 32748
) -> Coordinates:
    """Parse latitude/longitude text columns into WGS 84 degrees, fixing swaps and UTM."""
    n = len(lat) if lat is not None else (len(lon) if lon is not None else 0)
    y, y_empty, y_dms = _parse_column(lat, n)
    x, x_empty, x_dms = _parse_column(lon, n)
    missing = y_empty & x_empty
    incomplete = y_empty ^ x_empty
    both = ~y_empty & ~x_empty
    bad_y, bad_x = both & np.isnan(y), both & np.isnan(x)

    utm = both & _is_utm(y, x)
    utm_swapped = both & ~utm & _is_utm(x, y)
    swapped = both & ~utm & ~utm_swapped & (np.abs(y) > 90) & (np.abs(y) <= 180) & (np.abs(x) <= 90)
    y, x = np.where(swapped | utm_swapped, x, y), np.where(swapped | utm_swapped, y, x)
    any_utm = utm | utm_swapped
    if any_utm.any():
        y[any_utm], x[any_utm] = _utm_to_lonlat(x[any_utm], y[any_utm], utm_epsg)

    out_of_range = both & ~bad_y & ~bad_x & ((np.abs(y) > 90) | (np.abs(x) > 180))
    zero = both & (y == 0) & (x == 0)
    invalid = bad_y | bad_x | out_of_range
    ok = both & ~invalid & ~zero
    notes = _row_notes(n, bad_y, bad_x, out_of_range, incomplete, zero, swapped | utm_swapped,
                       any_utm & ok, utm_epsg)
    counts = {
        "decimal": int((ok & ~any_utm & ~(y_dms | x_dms)).sum()),
        "dms": int((ok & (y_dms | x_dms)).sum()),
        "utm": int((ok & any_utm).sum()),
        "swapped": int((ok & (swapped | utm_swapped)).sum()),
        "invalid": int((invalid | zero).sum()),
        "incomplete": int(incomplete.sum()),
        "missing": int(missing.sum()),
    }
    return Coordinates(
        lat=np.where(ok, y, np.nan), lon=np.where(ok, x, np.nan), notes=notes, counts=counts
    )


def _row_notes(n: int, bad_y, bad_x, out_of_range, incomplete, zero, swapped, utm, epsg) -> np.ndarray:
    """One shared Note object per kind, placed on the rows concerned (last wins)."""
    notes = np.full(n, None, dtype=object)
    ordered = [
        (utm, Note.of(COORD_UTM, epsg=epsg)),
        (swapped, Note.of(COORD_SWAPPED)),
        (incomplete, Note.of(COORD_INCOMPLETE)),
        (zero, Note.of(COORD_ZERO)),
        (out_of_range, Note.of(COORD_OUT_OF_RANGE)),
        (bad_x & ~bad_y, Note.of(COORD_BAD_LON)),
        (bad_y & bad_x, Note.of(COORD_BAD_BOTH)),
        (bad_y & ~bad_x, Note.of(COORD_BAD_LAT)),
    ]
    for mask, note in ordered:
        if mask.any():
            notes[mask] = note
    return notes
