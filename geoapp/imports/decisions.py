"""Planner decisions on review and unmatched rows of an upload, applied to a match run.

A decision covers a set of row positions and is one of:

* ``pick``: a review group is fixed to a kelurahan; the rows become matched. When
  ``alias_allowed`` says the review was about the spelling alone, the spelling is kept
  as a pending alias (method ``alias``), saved by ``save_aliases`` when the upload is
  confirmed; otherwise only this upload's rows are fixed (method ``nama``);
* ``unmatched``: the rows stay unmatched, with the planner's (required) reason;
* ``manual``: unmatched rows are assigned a kelurahan by hand (method ``nama``, no alias).

Decisions are plain values (JSON-able) so the web layer can keep them server-side.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.imports.pipeline import MatchRun, make_run
from geoapp.matching.aliases import AliasStore
from geoapp.matching.resolve import KecamatanResult, resolve_kecamatan, resolve_name
from geoapp.matching.spatial import locate_points
from geoapp.values.codes import normalise_kode
from geoapp.values.names import name_keys

ACTIONS = ("pick", "unmatched", "manual")
MAX_REASON = 300

CONFIRMED_BY = Msg("review.confirmed_by", "confirmed by {user}")
LEFT_UNMATCHED = Msg("review.left_unmatched", "left unmatched by {user}: {reason}")
ASSIGNED_BY = Msg("review.assigned_by", "assigned by hand by {user}")

NEED_REASON = Msg(
    "review.need_reason",
    "Write why these rows are left unmatched (1 to {limit} characters).",
)
BAD_KODE = Msg(
    "review.bad_kode",
    "Kelurahan '{kode}' is not in the boundary set. Choose a kelurahan from the list.",
)
BAD_ROWS = Msg(
    "review.bad_rows",
    "The chosen rows ({rows}) do not exist or are no longer '{expected}'. "
    "Reload the page and try again.",
)
BAD_ACTION = Msg("review.bad_action", "Unknown action '{action}'. Allowed: {allowed}.")
NO_ALIAS_NO_NAME = Msg(
    "review.no_alias_no_name",
    "No alias was saved: these rows have no kelurahan text.",
)
NO_ALIAS_KODE = Msg(
    "review.no_alias_kode",
    "No alias was saved: these rows carry the code {kode}, so the review was about the code, "
    "not about the spelling {name!r}.",
)
NO_ALIAS_POINT = Msg(
    "review.no_alias_point",
    "No alias was saved: these rows' coordinates lie in kelurahan {point}, so the review was "
    "about the coordinates, not about the spelling {name!r}.",
)
NO_ALIAS_KECAMATAN = Msg(
    "review.no_alias_kecamatan",
    "No alias was saved: {nama} is not in the written kecamatan {kec!r}.",
)
NO_ALIAS_CANDIDATE = Msg(
    "review.no_alias_candidate",
    "No alias was saved: {nama} is not one of the kelurahan that resemble the name {name!r}.",
)
NO_ALIAS_AMBIGUOUS = Msg(
    "review.no_alias_ambiguous",
    "No alias was saved: the name {name!r} could mean several kelurahan, so an alias is only "
    "saved for a known kecamatan, and these rows have no known kecamatan.",
)
NO_ALIAS_MIXED = Msg(
    "review.no_alias_mixed",
    "No alias was saved: the chosen rows do not all carry the same name and kecamatan.",
)
ALIAS_PENDING = Msg(
    "review.alias_pending",
    "The spelling {name!r} will be saved as an alias for {nama} when the data is confirmed.",
)
ALIAS_PENDING_KEC = Msg(
    "review.alias_pending_kec",
    "The spelling {name!r} in kecamatan {kec!r} will be saved as an alias for {nama} when "
    "the data is confirmed.",
)
ONLY_THIS_UPLOAD = Msg("review.only_this_upload", "This choice only fixes the rows of this upload.")
NO_ALIAS_REASONS = {m.key: m for m in (NO_ALIAS_NO_NAME, NO_ALIAS_KODE, NO_ALIAS_POINT,
                                       NO_ALIAS_KECAMATAN, NO_ALIAS_CANDIDATE,
                                       NO_ALIAS_AMBIGUOUS, NO_ALIAS_MIXED)}


@dataclass
class Decision:
    """One planner decision over some row positions (JSON-able)."""

    action: str
    positions: list[int]
    kode: str | None
    reason: str
    user: str
    alias: list[str] | None = None      # [name, kecamatan] saved at confirm time ('' = any)
    no_alias: str = ""                  # a NO_ALIAS_REASONS key: why a pick saves no alias
    alias_params: dict[str, str] = field(default_factory=dict)   # for the alias note

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Decision:
        alias = data.get("alias")
        return cls(str(data["action"]), [int(p) for p in data["positions"]],
                   data.get("kode") or None, str(data.get("reason") or ""), str(data["user"]),
                   [str(alias[0]), str(alias[1])] if alias else None,
                   str(data.get("no_alias") or ""),
                   {str(k): str(v) for k, v in (data.get("alias_params") or {}).items()})

    def alias_note(self) -> Note | None:
        """For a pick: the pending alias, or why no alias is saved; else None."""
        if self.action != "pick":
            return None
        if self.alias:
            name, kec = self.alias
            nama = self.alias_params.get("nama") or self.kode
            return Note.of(ALIAS_PENDING_KEC if kec else ALIAS_PENDING, name=name, kec=kec,
                           nama=nama)
        msg = NO_ALIAS_REASONS.get(self.no_alias)
        return None if msg is None else Note(msg, tuple(self.alias_params.items()))


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
        method = "alias" if decision.action == "pick" and decision.alias else "nama"
        r.status[i], r.kode[i], r.method[i], r.score[i] = "matched", decision.kode, method, 100.0
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
    """A copy of ``run`` with the decisions applied, its ledger and report rebuilt by
    ``make_run`` (the pipeline's one builder).

    Decisions that no longer fit the run (rows gone or already decided) are skipped.
    """
    out = copy_run(run)
    for decision in decisions:
        if applicable(out, decision):
            _apply_one(out, decision, lang)
    return make_run(out.table, out.result, out.gazetteer, out.coords, lang)


def _check_kode(run: MatchRun, kode: str | None) -> str:
    """The kelurahan code chosen (or typed: 3671011001 and 36.71.01.1001 alike); 400 when
    the boundary set lacks it."""
    if kode:
        kode = normalise_kode(kode.strip()) or kode
    if not kode or kode not in run.gazetteer.by_kode:
        raise GeoappError(BAD_KODE, 400, kode=str(kode or "")[:40])
    return kode


def _clean_reason(reason: str | None) -> str:
    text = " ".join(str(reason or "").split())
    if not text or len(text) > MAX_REASON:
        raise GeoappError(NEED_REASON, 400, limit=MAX_REASON)
    return text


def _run_text(run: MatchRun, role: str, i: int) -> str:
    """Row ``i``'s text in the upload's column for ``role`` (the reading's mapping, not a
    stored version's column map), stripped; '' when there is none."""
    table = run.table
    column = table.column(getattr(table.mapping, role))
    if column is None:
        return ""
    value = column.iloc[i]
    return "" if value is None or value != value else str(value).strip()


def _label(run: MatchRun, kode: str) -> str:
    gaz = run.gazetteer
    row = gaz.by_kode[kode]
    return f"{gaz.nama[row]} ({gaz.nama_kecamatan[row]})" if gaz.nama_kecamatan[row] else gaz.nama[row]


def _point_row(run: MatchRun, i: int) -> int:
    """The kelurahan row the row's point lies in, or -1 (no point, no geometry, outside)."""
    coords, gaz = run.coords, run.gazetteer
    if coords is None or gaz.geometry is None:
        return -1
    lat, lon = float(coords.lat[i]), float(coords.lon[i])
    if not (np.isfinite(lat) and np.isfinite(lon)):
        return -1
    return int(locate_points(gaz, np.array([lon]), np.array([lat])).index[0])


def _name_candidates(run: MatchRun, name: str, kec: KecamatanResult, kec_text: str) -> set[str]:
    """Codes the written name alone could mean (no code, point or alias involved)."""
    gaz = run.gazetteer
    result = resolve_name(gaz, name, kec, None, kec_text or None)
    return {gaz.kode[r] for r in result.candidate_rows()}


def _ambiguous(run: MatchRun, name: str) -> bool:
    """Whether the bare name (no kecamatan) could mean several kelurahan city-wide."""
    gaz = run.gazetteer
    if len(gaz.lookup_keys(name_keys(name))) > 1:
        return True
    bare = resolve_name(gaz, name, KecamatanResult("empty"), None, None)
    return not bare.accepted and len(bare.candidate_rows()) > 1


def _refusal(run: MatchRun, i: int, kode: str, name: str, kec_text: str) -> Note | None:
    """Why picking ``kode`` for row ``i`` must not become an alias, or None."""
    gaz = run.gazetteer
    if not name:
        return Note.of(NO_ALIAS_NO_NAME)
    written = normalise_kode(_run_text(run, "kode", i) or None)
    if written is not None and written.count(".") == 3:
        return Note.of(NO_ALIAS_KODE, kode=written, name=name)
    point = _point_row(run, i)
    if point >= 0 and gaz.kode[point] != kode:
        return Note.of(NO_ALIAS_POINT, point=gaz.nama[point], name=name)
    kec = resolve_kecamatan(gaz, kec_text or None)
    if kec.kind == "known" and gaz.kode_kecamatan[gaz.by_kode[kode]] not in kec.codes:
        return Note.of(NO_ALIAS_KECAMATAN, nama=_label(run, kode), kec=kec_text)
    suggested = {s.kode for s in run.result.suggestions[i]}
    if kode not in suggested or kode not in _name_candidates(run, name, kec, kec_text):
        return Note.of(NO_ALIAS_CANDIDATE, nama=_label(run, kode), name=name)
    if kec.kind != "known" and _ambiguous(run, name):
        return Note.of(NO_ALIAS_AMBIGUOUS, name=name)
    return None


def alias_allowed(run: MatchRun, row_index: int, kode: str) -> tuple[bool, Note | None]:
    """Whether picking ``kode`` for review row ``row_index`` may save its spelling as an alias.

    Only when the row has a kelurahan name, the review was about that name (no kelurahan
    code in the row, no point in another kelurahan, no kecamatan disagreement), ``kode``
    is one of the name's candidates, and an ambiguous name has a known kecamatan to scope
    the alias to. Returns ``(False, why)`` otherwise. Aliases are scoped to the row's
    kecamatan text whenever it has one.
    """
    if kode not in run.gazetteer.by_kode or not 0 <= row_index < len(run.result.status):
        return False, Note.of(NO_ALIAS_CANDIDATE, nama=str(kode)[:40], name="")
    name, kec_text = _run_text(run, "kelurahan", row_index), _run_text(run, "kecamatan", row_index)
    why = _refusal(run, row_index, kode, name, kec_text)
    return why is None, why


def rows_alias(run: MatchRun, positions: Sequence[int],
               kode: str) -> tuple[tuple[str, str] | None, Note | None]:
    """The (name, kecamatan) alias picking ``kode`` for these rows may save, or (None, why).

    Every row must share the spelling and pass ``alias_allowed``.
    """
    spellings = {(_run_text(run, "kelurahan", i), _run_text(run, "kecamatan", i)) for i in positions}
    if len(spellings) != 1:
        return None, Note.of(NO_ALIAS_MIXED)
    for i in positions:
        ok, why = alias_allowed(run, i, kode)
        if not ok:
            return None, why
    return next(iter(spellings)), None


def _alias_for(run: MatchRun, decision: Decision) -> None:
    """Fill the decision's pending alias, or why there is none."""
    spelling, why = rows_alias(run, decision.positions, decision.kode)
    if spelling is not None:
        decision.alias = list(spelling)
        decision.alias_params = {"nama": _label(run, decision.kode)}
    elif why is not None:
        decision.no_alias = why.key
        decision.alias_params = {k: str(v) for k, v in why.params}


def make_decision(run: MatchRun, action: str, positions: Sequence[int], kode: str | None,
                  reason: str | None, user: str) -> Decision:
    """Validate a planner's choice against the (already decided) run and return it.

    A ``pick`` also records whether its spelling may become an alias (``alias_allowed``).
    """
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
    if action == "pick":
        _alias_for(run, decision)
    return decision


def apply_review_choice(run: MatchRun, action: str, positions: Sequence[int], kode: str | None,
                        reason: str | None, user: str) -> Decision:
    """Validate one choice and return the decision; nothing is written.

    ``run`` must already have the earlier decisions applied. A pick's alias (if allowed)
    stays pending in the decision until ``save_aliases`` runs at confirm time.
    """
    return make_decision(run, action, positions, kode, reason, user)


def pending_aliases(run: MatchRun, decisions: Sequence[Decision]) -> list[tuple[str, str, str]]:
    """(name, kecamatan, kode) of the picks with an alias whose rows the run holds as picked."""
    r, out = run.result, []
    for d in decisions:
        if d.action == "pick" and d.alias and d.kode and all(
                0 <= i < len(r.status) and r.status[i] == "matched" and r.kode[i] == d.kode
                for i in d.positions):
            out.append((d.alias[0], d.alias[1], d.kode))
    return out


def save_aliases(run: MatchRun, decisions: Sequence[Decision], aliases: AliasStore) -> int:
    """Add and save the pending aliases of ``decisions`` (confirm time); return how many."""
    items = pending_aliases(run, decisions)
    if items:
        for name, kecamatan, kode in items:
            aliases.add(name, kode, kecamatan or None)
        aliases.save()
    return len(items)
