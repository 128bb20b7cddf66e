"""Check a file's code column before its codes are trusted as Kemendagri codes.

A code column is evidence only once checked as a whole: codes in the BPS layout
(``values.codes.looks_bps``) are never read as Kemendagri codes, and a column whose
codes point to kelurahan that the written kelurahan/kecamatan names contradict on many
rows is not used either. The rows are then matched by name instead, and each row that
carried a code says so; rows with nothing else to go on go to review, never to a match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geoapp.core.i18n import Msg, Note
from geoapp.io.records.grid import column_codes
from geoapp.matching.combo_ids import combination_ids
from geoapp.matching.decide import NO_EVIDENCE
from geoapp.matching.evidence import Resolver
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.types import MatchResult
from geoapp.values.codes import looks_bps, normalise_kode
from geoapp.values.names import name_keys, name_words

CODES_BPS = Msg(
    "codes_bps",
    "The codes in column '{column}' look like BPS codes (named BPS, or kecamatan parts in "
    "steps of ten such as 010, 020, 011), not Kemendagri codes; they were not used: matched "
    "by name instead.",
)
CODES_DISAGREE = Msg(
    "codes_disagree",
    "The codes in column '{column}' disagree with the written kelurahan/kecamatan names "
    "in {disagree} of {checked} rows that could be checked; they were not used: matched "
    "by name instead.",
)
CODES_UNCONFIRMED = Msg(
    "codes_unconfirmed",
    "The codes in column '{column}' were read as Kemendagri codes, but no name or point in "
    "the file confirms them: BPS codes of a kecamatan whose BPS number ends in 1, 2 or 3 "
    "(such as 011) read as valid Kemendagri codes of another kecamatan. Check that the "
    "codes are Kemendagri codes, or add a kelurahan or kecamatan name column.",
)
CODES_IMPLAUSIBLE = Msg(
    "codes_implausible",
    "The codes in column '{column}' are not confirmed by any name, and {unknown} of {total} "
    "rows carry a code that reads as a kelurahan the boundary set does not have (as BPS codes "
    "of one kecamatan do); they were not used.",
)
ROW_CODE_BPS = Msg(
    "row_code_bps",
    "A BPS code alone cannot be placed and the row has no usable name or coordinates, so "
    "it goes to review.",
)
ROW_CODE_UNUSED = {
    "bps": Msg("row_code_bps_unused", "Code not used: the code column holds BPS codes."),
    "disagree": Msg("row_code_disagree_unused",
                    "Code not used: the code column disagrees with the written names."),
    "implausible": Msg("row_code_implausible_unused",
                       "Code not used: many codes of the column are kelurahan the boundary "
                       "set does not have."),
}

DISAGREE_SHARE = 0.2      # more than this share of checkable rows disagree: column not used
MIN_DISAGREE = 3          # ... and at least this many rows
SAMPLE_COMBOS = 2000      # distinct (code, name, kecamatan) texts checked, most rows first


@dataclass(frozen=True)
class CodeCheck:
    """use: the codes may be read as Kemendagri codes. reason: ok | unconfirmed (used, but
    nothing in the file could confirm them) | bps | disagree (not used)."""

    use: bool
    reason: str
    checked: int = 0
    disagree: int = 0
    note: Note | None = None


def _codes(column: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(per row an index into the distinct texts, the distinct texts; '' for empty)."""
    if column is None:
        return np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
    codes, uniques = column_codes(column.reset_index(drop=True))
    texts = np.array(["" if u is None or u != u else str(u) for u in uniques], dtype=object)
    return np.asarray(codes, dtype=np.int64), texts


def check_code_column(gaz: Gazetteer, header: str, kode: pd.Series,
                      kelurahan: pd.Series | None, kecamatan: pd.Series | None,
                      resolver: Resolver | None = None, points: bool = False) -> CodeCheck:
    """Whether the code column ``kode`` may be trusted, from its layout and the names.

    Codes kept with no name column and no coordinates (``points``) to confirm them are
    used, but come back as ``unconfirmed`` with a note saying so."""
    n = len(kode)
    parts = [_codes(kode, n), _codes(kelurahan, n), _codes(kecamatan, n)]
    code_counts = np.bincount(parts[0][0], minlength=len(parts[0][1]))
    filled = [(t, int(c)) for t, c in zip(parts[0][1], code_counts, strict=True)
              if c and t.strip()]
    if "bps" in name_words(header) or looks_bps([t for t, _ in filled], [c for _, c in filled]):
        return CodeCheck(False, "bps", note=Note.of(CODES_BPS, column=header))
    resolver = resolver or Resolver(gaz, None)
    checked = disagree = 0
    for (k, name, kec_text), weight in _combinations(parts):
        verdict = _combo_verdict(gaz, resolver, parts[0][1][k], parts[1][1][name],
                                 parts[2][1][kec_text])
        if verdict is not None:
            checked += int(weight)
            disagree += int(weight) if verdict else 0
    if disagree >= MIN_DISAGREE and disagree > DISAGREE_SHARE * checked:
        note = Note.of(CODES_DISAGREE, column=header, disagree=disagree, checked=checked)
        return CodeCheck(False, "disagree", checked, disagree, note)
    if kelurahan is None and kecamatan is None and not points:
        return _unconfirmed(gaz, header, filled)
    return CodeCheck(True, "ok", checked, disagree)


def _combinations(parts: list[tuple[np.ndarray, np.ndarray]]) -> list[tuple[tuple, int]]:
    """The SAMPLE_COMBOS most frequent (code, name, kecamatan) index triples with their row
    counts, in ``value_counts`` order (most rows first, ties in order of first appearance):
    the triples are numbered by ``combination_ids`` and counted with one bincount (a
    DataFrame value_counts on a million rows costs several times more)."""
    sizes = [len(texts) for _, texts in parts]
    if sizes[0] * sizes[1] * sizes[2] >= 2 ** 62:       # beyond int64 keys: let pandas count
        combos = pd.DataFrame({i: codes for i, (codes, _) in enumerate(parts)}).value_counts()
        return [(tuple(int(i) for i in c), int(w)) for c, w in combos.head(SAMPLE_COMBOS).items()]
    if not len(parts[0][0]):
        return []
    ids, first = combination_ids([(codes, len(texts)) for codes, texts in parts])
    counts = np.bincount(ids, minlength=len(first))
    top = np.argsort(-counts, kind="stable")[:SAMPLE_COMBOS]
    rows = first[top]
    triples = zip(*(codes[rows].tolist() for codes, _ in parts), strict=True)
    return [(triple, weight) for triple, weight in zip(triples, counts[top].tolist(), strict=True)]


def _unconfirmed(gaz: Gazetteer, header: str, filled: list[tuple[str, int]]) -> CodeCheck:
    """Codes nothing in the file can confirm: used, with a note, unless too many of them
    read as desa codes of the area that the area does not have (an implausible spread)."""
    total = unknown = 0
    for text, weight in filled:
        dotted = normalise_kode(text)
        if dotted is None or dotted.count(".") != 3 or dotted[:5] not in gaz.regions:
            continue
        total += weight
        unknown += weight if dotted not in gaz.by_kode else 0
    if unknown >= MIN_DISAGREE and unknown > DISAGREE_SHARE * total:
        note = Note.of(CODES_IMPLAUSIBLE, column=header, unknown=unknown, total=total)
        return CodeCheck(False, "implausible", total, unknown, note)
    return CodeCheck(True, "unconfirmed", note=Note.of(CODES_UNCONFIRMED, column=header))


def _combo_verdict(gaz: Gazetteer, resolver: Resolver, kode: str, name: str,
                   kec_text: str) -> bool | None:
    """True: the names contradict the code (or the code is not a desa of the area while
    the name is); False: they agree; None: nothing to check.

    Names are looked up exactly (no fuzzy search: this runs before matching, on every
    distinct combination); a name that is the code's kelurahan or a close spelling of
    it agrees, a name that is exactly other kelurahan only disagrees.
    """
    dotted = normalise_kode(kode) if kode.strip() else None
    row = gaz.by_kode.get(dotted) if dotted else None
    if row is None:
        # a desa code of the area that the area does not have, while the name is known
        unknown = dotted is not None and dotted.count(".") == 3 and dotted[:5] in gaz.regions
        return True if unknown and name.strip() and gaz.lookup_keys(name_keys(name)) else None
    verdicts = []
    kec = resolver.kecamatan(kec_text or None)
    if kec.kind == "known":
        verdicts.append(gaz.kode_kecamatan[row] not in kec.codes)
    if name.strip():
        hits = gaz.lookup_keys(name_keys(name))
        if row in hits:
            verdicts.append(False)
        elif hits:
            verdicts.append(not resolver.spelling(name, row))
    return None if not verdicts else any(verdicts)


def mark_unused_codes(result: MatchResult, kode: pd.Series, check: CodeCheck,
                      lang: str) -> None:
    """Rows that carried a code the run did not use: a note, and review instead of
    unmatched (the code alone never matches, and nothing else placed the row)."""
    codes, texts = _codes(kode, len(result.status))
    has_code = np.array([bool(t.strip()) for t in texts] + [False], dtype=bool)[codes]
    status = np.asarray(result.status, dtype=object)
    stuck = has_code & (status == "unmatched")
    used = has_code & ~stuck & (status != "excluded")
    first = Note.of(ROW_CODE_UNUSED[check.reason]).text(lang)
    _prefix(result, np.flatnonzero(used), first)
    result.status[stuck] = "review"
    stuck_rows = np.flatnonzero(stuck)
    no_evidence = Note.of(NO_EVIDENCE).text(lang)
    result.note[stuck_rows] = [None if n == no_evidence else n for n in result.note[stuck_rows]]
    row_text = Note.of(ROW_CODE_BPS).text(lang) if check.reason == "bps" else first
    _prefix(result, stuck_rows, f"{first} {row_text}" if check.reason == "bps" else row_text)


def _prefix(result: MatchResult, rows: np.ndarray, text: str) -> None:
    """Put ``text`` before the note of each of ``rows`` (rendered once per distinct note)."""
    if not len(rows):
        return
    notes = pd.Series(result.note[rows], dtype=object).fillna("")
    done = {note: f"{text} {note}".strip() for note in notes.unique()}
    result.note[rows] = notes.map(done).to_numpy(dtype=object)
