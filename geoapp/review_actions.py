"""Planner decisions on review and unmatched rows of an upload, applied to a match run.

A decision covers a set of row positions and is one of:

* ``pick``: a review group is fixed to a kelurahan; the rows become matched (method
  ``alias``) and the spelling is saved as an alias so the next upload matches it;
* ``unmatched``: the rows stay unmatched, with the planner's (required) reason;
* ``manual``: unmatched rows are assigned a kelurahan by hand (no alias is saved).

Decisions are plain values (JSON-able) so the web layer can keep them server-side.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from geoapp.errors import GeoappError
from geoapp.i18n import Msg
from geoapp.ledger import build_ledger
from geoapp.matching.aliases import AliasStore
from geoapp.pipeline import MatchRun, build_report

ACTIONS = ("pick", "unmatched", "manual")
MAX_REASON = 300

CONFIRMED_BY = Msg("review.confirmed_by", id="dikonfirmasi oleh {user}", en="confirmed by {user}")
LEFT_UNMATCHED = Msg("review.left_unmatched", id="dibiarkan tidak cocok oleh {user}: {reason}",
                     en="left unmatched by {user}: {reason}")
ASSIGNED_BY = Msg("review.assigned_by", id="ditetapkan manual oleh {user}",
                  en="assigned by hand by {user}")

NEED_REASON = Msg(
    "review.need_reason",
    id="Tulis alasan mengapa baris ini dibiarkan tidak cocok (1 sampai {limit} karakter).",
    en="Write why these rows are left unmatched (1 to {limit} characters).",
)
BAD_KODE = Msg(
    "review.bad_kode",
    id="Kelurahan '{kode}' tidak ada di batas wilayah. Pilih kelurahan dari daftar.",
    en="Kelurahan '{kode}' is not in the boundary set. Choose a kelurahan from the list.",
)
BAD_ROWS = Msg(
    "review.bad_rows",
    id="Baris yang dipilih ({rows}) tidak ada atau tidak berstatus '{expected}' lagi. Muat ulang halaman lalu coba lagi.",
    en="The chosen rows ({rows}) do not exist or are no longer '{expected}'. Reload the page and try again.",
)
BAD_ACTION = Msg(
    "review.bad_action",
    id="Tindakan '{action}' tidak dikenal. Yang diterima: {allowed}.",
    en="Unknown action '{action}'. Allowed: {allowed}.",
)
NO_SPELLING = Msg(
    "review.no_spelling",
    id="Baris ini tidak punya teks kelurahan, jadi tidak ada ejaan yang dapat disimpan sebagai alias. Tetapkan kelurahan secara manual.",
    en="These rows have no kelurahan text, so there is no spelling to save as an alias. Assign the kelurahan by hand.",
)


@dataclass
class Decision:
    """One planner decision over some row positions (JSON-able)."""

    action: str
    positions: list[int]
    kode: str | None
    reason: str
    user: str

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Decision:
        return cls(str(data["action"]), [int(p) for p in data["positions"]],
                   data.get("kode") or None, str(data.get("reason") or ""), str(data["user"]))


def copy_run(run: MatchRun) -> MatchRun:
    """A run whose result arrays may be changed without touching the original."""
    result = copy.copy(run.result)
    for name in ("kode", "status", "method", "score", "note"):
        setattr(result, name, np.array(getattr(run.result, name), copy=True))
    result.suggestions = [list(s) for s in run.result.suggestions]
    return MatchRun(run.table, result, run.ledger, run.report, run.gazetteer, run.coords)


def _expected_status(action: str) -> str:
    return "unmatched" if action == "manual" else "review"


def _apply_one(run: MatchRun, decision: Decision, lang: str) -> None:
    r = run.result
    for i in decision.positions:
        if decision.action == "unmatched":
            r.status[i], r.kode[i], r.method[i], r.score[i] = "unmatched", None, "", np.nan
            r.note[i] = LEFT_UNMATCHED.text(lang, user=decision.user, reason=decision.reason)
            continue
        r.status[i], r.kode[i], r.method[i], r.score[i] = "matched", decision.kode, "alias", 100.0
        msg = CONFIRMED_BY if decision.action == "pick" else ASSIGNED_BY
        r.note[i] = msg.text(lang, user=decision.user)


def _fits(run: MatchRun, decision: Decision, i: int) -> bool:
    r = run.result
    if not 0 <= i < len(r.status):
        return False
    if r.status[i] == _expected_status(decision.action):
        return True
    # a picked spelling is saved as an alias, so re-matching already finds it that way
    return (decision.action == "pick" and r.status[i] == "matched"
            and r.method[i] == "alias" and r.kode[i] == decision.kode)


def applicable(run: MatchRun, decision: Decision) -> bool:
    """Whether every position still exists in the state the decision expects."""
    return bool(decision.positions) and all(_fits(run, decision, i) for i in decision.positions)


def apply_decisions(run: MatchRun, decisions: Sequence[Decision], lang: str = "id") -> MatchRun:
    """A copy of ``run`` with the decisions applied and the ledger/report rebuilt.

    Decisions that no longer fit the run (rows gone or already decided) are skipped.
    """
    out = copy_run(run)
    for decision in decisions:
        if applicable(out, decision):
            _apply_one(out, decision, lang)
    out.ledger = build_ledger(out.table, out.result)
    out.report = build_report(out.table, out.result, out.ledger, lang)
    return out


def _check_kode(run: MatchRun, kode: str | None) -> str:
    if not kode or kode not in run.gazetteer.by_kode:
        raise GeoappError(BAD_KODE, 400, kode=str(kode or "")[:40])
    return kode


def _clean_reason(reason: str | None) -> str:
    text = " ".join(str(reason or "").split())
    if not text or len(text) > MAX_REASON:
        raise GeoappError(NEED_REASON, 400, limit=MAX_REASON)
    return text


def _spelling(run: MatchRun, positions: Sequence[int]) -> tuple[str, str]:
    """The kelurahan and kecamatan text of the first row (the group shares them)."""
    table, first = run.table, positions[0]
    kel = table.column(table.mapping.kelurahan)
    kec = table.column(table.mapping.kecamatan)
    name = "" if kel is None else str(kel.iloc[first]).strip()
    if not name:
        raise GeoappError(NO_SPELLING, 400)
    return name, "" if kec is None else str(kec.iloc[first]).strip()


def make_decision(run: MatchRun, action: str, positions: Sequence[int], kode: str | None,
                  reason: str | None, user: str) -> Decision:
    """Validate a planner's choice against the (already decided) run and return it."""
    if action not in ACTIONS:
        raise GeoappError(BAD_ACTION, 400, action=str(action)[:40], allowed=", ".join(ACTIONS))
    decision = Decision(action, sorted({int(p) for p in positions}), None, "", user)
    expected = _expected_status(action)
    status = run.result.status
    if not decision.positions or not all(0 <= i < len(status) and status[i] == expected
                                         for i in decision.positions):
        shown = ", ".join(str(p + 1) for p in decision.positions[:10]) or "-"
        raise GeoappError(BAD_ROWS, 409, rows=shown, expected=expected)
    if action == "unmatched":
        decision.reason = _clean_reason(reason)
    else:
        decision.kode = _check_kode(run, kode)
    return decision


def apply_review_choice(run: MatchRun, action: str, positions: Sequence[int], kode: str | None,
                        reason: str | None, user: str, aliases: AliasStore | None) -> Decision:
    """Validate one choice; for ``pick`` also add and SAVE the alias. Return the decision.

    ``run`` must already have the earlier decisions applied. The alias is written only
    after the choice is valid, scoped to the rows' kecamatan text when there is one.
    """
    decision = make_decision(run, action, positions, kode, reason, user)
    if action == "pick" and aliases is not None:
        name, kecamatan = _spelling(run, decision.positions)
        aliases.add(name, decision.kode, kecamatan or None)
        aliases.save()
    return decision
