"""Header rows: find them, recognise role columns, report duplicate or empty headers."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.io.records.types import ROLES, ColumnMapping
from geoapp.values.integers import ascii_int

HEADER_SEARCH_ROWS = 30

# Normalised header texts per role, most specific first.
ROLE_HEADERS: dict[str, tuple[str, ...]] = {
    "kelurahan": (
        "kelurahan", "nama kelurahan", "desa kelurahan", "kelurahan desa", "nama desa kelurahan",
        "nama kelurahan desa", "kel", "nama kel", "desa", "nama desa", "kel desa", "desa kel",
        "kemendagri nama desa kelurahan", "bps nama desa kelurahan",
    ),
    "kecamatan": ("kecamatan", "nama kecamatan", "kec", "nama kec",
                  "kemendagri nama kecamatan", "bps nama kecamatan"),
    "kode": (
        "kode wilayah", "kode kemendagri", "kode kelurahan", "kode wilayah kelurahan",
        "kode desa", "kode kel", "kode desa kelurahan", "kode kelurahan desa", "kdepum", "kode",
        "kemendagri kode desa kelurahan", "kode kemendagri desa kelurahan", "id kel", "id desa",
        "id kelurahan", "id desa kelurahan", "kd kel", "kd desa", "bps kode desa kelurahan",
    ),
    "lat": ("lintang", "latitude", "lat", "y", "koordinat y", "koordinat lintang"),
    "kabupaten": ("kabupaten kota", "kab kota", "kota kab", "kota kabupaten", "kabupaten",
                  "kab", "kota", "nama kabupaten", "nama kabupaten kota", "nama kab kota",
                  "kabkota", "kabkot", "kab kot", "kotakab", "kemendagri nama kabupaten kota",
                  "bps nama kabupaten kota", "nama kota", "nama kab"),
    "provinsi": ("provinsi", "propinsi", "prov", "prop", "nama provinsi", "nama propinsi",
                 "nama prov", "kemendagri nama provinsi", "bps nama provinsi"),
    "lon": ("bujur", "longitude", "lon", "lng", "long", "x", "koordinat x", "koordinat bujur"),
}
# Headers made only of these words name a place column even when not listed above
# ("nama_desa_kel_2024" is not, "kelurahan/desa (nama)" is): a level word decides the
# role, a code word makes it the code column (desa level only).
_DESA_WORDS = frozenset({"desa", "kelurahan", "kel", "ds", "kelurahandesa", "desakelurahan"})
_KEC_WORDS = frozenset({"kecamatan", "kec"})
_CODE_WORDS = frozenset({"kode", "kd", "id", "kdepum"})
_FILLER_WORDS = frozenset({"nama", "nm", "bps", "kemendagri", "dagri", "wilayah", "dan", "atau"})
# A code column from BPS is a last resort: a Kemendagri one wins when a file has both.
_SOURCE_RANK = {"kemendagri": 0, "dagri": 0, "bps": 2}


def role_by_words(header: str) -> str | None:
    """The role of a header made only of place, code and source words, or None."""
    words = set(normalise_header(header).split())
    if not words or not words <= _DESA_WORDS | _KEC_WORDS | _CODE_WORDS | _FILLER_WORDS:
        return None
    if words & _CODE_WORDS:
        return "kode" if words & _DESA_WORDS and not words & _KEC_WORDS else None
    if words & _DESA_WORDS:
        return None if words & _KEC_WORDS else "kelurahan"
    return "kecamatan" if words & _KEC_WORDS else None


def source_rank(header: str) -> int:
    """0 for a Kemendagri column, 2 for a BPS one, 1 otherwise."""
    words = normalise_header(header).split()
    return min((_SOURCE_RANK.get(w, 1) for w in words), default=1)


OTHER_HEADER_WORDS = frozenset({
    "no", "nomor", "nama", "alamat", "jumlah", "keterangan", "ket", "nik", "jenis", "tahun",
    "rt", "rw", "nilai", "anggaran", "bantuan", "peserta", "kelompok", "usaha", "nama usaha",
    "jenis usaha", "nama pemilik", "pemilik", "telp", "hp", "no hp", "status", "tanggal",
    "luas", "kota", "kabupaten", "provinsi", "id", "sektor", "program", "kategori",
})

HEADER_DUPLICATE = Msg(
    "header_duplicate",
    "The column header '{header}' appears {count} times (columns "
    "{positions}). Give them distinct names.",
)
HEADER_EMPTY = Msg(
    "header_empty",
    "Column {position} has no header but contains data. Give that column a header.",
)
NO_HEADER = Msg(
    "no_header",
    "No header row was found in the first {rows} rows. Choose the "
    "header row (header_row) yourself.",
)
EMPTY_TABLE = Msg(
    "empty_table",
    "No header row was found: '{filename}' holds no data, every row is empty. Check that "
    "this is the right file.",
)
EMPTY_SHEET = Msg(
    "empty_sheet",
    "Sheet '{sheet}' of '{filename}' holds no data: every row is empty. Choose another sheet "
    "that holds data (sheet).",
)
BAD_HEADER_ROW = Msg(
    "bad_header_row",
    "header_row={received} is not valid: the file has {rows} rows; use a number from 1 to {rows}.",
)
UNKNOWN_ROLE = Msg("unknown_role", "Unknown column role '{role}'. Available roles: {allowed}.")
UNKNOWN_COLUMN = Msg(
    "unknown_column",
    "Column '{column}' for role {role} was not found. Available columns: {available}.",
)
BAD_COLUMN_NUMBER = Msg(
    "bad_column_number",
    "Column number {column} for role {role} is not valid; use 1 to {count}.",
)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NUMBERISH = re.compile(r"^[-+]?(rp\.?\s*)?[\d.,\s]+%?$", re.I)


def normalise_header(text: object) -> str:
    """Lower case, punctuation and runs of spaces to one space: 'Desa/Kel.' -> 'desa kel'."""
    return _NON_ALNUM.sub(" ", str(text).casefold()).strip()


def role_of(header: str) -> str | None:
    """The role a header names, or None."""
    norm = normalise_header(header)
    for role, names in ROLE_HEADERS.items():
        if norm in names:
            return role
    return None


def _row_score(cells: list[str]) -> tuple[int, int, int]:
    """(distinct non-empty texts, known header words, number-like cells) of one row."""
    filled = [c.strip() for c in cells if c.strip()]
    known = sum(1 for c in filled if role_of(c) or normalise_header(c) in OTHER_HEADER_WORDS)
    numeric = sum(1 for c in filled if _NUMBERISH.match(c))
    return len(set(filled)), known, numeric


def _first_header(scores: list[tuple[int, int, int]], need_data_below: bool) -> int | None:
    widest = max(s[0] for s in scores)
    below = [any(s[0] > 0 for s in scores[i + 1:]) or not need_data_below
             for i in range(len(scores))]
    for i, (distinct, known, numeric) in enumerate(scores):
        if known >= 1 and distinct >= 2 and numeric * 2 < distinct and below[i]:
            return i
    for i, (distinct, _known, numeric) in enumerate(scores):
        if distinct >= max(2, 0.6 * widest) and numeric * 3 < distinct and below[i]:
            return i
    return None


def detect_header_row(head: pd.DataFrame) -> int | None:
    """0-based position of the header row among the first rows, or None.

    The header is the first row with recognised header words and several distinct texts
    (mostly not numbers) that has data below it; else the first wide, text-only row.
    """
    scores = [_row_score(list(row)) for row in head.itertuples(index=False)]
    if not scores:
        return None
    found = _first_header(scores, need_data_below=True)
    return found if found is not None else _first_header(scores, need_data_below=False)


def header_problems(headers: list[str], has_data: list[bool]) -> list[Note]:
    """Notes for duplicate headers and for empty headers over columns with data."""
    problems: list[Note] = []
    keys = [h.strip().casefold() for h in headers]
    for key, count in Counter(k for k in keys if k).items():
        if count > 1:
            positions = [i + 1 for i, k in enumerate(keys) if k == key]
            header = headers[positions[0] - 1].strip()
            problems.append(Note.of(HEADER_DUPLICATE, header=header, count=count,
                                    positions=", ".join(map(str, positions))))
    for i, key in enumerate(keys):
        if not key and has_data[i]:
            problems.append(Note.of(HEADER_EMPTY, position=i + 1))
    return problems


def auto_mapping(
    headers: list[str], taken: set[int] | None = None, skip: set[str] | None = None
) -> dict[str, int]:
    """Role -> column position from recognised header words (most specific name wins)."""
    taken = set(taken or ())
    norms = [normalise_header(h) for h in headers]
    found: dict[str, int] = {}
    for role, names in ROLE_HEADERS.items():
        if role in (skip or ()):
            continue
        ranked = sorted(names, key=lambda name: _SOURCE_RANK.get(name.split()[0], 1))
        for name in ranked:
            pos = next((i for i, n in enumerate(norms) if n == name and i not in taken), None)
            if pos is not None:
                found[role] = pos
                taken.add(pos)
                break
    for role in ROLE_HEADERS:
        if role in found or role in (skip or ()):
            continue
        hits = [i for i, h in enumerate(headers) if i not in taken and role_by_words(h) == role]
        if hits:
            found[role] = min(hits, key=lambda i: (source_rank(headers[i]), i))
            taken.add(found[role])
    return found


def _resolve_column(role: str, column: str | int, headers: list[str]) -> int:
    if isinstance(column, bool):
        column = str(column)
    if isinstance(column, str):
        wanted = column.strip().casefold()
        for i, h in enumerate(headers):
            if h.strip().casefold() == wanted:
                return i
        for i, h in enumerate(headers):
            if wanted and normalise_header(h) == normalise_header(wanted):
                return i
        number = ascii_int(wanted)  # only ASCII digits are a column number ('٣' is a header text)
        if number is None:
            available = ", ".join(f"'{h}'" for h in headers if h.strip()) or "-"
            raise GeoappError(UNKNOWN_COLUMN, 400, column=column, role=role, available=available)
        column = number
    if not 1 <= int(column) <= len(headers):
        raise GeoappError(BAD_COLUMN_NUMBER, 400, column=column, role=role, count=len(headers))
    return int(column) - 1


def build_mapping(headers: list[str], columns: dict[str, str | int] | None) -> ColumnMapping:
    """User choices first (role -> header text or 1-based number), then recognised headers."""
    chosen: dict[str, int] = {}
    for role, column in (columns or {}).items():
        key = str(role).strip().lower()
        if key not in ROLES:
            raise GeoappError(UNKNOWN_ROLE, 400, role=role, allowed=", ".join(ROLES))
        if column is None or (isinstance(column, str) and not column.strip()):
            continue
        chosen[key] = _resolve_column(key, column, headers)
    auto = auto_mapping(headers, taken=set(chosen.values()), skip=set(chosen))
    for role, pos in auto.items():
        chosen.setdefault(role, pos)
    return ColumnMapping(**chosen)
