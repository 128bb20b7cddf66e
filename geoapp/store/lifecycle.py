"""Dataset version states: activation, rollback and soft delete, each in one transaction.

``activate`` archives the program's active version and makes the staged one active in ONE
transaction; a failure leaves the previous active version untouched. The newest version
wins: when several imports of one program are confirmed at the same time, a staged
version is activated only while no newer one (a higher version number, i.e. staged
later) is active; otherwise it is archived instead, in the same transaction
("superseded": the audit log records ``dataset.superseded`` with both versions), so an
older version can never replace a newer one whatever order the activations run in.
A version made from a given one (``activate(replaces=...)``: a reopened version) is
activated only while that one is still the program's active version, checked in the same
transaction after the write lock is taken; otherwise it is removed and ``ActiveChanged``
raised (409), so it can never undo a version that became active meanwhile. Every caller stages
and activates in one go (imports, upload confirm, place edits), so a version still staged
``STAGED_MAX_AGE`` after it was staged is provably abandoned (an import that crashed
between the two steps): ``cleanup_staged`` removes those on start, and only those, so a
start never disturbs an import in progress in another process.

Deleting is soft (state ``deleted``). The active version cannot be deleted: roll back (or
import a newer version) first, so a program never silently loses its map.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, aliased

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.store.datasets import NOT_FOUND, active_dataset, username_of
from geoapp.store.history import keep_other_years
from geoapp.store.models import Dataset, DatasetRow, User, utcnow

# Far longer than staging plus activation ever takes (minutes for a million rows).
STAGED_MAX_AGE = timedelta(hours=24)

NOT_STAGED = Msg(
    "store.not_staged",
    "Dataset {dataset_id} is '{state}' and cannot be activated; only a new import can.",
)
NO_ACTIVE = Msg(
    "store.no_active",
    "Program {program} has no active version, so there is nothing to roll back.",
)
NO_PREVIOUS = Msg("store.no_previous", "Program {program} has no earlier version to return to.")
DELETE_ACTIVE = Msg(
    "store.delete_active",
    "Dataset {dataset_id} is active and cannot be deleted. Roll back to the previous version "
    "first, or import a newer one.",
)
ACTIVE_CHANGED = Msg(
    "store.active_changed",
    "Version {version} of program {program} is no longer its active version (version "
    "{active} is), so the version made from it was not stored. Start again from version "
    "{active}.",
)
CHANGED = Msg(
    "store.changed",
    "Program {program} was just changed by someone else. Reload the page and try again.",
)


class ActiveChanged(GeoappError):
    """``activate(replaces=...)`` refused (409): the version the staged one was made from
    is no longer the program's active version. The staged version was removed (nothing
    stored); the attributes say which version is active instead (None: none is)."""

    def __init__(self, program: str, replaced_version: int | None,
                 active: Dataset | None) -> None:
        self.program = program
        self.replaced_version = replaced_version
        self.active_version = None if active is None else active.version
        self.active_by = None if active is None else active.imported_by
        self.active_since: datetime | None = None if active is None else active.activated_at
        super().__init__(ACTIVE_CHANGED, 409, program=program,
                         version="-" if replaced_version is None else replaced_version,
                         active="-" if active is None else active.version)


def activate(session: Session, dataset_id: int, *, keep_years: bool = False,
             replaces: int | None = None) -> Dataset:
    """Make a staged version active and archive the previous one, in one transaction.

    If a newer version of the program is already active, the staged one is archived
    instead (superseded) and returned with state ``archived``; ``superseding_version``
    names the newer one. ``keep_years``: the staged version replaces only the years it
    holds; the other years of the version active now are copied into it first
    (``history.keep_other_years``, same transaction). ``replaces``: the id of the version
    the staged one was made from; unless that one is still the active version (checked
    under the write lock, before anything else), the staged version is removed and
    ``ActiveChanged`` raised.
    """
    dataset = session.get(Dataset, dataset_id)
    if dataset is None:
        raise GeoappError(NOT_FOUND, 404, dataset_id=dataset_id)
    program, other = dataset.program, aliased(Dataset)
    current = (
        select(other.id).where(other.program == program, other.state == "active")
        .scalar_subquery()
    )
    newer = select(other.id).where(other.program == program, other.state == "active",
                                   other.version > dataset.version).exists()
    try:
        # The first UPDATE takes SQLite's write lock, so the rest cannot interleave.
        claimed = session.execute(
            update(Dataset)
            .where(Dataset.id == dataset_id, Dataset.state == "staged", ~newer)
            .values(previous_id=current)
        ).rowcount
        if replaces is not None:        # the write lock is held: the active one is final
            _check_replaces(session, dataset, replaces)
        if claimed != 1 and _supersede(session, dataset_id, newer):
            return _commit_as_done(session, dataset)
        if claimed != 1:
            session.rollback()
            state = session.get(Dataset, dataset_id, populate_existing=True).state
            raise GeoappError(NOT_STAGED, 409, dataset_id=dataset_id, state=state)
        if keep_years:
            _keep_years(session, dataset_id)
        _set_state(session, program, "active", "archived")
        _set_state(session, program, "staged", "active", only_id=dataset_id)
        return _commit_as_done(session, dataset)
    except BaseException:
        session.rollback()
        raise


def _check_replaces(session: Session, dataset: Dataset, replaces: int) -> None:
    """Inside ``activate``'s transaction: unless ``replaces`` is the program's active
    version, remove the staged ``dataset`` and its rows, commit and raise ``ActiveChanged``."""
    active = session.scalars(select(Dataset).where(
        Dataset.program == dataset.program, Dataset.state == "active")
        .execution_options(populate_existing=True)).first()
    if active is not None and active.id == replaces:
        return
    replaced = session.get(Dataset, replaces)
    refused = ActiveChanged(dataset.program, None if replaced is None else replaced.version,
                            active)
    session.execute(delete(DatasetRow).where(DatasetRow.dataset_id == dataset.id))
    session.execute(delete(Dataset).where(Dataset.id == dataset.id, Dataset.state == "staged"))
    session.commit()
    if dataset in session:          # gone from the database: not kept as if it were there
        session.expunge(dataset)
    raise refused


def _commit_as_done(session: Session, dataset: Dataset) -> Dataset:
    """Read ``dataset`` back inside the transaction, then commit: its state is the one
    this activation left (a later activation elsewhere cannot change what it says)."""
    session.expire_all()
    session.refresh(dataset)
    session.commit()
    return dataset


def _keep_years(session: Session, dataset_id: int) -> None:
    """Copy the other years of the version being replaced (``history.keep_other_years``)."""
    staged = session.get(Dataset, dataset_id, populate_existing=True)
    previous = None if staged.previous_id is None else session.get(Dataset, staged.previous_id)
    keep_other_years(session, staged, previous)


def _supersede(session: Session, dataset_id: int, newer: Any) -> bool:
    """Archive a staged version that a newer active one superseded (same transaction)."""
    return session.execute(
        update(Dataset).where(Dataset.id == dataset_id, Dataset.state == "staged", newer)
        .values(state="archived")
    ).rowcount == 1


def superseding_version(session: Session, dataset: Dataset) -> Dataset | None:
    """The program's active version when it is newer than ``dataset`` (which, not being
    active, was then superseded by it or by an even newer one); else None."""
    if dataset.state == "active":
        return None
    active = active_dataset(session, dataset.program)
    return active if active is not None and active.version > dataset.version else None


def _set_state(
    session: Session, program: str, old: str, new: str, *, only_id: int | None = None
) -> int:
    stmt = update(Dataset).where(Dataset.program == program, Dataset.state == old)
    if only_id is not None:
        stmt = stmt.where(Dataset.id == only_id)
    values: dict[str, Any] = {"state": new}
    if new == "active":
        values["activated_at"] = utcnow()
    result = session.execute(stmt.values(**values))
    return result.rowcount


def rollback(session: Session, program: str) -> Dataset:
    """Re-activate the version that the active one replaced; return it.

    Follows the replacement chain past deleted versions. The rolled-back version
    becomes ``archived``.
    """
    current = active_dataset(session, program)
    if current is None:
        raise GeoappError(NO_ACTIVE, 409, program=program)
    target = _previous_archived(session, current)
    if target is None:
        raise GeoappError(NO_PREVIOUS, 409, program=program)
    try:
        ok = _swap(session, current.id, target.id)
        if not ok:
            session.rollback()
            raise GeoappError(CHANGED, 409, program=program)
        session.commit()
        session.expire_all()
    except BaseException:
        session.rollback()
        raise
    return target


def _previous_archived(session: Session, current: Dataset) -> Dataset | None:
    seen = {current.id}
    previous_id = current.previous_id
    while previous_id is not None and previous_id not in seen:
        seen.add(previous_id)
        candidate = session.get(Dataset, previous_id)
        if candidate is None:
            return None
        if candidate.state == "archived":
            return candidate
        previous_id = candidate.previous_id
    return None


def _swap(session: Session, active_id: int, archived_id: int) -> bool:
    off = session.execute(
        update(Dataset).where(Dataset.id == active_id, Dataset.state == "active")
        .values(state="archived")
    ).rowcount
    on = session.execute(
        update(Dataset).where(Dataset.id == archived_id, Dataset.state == "archived")
        .values(state="active", activated_at=utcnow())
    ).rowcount
    return off == 1 and on == 1


def delete_dataset(
    session: Session, dataset_id: int, *, user: User | str | None = None
) -> Dataset:
    """Soft-delete an archived (or staged) version. The active version is refused (409)."""
    dataset = session.get(Dataset, dataset_id)
    if dataset is None:
        raise GeoappError(NOT_FOUND, 404, dataset_id=dataset_id)
    if dataset.state == "active":
        raise GeoappError(DELETE_ACTIVE, 409, dataset_id=dataset_id)
    if dataset.state != "deleted":
        dataset.state = "deleted"
        dataset.deleted_at = utcnow()
        dataset.deleted_by = username_of(user)
        session.commit()
    return dataset




def cleanup_staged(session: Session, *, max_age: timedelta = STAGED_MAX_AGE) -> int:
    """Delete staged (never activated) versions staged more than ``max_age`` ago, with
    their rows; return how many. Younger staged versions may be imports in progress."""
    cutoff = utcnow() - max_age
    ids = list(session.scalars(select(Dataset.id).where(
        Dataset.state == "staged", Dataset.imported_at < cutoff)))
    if ids:
        session.execute(delete(DatasetRow).where(DatasetRow.dataset_id.in_(ids)))
        session.execute(delete(Dataset).where(Dataset.id.in_(ids)))
    session.commit()
    return len(ids)
