"""Save or delete a place as a new active version of its program.

The active version's rows are copied with the one change applied and stored through the
import path's ``stage_and_activate`` (staged, then activated), so the finder, the maps
and rollback see it like any import. A version activated by someone else meanwhile is
put back and the save refused (409).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS
from geoapp.imports.staging import NewVersion, stage_and_activate
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.types import STATUSES
from geoapp.places.editing.checking import CheckedPlace, check_place
from geoapp.places.editing.duplicates import Duplicate
from geoapp.places.editing.form import PlaceInput, check_kind, parse_place_id
from geoapp.places.editing.listing import (
    ProgramRows,
    admin_place,
    find_row,
    load_program,
    program_places,
)
from geoapp.places.editing.rows import place_row
from geoapp.store import delete_dataset, rollback
from geoapp.store.models import Dataset

SOURCE_NAME = "formulir tempat"
ACTIONS = {"add": "tambah", "edit": "ubah", "delete": "hapus"}

KIND_FIXED = Msg("place_admin.kind_fixed",
                 "The place type cannot be changed ({old} to {new}). Delete this place and "
                 "add it again as the right type.")
CHANGED = Msg("place_admin.changed",
              "The {program} data changed since the form was opened (version {version} is "
              "now active). Reload the page and make your change again.")


@dataclass
class SaveOutcome:
    """What ``save_place`` did: ``dataset`` is the new active version, or None when the
    place needs corrections confirmed or duplicates confirmed first."""

    checked: CheckedPlace
    dataset: Dataset | None = None
    unconfirmed: list[Duplicate] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return self.dataset is not None


def _ledger(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Row counts of a hand-made version (no file was read, nothing to sum)."""
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}
    return {"rows": {"total": len(rows), **counts, "blank_skipped": 0}, "sums": {},
            "unparsed_numbers": {}, "balanced": True}


def _digest(headers: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """The version's content hash (stands in for the source file's SHA-256)."""
    body = json.dumps([list(headers), list(rows)], sort_keys=True, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def version_title(kind: str, action: str, name: str, user: str) -> str:
    """``Kampung tematik — ubah 'Nama' oleh planner`` (Indonesian, at most 200 chars)."""
    short = name if len(name) <= 80 else name[:79] + "…"
    title = f"{PROGRAMS[kind].title.text('id')} — {ACTIONS[action]} '{short}' oleh {user}"
    return title[:200]


def _check_base(prog: ProgramRows, base_id: int | None) -> None:
    """409 when the active version is not the one the planner's form was made from."""
    current = prog.dataset.id if prog.dataset is not None else None
    if current != base_id:
        raise GeoappError(CHANGED, 409, program=PROGRAMS[prog.kind].title.text("id"),
                          version=prog.dataset.version if prog.dataset is not None else "-")


def _commit(session: Session, prog: ProgramRows, rows: list[dict[str, Any]],
            headers: list[str], *, title: str, user: str, change: dict[str, Any]) -> Dataset:
    """Store the rows as the new active version (``stage_and_activate``); if another
    version became active in between, put that one back and refuse (409). If a newer
    version won meanwhile (ours was superseded and kept archived), ours is deleted and
    the save refused (409) the same way."""
    base = prog.dataset
    base_id = base.id if base is not None else None
    version = NewVersion(
        program=prog.kind, title=title, rows=rows, headers=headers, ledger=_ledger(rows),
        report={"manual_change": change}, source_sha256=_digest(headers, rows),
        source_name=SOURCE_NAME, user=user,
        sample=bool(base.sample) if base is not None else False)
    dataset = stage_and_activate(session, version)
    if dataset.state != "active" or dataset.previous_id != base_id:
        if dataset.state == "active":       # ours replaced someone else's: put theirs back
            rollback(session, prog.kind)
        delete_dataset(session, dataset.id, user=user)
        _check_base(load_program(session, prog.kind), base_id)
    return dataset


def _change(action: str, place_id: str, name: str, prog: ProgramRows,
            checked: CheckedPlace | None = None) -> dict[str, Any]:
    """What changed, for the version's report (``manual_change``)."""
    info: dict[str, Any] = {"action": action, "place_id": place_id, "name": name,
                            "base_dataset_id": prog.dataset.id if prog.dataset else None,
                            "base_version": prog.dataset.version if prog.dataset else None}
    if checked is not None:
        info.update(kode=checked.kode, lat=checked.lat, lon=checked.lon,
                    notes=[n.key for n in (*checked.corrections, *checked.notes)],
                    duplicates_confirmed=[d.id for d in checked.duplicates])
    return info


def save_place(session: Session, values: PlaceInput, *, user: str, base_id: int | None,
               place_id: str | None = None, confirmed: Collection[str] = (),
               gazetteer: Gazetteer | None = None) -> SaveOutcome:
    """Add (``place_id`` None) or edit a place as a new active version of its program.

    ``base_id`` is the active dataset id the form was made from (None: there was none);
    ``confirmed`` the duplicate ids the planner chose to keep anyway. Nothing is saved
    while corrections wait for confirmation or a listed duplicate is not confirmed.
    """
    kind = check_kind(values.kind)
    position = None
    if place_id is not None:
        old_kind, position = parse_place_id(place_id)
        if old_kind != kind:
            raise GeoappError(KIND_FIXED, 400, old=old_kind, new=kind)
    prog = load_program(session, kind)
    _check_base(prog, base_id)
    base_row = find_row(prog, place_id, position) if place_id is not None else None
    others = [p for p in program_places(prog, gazetteer) if p.id != place_id]
    checked = check_place(values, existing=others, gazetteer=gazetteer)
    if checked.corrections:
        return SaveOutcome(checked)
    unconfirmed = [d for d in checked.duplicates if d.id not in set(confirmed)]
    if unconfirmed:
        return SaveOutcome(checked, unconfirmed=unconfirmed)
    if position is None:
        position = max((r["position"] for r in prog.rows), default=-1) + 1
    headers, cols = list(prog.headers), dict(prog.columns)
    new_row = place_row(prog, headers, cols, checked, base_row, position, user)
    rows = [new_row if r is base_row else r for r in prog.rows]
    if base_row is None:
        rows.append(new_row)
    action = "edit" if place_id is not None else "add"
    new_id = f"{kind}-{position}"
    dataset = _commit(session, prog, rows, headers, user=user,
                      title=version_title(kind, action, checked.values.name, user),
                      change=_change(action, new_id, checked.values.name, prog, checked))
    return SaveOutcome(checked, dataset)


def delete_place(session: Session, place_id: str, *, user: str,
                 base_id: int | None) -> Dataset:
    """Remove one place: a new active version without its row (older versions keep it)."""
    kind, position = parse_place_id(place_id)
    prog = load_program(session, kind)
    _check_base(prog, base_id)
    row = find_row(prog, place_id, position)
    place = admin_place(prog, row, {})
    rows = [r for r in prog.rows if r is not row]
    return _commit(session, prog, rows, list(prog.headers), user=user,
                   title=version_title(kind, "delete", place.name, user),
                   change=_change("delete", place_id, place.name, prog))
