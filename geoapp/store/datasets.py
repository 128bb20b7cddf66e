"""Dataset versions: finding them (active, visible, by id) and checking program keys.

A version is ``staged`` while it is written (``geoapp.store.staged``), then ``active``,
later ``archived`` or ``deleted`` (``geoapp.store.lifecycle``). Staged versions are
invisible to readers.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.store.models import PROGRAMS, VISIBLE_STATES, Dataset, User

BAD_PROGRAM = Msg("store.bad_program", "Unknown program '{program}'. Choose one of: {allowed}.")
NOT_FOUND = Msg("store.not_found", "Dataset {dataset_id} was not found.")


def check_program(program: str) -> str:
    """Return ``program`` if it is known, else raise a 400 naming the allowed ones."""
    if program not in PROGRAMS:
        raise GeoappError(BAD_PROGRAM, 400, program=str(program)[:40], allowed=", ".join(PROGRAMS))
    return program


def username_of(user: User | str | None) -> str | None:
    """The username of a user record, or the name itself."""
    return user.username if isinstance(user, User) else user


def active_dataset(session: Session, program: str) -> Dataset | None:
    """The active version of ``program``, or None."""
    check_program(program)
    return session.scalar(
        select(Dataset).where(Dataset.program == program, Dataset.state == "active")
    )


def list_datasets(
    session: Session, program: str | None = None, *, include_deleted: bool = False
) -> list[Dataset]:
    """Visible versions (active and archived; deleted on request), newest first per program."""
    states: tuple[str, ...] = VISIBLE_STATES + (("deleted",) if include_deleted else ())
    stmt = select(Dataset).where(Dataset.state.in_(states))
    if program is not None:
        stmt = stmt.where(Dataset.program == check_program(program))
    return list(session.scalars(stmt.order_by(Dataset.program, Dataset.version.desc())))


MAX_SQL_ID = 2**31 - 1  # the id columns are INTEGER: signed 32-bit on PostgreSQL (64 on SQLite)


def valid_id(value: object) -> bool:
    """True when ``value`` is an int that fits the id columns on every database (PostgreSQL's
    INTEGER is the smaller) and is not negative; a larger one would be a database error."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SQL_ID


def get_dataset(
    session: Session, dataset_id: int, *, states: Iterable[str] = VISIBLE_STATES
) -> Dataset | None:
    """One dataset version if its state is one of ``states`` (staged ones are hidden).

    An id that is not a whole number the id column can hold (0..2**31-1) is simply not there.
    """
    if not valid_id(dataset_id):
        return None
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or dataset.state not in tuple(states):
        return None
    return dataset


def require_dataset(
    session: Session, dataset_id: int, *, states: Iterable[str] = VISIBLE_STATES
) -> Dataset:
    """Like ``get_dataset`` but raises a 404 GeoappError when it is not there."""
    dataset = get_dataset(session, dataset_id, states=states)
    if dataset is None:
        raise GeoappError(NOT_FOUND, 404, dataset_id=dataset_id)
    return dataset


