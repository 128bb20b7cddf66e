"""Kemendagri kode wilayah in every written form, normalised to the dotted form.

``36.71.01.1001`` is a kelurahan/desa, ``36.71.01`` a kecamatan, ``36.71`` a
kabupaten/kota and ``36`` a provinsi. Spreadsheets write the same code as
``3671011001``, ``3671011001.0``, ``36-71-01-1001``, ``36 71 1 1001`` or an int.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

LEVELS = ("provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan")

# Digits-only codes: length -> segment widths.
_DIGIT_WIDTHS = {2: (2,), 4: (2, 2), 6: (2, 2, 2), 10: (2, 2, 2, 4)}
_SEPARATORS = re.compile(r"[\s.\-_/]+")
_TRAILING_ZERO_FRACTION = re.compile(r"^(\d+)[.,]0+$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_QUOTES = "'\"`\u2018\u2019\u201c\u201d"

BAD_KODE = Msg(
    "kode_invalid",
    "Region code {value!r} is not recognised. Write a Kemendagri code such as "
    "36.71.01.1001 (kelurahan) or 36.71.01 (kecamatan).",
)


def _clean_text(value: object) -> str | None:
    """Turn a cell value into stripped text, or None for empty/unusable values."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value) or abs(value) >= 1e15:
            return None
        return str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().strip(_QUOTES).strip()
    return text or None


def looks_scientific(value: object) -> bool:
    """True when a code was written in scientific notation (``3.67101E+09``): digits lost."""
    if isinstance(value, str):
        return bool(_SCIENTIFIC.match(value.strip()))
    return False


def _from_digits(digits: str) -> str | None:
    widths = _DIGIT_WIDTHS.get(len(digits))
    if widths is None:
        return None
    parts, pos = [], 0
    for width in widths:
        parts.append(digits[pos : pos + width])
        pos += width
    return _join_checked(parts)


def _join_checked(parts: list[str]) -> str | None:
    """Check each segment (padding lost zeros of kabupaten/kecamatan) and join with dots."""
    if not 1 <= len(parts) <= 4:
        return None
    out = []
    for i, part in enumerate(parts):
        if not part.isdigit() or not part.isascii():
            return None
        if i == 0:
            ok = len(part) == 2 and part[0] != "0"
        elif i < 3:
            part = part.zfill(2)
            ok = len(part) == 2 and part != "00"
        else:
            ok = len(part) == 4 and part[0] != "0"
        if not ok:
            return None
        out.append(part)
    return ".".join(out)


def normalise_kode(value: object) -> str | None:
    """Return the dotted code (``36.71.01.1001``) or None if ``value`` is not a recognisable code.

    Scientific notation (``3.67101E+09``) has lost digits and gives None; see
    :func:`looks_scientific` to tell the user why. Texts are remembered (a national file
    repeats each desa code on many rows).
    """
    if isinstance(value, str):
        return _normalise_text(value)
    return _normalise(value)


@lru_cache(maxsize=262_144)
def _normalise_text(value: str) -> str | None:
    return _normalise(value)


def _normalise(value: object) -> str | None:
    text = _clean_text(value)
    if text is None or looks_scientific(text):
        return None
    whole = _TRAILING_ZERO_FRACTION.match(text)
    if whole:
        text = whole.group(1)
    if text.isdigit():
        return _from_digits(text)
    parts = [p for p in _SEPARATORS.split(text) if p]
    if len(parts) >= 2:
        dotted = _join_checked(parts)
        if dotted is not None:
            return dotted
    joined = "".join(parts)
    return _from_digits(joined) if joined.isdigit() and len(parts) > 1 else None


def kode_level(kode: object) -> str:
    """The administrative level of a code: provinsi, kabupaten_kota, kecamatan or desa_kelurahan."""
    dotted = normalise_kode(kode)
    if dotted is None:
        raise GeoappError(BAD_KODE, 400, value=str(kode)[:40])
    return LEVELS[dotted.count(".")]


def kecamatan_of(kode: str) -> str:
    """The kecamatan code (``36.71.01``) of a dotted kelurahan or kecamatan code."""
    return ".".join(kode.split(".")[:3])


# --------------------------------------------------------------------------- code layouts
#
# BPS (Statistics Indonesia) writes a desa code as 10 digits too, but with a 3-digit
# kecamatan part in steps of ten (010, 020, 011 for a split) and a 3-digit desa part:
# BPS 3671011001 is a desa in kecamatan 011, not Kemendagri 36.71.01.1001. Where a BPS
# kecamatan part ends in 0 the Kemendagri reading has a desa part starting with 0, which
# is invalid; that is how a column of BPS codes gives itself away.
BPS_MIN_SHARE = 0.2


def code_digits(value: object) -> str | None:
    """The digits of a code written without separators (``3671011001``, ``3671011001.0``)."""
    text = _clean_text(value)
    if text is None or looks_scientific(text):
        return None
    whole = _TRAILING_ZERO_FRACTION.match(text)
    if whole:
        text = whole.group(1)
    return text if text.isdigit() and text.isascii() else None


# Kemendagri desa parts start with 1 (kelurahan), 2 (desa) or 3 (desa adat, Papua): the
# 7th digit of a 10-digit code is one of these. Any other (0, or 4-9: a BPS kecamatan part
# such as 010 or 014) is never a Kemendagri code.
KEMENDAGRI_DESA_FIRST = frozenset("123")


def bps_shaped(digits: str) -> bool:
    """A 10-digit code that is never Kemendagri: its 7th digit (the last of a BPS kecamatan
    part, the first of a Kemendagri desa part) is not 1, 2 or 3."""
    return len(digits) == 10 and digits[6] not in KEMENDAGRI_DESA_FIRST


def looks_bps(texts: list[str], weights: list[int] | None = None) -> bool:
    """True when a column's codes are in the BPS layout: at least ``BPS_MIN_SHARE`` of its
    10-digit codes have a kecamatan part in steps of ten, and none is written in the dotted
    Kemendagri form."""
    weights = weights or [1] * len(texts)
    ten = bps = 0
    for text, weight in zip(texts, weights, strict=True):
        if text is None or not str(text).strip():
            continue
        digits = code_digits(text)
        if digits is None:
            if normalise_kode(text) is not None:
                return False        # a dotted Kemendagri code: not the BPS layout
            continue
        if len(digits) == 10:
            ten += weight
            bps += weight if bps_shaped(digits) else 0
    return ten > 0 and bps >= BPS_MIN_SHARE * ten
