"""Which column is used for what: content-based detection and the column report.

Headers name most place columns (``io.records.headers``). A column whose header says
nothing is still a candidate when its content does: most of its values are Kemendagri
desa codes, names found in the gazetteer, or kabupaten/kota or provinsi names (in full
or short: ``Kab. Tegal``, ``Jatim``). The report lists every column with its
use (a role, a measure, an identifier, or ignored) and how that was decided.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from geoapp.core.i18n import Msg, Note
from geoapp.io.records.columns import identifier_header
from geoapp.io.records.grid import column_codes
from geoapp.io.records.types import ROLES, RecordTable
from geoapp.matching.code_check import CodeCheck
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.hierarchy import resolve_kabupaten, resolve_provinsi
from geoapp.values.codes import code_digits, normalise_kode
from geoapp.values.names import name_keys, name_words

BY_CONTENT = {
    "kode": Msg("column_by_content_kode",
                "Column '{column}' was used as the kode column because of its content "
                "(values that are region codes: {share}%); its header was not recognised."),
    "kelurahan": Msg("column_by_content_kelurahan",
                     "Column '{column}' was used as the kelurahan column because of its "
                     "content (values that are kelurahan names of the boundary set: "
                     "{share}%); its header was not recognised."),
    "kecamatan": Msg("column_by_content_kecamatan",
                     "Column '{column}' was used as the kecamatan column because of its "
                     "content (values that are kecamatan names of the boundary set: "
                     "{share}%); its header was not recognised."),
    "kabupaten": Msg("column_by_content_kabupaten",
                     "Column '{column}' was used as the kabupaten/kota column because of its "
                     "content (values that are kabupaten/kota names: {share}%); its header "
                     "was not recognised."),
    "provinsi": Msg("column_by_content_provinsi",
                    "Column '{column}' was used as the provinsi column because of its "
                    "content (values that are provinsi names: {share}%); its header was "
                    "not recognised."),
}
# Place-name roles, lowest level first: on equal shares the lower level wins.
NAME_ROLES = ("kelurahan", "kecamatan", "kabupaten", "provinsi")
CODE_COLUMN_UNUSED = Msg(
    "column_code_unused",
    "Column '{column}' looks like a code column (values that are codes: {share}%) but "
    "was not used; choose it as the kode column if it holds Kemendagri codes.",
)
MIN_CODE_SHARE = 0.8
MIN_NAME_SHARE = 0.6
SAMPLE = 300              # distinct values looked at per column, most frequent first
SAMPLE_ROWS = 20000       # ... among the first rows


def _distinct(column: pd.Series) -> pd.Series:
    """Distinct non-empty texts of the first SAMPLE_ROWS rows with their row counts, most
    frequent first (at most SAMPLE)."""
    codes, uniques = column_codes(column.iloc[:SAMPLE_ROWS].reset_index(drop=True))
    counts = pd.Series(np.bincount(codes, minlength=len(uniques)) if len(codes) else
                       np.zeros(len(uniques), int),
                       index=["" if u is None or u != u else str(u).strip() for u in uniques])
    counts = counts[(counts.index != "") & (counts.to_numpy() > 0)]
    return counts.groupby(level=0).sum().sort_values(ascending=False).head(SAMPLE)


def _share(counts: pd.Series, hit) -> float:
    if counts.empty:
        return 0.0
    weights = counts.to_numpy(float)
    hits = np.array([bool(hit(v)) for v in counts.index], dtype=bool)
    return float(weights[hits].sum() / weights.sum())


def _is_code(text: str) -> bool:
    digits = code_digits(text)
    if digits is not None:
        return len(digits) == 10
    kode = normalise_kode(text)
    return kode is not None and kode.count(".") == 3


def _shares(gaz: Gazetteer, counts: pd.Series, names: bool = True) -> dict[str, float]:
    """Share of the rows whose text reads as a code, and (``names``) as a name of each level."""
    if not names:
        return {"kode": _share(counts, _is_code), **dict.fromkeys(NAME_ROLES, 0.0)}
    return {
        "kode": _share(counts, _is_code),
        "kelurahan": _share(counts, lambda v: gaz.lookup_keys(name_keys(v))),
        "kecamatan": _share(counts, lambda v: gaz.kecamatan_for_keys(name_keys(v))),
        "kabupaten": _share(counts, lambda v: resolve_kabupaten(v, fuzzy=False)),
        "provinsi": _share(counts, lambda v: resolve_provinsi(v, fuzzy=False)),
    }


# Headers naming a level above the kecamatan: their values ("Tangerang") may also be a
# kecamatan name, but never are the row's kecamatan.
HIGHER_LEVEL = frozenset({"kota", "kab", "kabupaten", "kotamadya", "provinsi", "propinsi",
                          "prov", "negara"})


def _free_columns(table: RecordTable) -> list[int]:
    used = {getattr(table.mapping, r) for r in ROLES} | set(table.numeric)
    return [p for p in range(len(table.headers))
            if p not in used and not set(name_words(table.headers[p])) & HIGHER_LEVEL]


def detect_by_content(table: RecordTable, gaz: Gazetteer,
                      fixed: Collection[str] = ()) -> list[Note]:
    """Fill the kode and place-name roles the headers left empty from the columns'
    content (roles the user chose, even as "no column", stay as they are)."""
    notes: list[Note] = []
    free = _free_columns(table)
    if not free:
        return notes
    # an identifier column (No, NIK, ID_...) is never a name column: no name lookups
    shares = {p: _shares(gaz, _distinct(table.cells[p]), names=not identifier_header(table.headers[p]))
              for p in free}
    for role, minimum in (("kode", MIN_CODE_SHARE),
                          *((r, MIN_NAME_SHARE) for r in NAME_ROLES)):
        if getattr(table.mapping, role) is not None or role in fixed:
            continue
        best = [p for p in free if shares[p][role] >= minimum and _wins(shares[p], role)]
        if not best:
            continue
        pos = max(best, key=lambda p: (shares[p][role], -p))
        setattr(table.mapping, role, pos)
        free.remove(pos)
        notes.append(Note.of(BY_CONTENT[role], column=table.headers[pos] or f"({pos + 1})",
                             share=round(100 * shares[pos][role])))
    return notes + _unused_code_columns(table, free, shares)


def _wins(share: dict[str, float], role: str) -> bool:
    """A name column is used for the level whose names fit it best (a lower level on equal
    shares: a kelurahan column unless kecamatan names fit it better, and so on)."""
    if role not in NAME_ROLES:
        return True
    rank = NAME_ROLES.index(role)
    return all(share[role] > share[r] if i < rank else share[role] >= share[r]
               for i, r in enumerate(NAME_ROLES) if r != role)


def _unused_code_columns(table: RecordTable, free: list[int],
                         shares: dict[int, dict[str, float]]) -> list[Note]:
    return [Note.of(CODE_COLUMN_UNUSED, column=table.headers[p] or f"({p + 1})",
                    share=round(100 * shares[p]["kode"]))
            for p in free if shares[p]["kode"] >= MIN_CODE_SHARE]


def column_use(table: RecordTable, check: CodeCheck | None,
               by_content: Collection[int] = (), chosen: Collection[str] = ()) -> list[dict]:
    """Per input column: header, what it was used for, and how that was decided.

    use: a role (kode, kelurahan, kecamatan, lat, lon), ``kode not used`` (with the
    code check's ``reason``: bps or disagree; a used ``kode`` may carry ``unconfirmed``),
    ``measure``
    (summed in the ledger), ``identifier`` (an ID/number column: neither summed nor
    mapped) or ``ignored``. how: ``header``, ``content`` or ``chosen``.
    """
    roles = {getattr(table.mapping, r): r for r in ROLES if getattr(table.mapping, r) is not None}
    out = []
    for pos, header in enumerate(table.headers):
        role, entry = roles.get(pos), {}
        if role is not None:
            use = role
            if role == "kode" and check is not None and check.reason != "ok":
                use = "kode" if check.use else "kode not used"
                entry = {"reason": check.reason}
            how = "chosen" if role in chosen else "content" if pos in by_content else "header"
        elif pos in table.numeric:
            use, how = "measure", "content"
        elif identifier_header(header):
            use, how = "identifier", "header"
        else:
            use, how = "ignored", ""
        out.append({"column": pos + 1, "header": header, "use": use, "how": how, **entry})
    return out
