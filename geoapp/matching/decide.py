"""Turn the evidence of one row (texts + point) into status, method, kode and note.

Evidence order: kode, koordinat, nama, alias, fuzzy. Any disagreement between
pieces of evidence sends the row to review: a wrong match is worse than none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geoapp.core.i18n import Msg, Note
from geoapp.matching.evidence import Evidence
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.spelling import TYPO
from geoapp.matching.types import Suggestion

BY_KODE = Msg("matched_kode", "Matched by code {kode}: {nama} ({kec}).")
BY_POINT = Msg("matched_koordinat", "The coordinates lie in kelurahan {nama} ({kec}).")
BY_NAME = Msg("matched_nama", "Name {value!r} matches kelurahan {nama} ({kec}).")
BY_ALIAS = Msg("matched_alias", "Name {value!r} is known from the alias table: {nama} ({kec}).")
BY_FUZZY = Msg("matched_fuzzy",
               "Name {value!r} taken as a misspelling of {nama} ({kec}), score {score}.")
EXCLUDED = Msg("excluded", "Total row; not matched and not summed.")
NO_EVIDENCE = Msg("no_evidence",
                  "Row without code, kelurahan name or usable coordinates; fill in one of them.")
NO_TEXT_POINT_OUTSIDE = Msg(
    "no_evidence_point_outside",
    "Row without code or kelurahan name, and its coordinates lie outside the area; fix the "
    "coordinates or fill in the code/kelurahan name.",
)
POINT_OUTSIDE = Msg("point_outside",
                    "The coordinates lie outside every kelurahan boundary; not used.")
POINT_OVERLAP = Msg("point_overlap",
                    "The point lies where {kode} and {others} overlap; {kode} was chosen "
                    "(its boundary is farthest from the point).")
POINT_NEAR = Msg("point_near_boundary",
                 "The point lies in {point} but near (< {tol} m) the boundary of {nama}; "
                 "{nama} was used.")
CONFLICT_POINT = Msg("conflict_point",
                     "The point lies in {point}, far from {nama} written in the row; "
                     "check the row.")
CONFLICT_NAME = Msg("conflict_kode_nama",
                    "The code points to {nama} but the name reads {value!r}: the code and "
                    "the name disagree, so the code was not used; check the row ({nama} is "
                    "the first suggestion).")
CONFLICT_KEC = Msg("conflict_kecamatan",
                   "{nama} is in kecamatan {kec}, not kecamatan {value!r}; check the row.")
CONFLICT_OUTSIDE = Msg("conflict_outside",
                       "The code is outside the area but the "
                       "name/point says {nama}; check the row.")
NAME_KEC_CONFLICT = Msg("name_kecamatan_conflict",
                        "Kelurahan {value!r} lies in another kecamatan: {names}, not in "
                        "kecamatan {kec!r}; check the row.")
AMBIGUOUS = Msg("name_ambiguous",
                "Name {value!r} could mean several kelurahan ({names}); choose the right one.")
WEAK = Msg("name_weak",
           "Name {value!r} resembles {names} but is not certain enough to match automatically.")
NOT_FOUND = Msg("name_not_found", "Name {value!r} was not found among the kelurahan.")
IS_KECAMATAN = Msg("name_is_kecamatan",
                   "{value!r} is a kecamatan name, not a kelurahan; fill in the kelurahan.")
ALSO_KECAMATAN = Msg("name_also_kecamatan",
                     "{value!r} is also a kecamatan name; read as the "
                     "kelurahan in kecamatan {kec}.")
NAME_IGNORED = Msg("name_unrecognised",
                   "Name {value!r} is not recognised; the kelurahan comes from other evidence.")
CODE_SPELLING = Msg("matched_kode_spelling",
                    "The name {value!r} is read as a spelling of {nama}, the kelurahan of "
                    "the code.")
KEC_CONFLICT_ROW = Msg("kecamatan_conflict_row",
                       "The written kecamatan {value!r} does not agree with {nama} ({kec}).")



@dataclass
class PointFacts:
    """What the row's point says: polygon row (-1 none) and flags."""

    row: int = -1
    outside: bool = False
    near_target: bool = False
    overlap_others: str | None = None


@dataclass
class Decision:
    kode: str | None
    status: str
    method: str
    score: float
    notes: list[Note] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


def _label(gaz: Gazetteer, row: int) -> dict[str, str]:
    return {"nama": gaz.nama[row], "kec": gaz.nama_kecamatan[row] or gaz.kode_kecamatan[row]}


def _suggestions(gaz: Gazetteer, rows: list[tuple[int, float]]) -> list[Suggestion]:
    out, seen = [], set()
    for row, score in rows:
        if row in seen or row < 0:
            continue
        seen.add(row)
        out.append(Suggestion(gaz.kode[row], gaz.nama[row], gaz.nama_kecamatan[row],
                              float(score)))
    return out[:3]


def _names(gaz: Gazetteer, rows: list[tuple[int, float]], with_kec: bool = False) -> str:
    if with_kec:
        return ", ".join(f"{gaz.nama[r]} ({gaz.nama_kecamatan[r]})" for r, _ in rows[:3])
    return ", ".join(gaz.nama[r] for r, _ in rows[:3])


def text_target(ev: Evidence) -> int:
    """The kelurahan row the texts point to (code first, then an accepted name), or -1."""
    if ev.code.kind == "row":
        return ev.code.row
    return ev.name.row if ev.name.accepted else -1


def decide(gaz: Gazetteer, ev: Evidence, pt: PointFacts) -> Decision:
    """Apply the evidence order and the conflict rules to one distinct situation."""
    notes = list(ev.notes)
    if pt.outside:
        notes.append(Note.of(POINT_OUTSIDE))
    if pt.overlap_others and pt.row >= 0:
        notes.append(Note.of(POINT_OVERLAP, kode=gaz.kode[pt.row], others=pt.overlap_others))
    if ev.code.kind == "row":
        return _by_code(gaz, ev, pt, notes)
    if ev.code.kind in ("outside", "unknown") and (ev.name.accepted or pt.row >= 0):
        row = pt.row if pt.row >= 0 else ev.name.row
        notes.append(Note.of(CONFLICT_OUTSIDE, **_label(gaz, row)))
        return _review(gaz, notes, [(row, 100.0)])
    if pt.row >= 0:
        return _by_point(gaz, ev, pt, notes)
    return _by_name(gaz, ev, notes)


def _review(gaz: Gazetteer, notes: list[Note], rows: list[tuple[int, float]]) -> Decision:
    return Decision(None, "review", "", float("nan"), notes, _suggestions(gaz, rows))


def _kec_disagrees(gaz: Gazetteer, ev: Evidence, row: int) -> bool:
    if ev.kec_conflict or ev.kec.kind == "unknown":
        return True
    return ev.kec.kind == "known" and gaz.kode_kecamatan[row] not in ev.kec.codes


def _kec_note(gaz: Gazetteer, ev: Evidence, row: int) -> Note:
    return Note.of(KEC_CONFLICT_ROW, value=ev.kec_text, **_label(gaz, row))


def _name_disagrees(gaz: Gazetteer, ev: Evidence, row: int) -> bool:
    """The written name speaks against the code's kelurahan ``row``.

    A name that is exactly another kelurahan (``Cipayung`` with the code of ``Sipayung``)
    does, unless the written kecamatan is the code's and the name differs from the code's
    kelurahan only by spacing and one letter dropped or added (``CIHIDEUNGHILIR``, which
    is also a desa elsewhere, for Cihideung Ilir). Any other name does unless it is the
    code's kelurahan or a close spelling of it.
    """
    name = ev.name
    exact = {r for r, score in name.suggestions if score >= 100.0}
    if name.kind in ("exact", "alias"):
        exact.add(name.row)
    if name.kind == "empty" or row in exact:
        return False
    if exact:
        kec_agrees = ev.kec.kind == "known" and gaz.kode_kecamatan[row] in ev.kec.codes
        inside = any(gaz.kode_kecamatan[r] == gaz.kode_kecamatan[row] for r in exact)
        return not (kec_agrees and not inside and ev.code_spelling == TYPO)
    return not (ev.code_spelling or row in name.candidate_rows())


def _by_code(gaz: Gazetteer, ev: Evidence, pt: PointFacts, notes: list[Note]) -> Decision:
    row, name = ev.code.row, ev.name
    others: list[tuple[int, float]] = []
    conflict = False
    if _name_disagrees(gaz, ev, row):
        notes.append(Note.of(CONFLICT_NAME, value=ev.name_text, **_label(gaz, row)))
        others = [(name.row, name.score)] if name.accepted else name.suggestions
        conflict = True
    if _kec_disagrees(gaz, ev, row):
        notes.append(_kec_note(gaz, ev, row))
        conflict = True
    if pt.row >= 0 and pt.row != row and not pt.near_target:
        notes.append(Note.of(CONFLICT_POINT, point=gaz.nama[pt.row],
                             nama=gaz.nama[row]))
        others = [*others, (pt.row, 100.0)]
        conflict = True
    if conflict:
        return _review(gaz, notes, [(row, 100.0), *others])
    if name.kind != "empty" and not (name.kind in ("exact", "alias") and name.row == row):
        notes.append(Note.of(CODE_SPELLING, value=ev.name_text, **_label(gaz, row)))
    _near_note(gaz, pt, row, notes)
    notes.insert(0, Note.of(BY_KODE, kode=gaz.kode[row], **_label(gaz, row)))
    return Decision(gaz.kode[row], "matched", "kode", 100.0, notes)


def _near_note(gaz: Gazetteer, pt: PointFacts, row: int, notes: list[Note]) -> None:
    if pt.row >= 0 and pt.row != row:
        notes.append(Note.of(POINT_NEAR, point=gaz.nama[pt.row], tol=int(NEAR_METRES),
                             nama=gaz.nama[row]))


NEAR_METRES = 50.0


def _by_point(gaz: Gazetteer, ev: Evidence, pt: PointFacts, notes: list[Note]) -> Decision:
    name, prow = ev.name, pt.row
    if name.accepted and name.row != prow:
        if not pt.near_target:
            notes.append(Note.of(CONFLICT_POINT, point=gaz.nama[prow],
                                 nama=gaz.nama[name.row]))
            return _review(gaz, notes, [(name.row, name.score), (prow, 100.0)])
        return _by_name(gaz, ev, notes, pt)
    if name.kind in ("ambiguous", "weak", "conflict") and prow not in name.candidate_rows():
        notes.append(Note.of(CONFLICT_POINT, point=gaz.nama[prow],
                             nama=ev.name_text))
        return _review(gaz, notes, [(prow, 100.0), *name.suggestions])
    if _kec_disagrees(gaz, ev, prow):
        notes.append(_kec_note(gaz, ev, prow))
        return _review(gaz, notes, [(prow, 100.0)])
    if name.kind == "none":
        notes.append(Note.of(NAME_IGNORED, value=ev.name_text))
    notes.insert(0, Note.of(BY_POINT, **_label(gaz, prow)))
    return Decision(gaz.kode[prow], "matched", "koordinat", 100.0, notes)


def _by_name(gaz: Gazetteer, ev: Evidence, notes: list[Note],
             pt: PointFacts | None = None) -> Decision:
    name = ev.name
    value = ev.name_text
    if name.accepted:
        if ev.kec_conflict or ev.kec.kind == "unknown":
            notes.append(_kec_note(gaz, ev, name.row))
            return _review(gaz, notes, [(name.row, name.score)])
        msg = {"exact": BY_NAME, "alias": BY_ALIAS, "fuzzy": BY_FUZZY}[name.kind]
        if pt is not None:
            _near_note(gaz, pt, name.row, notes)
        if name.kecamatan_of_name and gaz.kode_kecamatan[name.row] not in name.kecamatan_of_name:
            notes.append(Note.of(ALSO_KECAMATAN, value=value, kec=gaz.nama_kecamatan[name.row]))
        notes.insert(0, Note.of(msg, value=value, score=name.score, **_label(gaz, name.row)))
        method = {"exact": "nama", "alias": "alias", "fuzzy": "fuzzy"}[name.kind]
        return Decision(gaz.kode[name.row], "matched", method, float(name.score), notes)
    return _not_accepted(gaz, ev, notes)


def _not_accepted(gaz: Gazetteer, ev: Evidence, notes: list[Note]) -> Decision:
    name, value = ev.name, ev.name_text
    names = _names(gaz, name.suggestions)
    if name.kind == "empty":
        if not any(n.key.startswith("kode_") for n in notes):
            outside = any(n.key == POINT_OUTSIDE.key for n in notes)
            notes.append(Note.of(NO_TEXT_POINT_OUTSIDE if outside else NO_EVIDENCE))
        return Decision(None, "unmatched", "", float("nan"), notes)
    if name.kind == "conflict":
        elsewhere = [(r, s) for r, s in name.suggestions
                     if gaz.kode_kecamatan[r] not in ev.kec.codes] or name.suggestions
        notes.append(Note.of(NAME_KEC_CONFLICT, value=value, kec=ev.kec_text,
                             names=_names(gaz, elsewhere, with_kec=True)))
        return _review(gaz, notes, name.suggestions)
    if name.kind in ("ambiguous", "weak"):
        notes.append(Note.of(AMBIGUOUS if name.kind == "ambiguous" else WEAK,
                             value=value, names=names))
        return _review(gaz, notes, name.suggestions)
    notes.append(Note.of(IS_KECAMATAN if name.kecamatan_of_name else NOT_FOUND, value=value))
    return Decision(None, "unmatched", "", float("nan"), notes,
                    _suggestions(gaz, name.suggestions))
