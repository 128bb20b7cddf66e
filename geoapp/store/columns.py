"""A version's column map (``core.programs.ColumnMap``), stored with it, and reading cells by role.

``stage_import`` stores the map in ``datasets.columns_json``; ``dataset_columns`` reads it
back. Versions stored before that column existed, or before a role was added to
``core.programs.ROLES``, get their map once at start (``fill_missing_columns`` from
``init_db``); until then the map is detected from the stored headers on read.

``cell`` is the one way to read a stored row's cell (figures and places use it, by role).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Engine, inspect, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from geoapp.core.programs import ColumnMap, detect_columns
from geoapp.store import jsonsafe
from geoapp.store.models import PROGRAMS, Dataset


def cell(cells: Sequence[object], position: int | None) -> str | None:
    """The cell at ``position`` with whitespace collapsed; None when missing or blank."""
    if position is None or position >= len(cells):
        return None
    value = " ".join(str(cells[position]).split())
    return value or None


def cells_by_role(cells: Sequence[object], columns: ColumnMap,
                  roles: Iterable[str]) -> dict[str, str | None]:
    """Role -> the row's cell for that role (see ``cell``), for each of ``roles``."""
    return {role: cell(cells, columns.position(role)) for role in roles}


def columns_json(columns: ColumnMap) -> str:
    return jsonsafe.dumps(columns.as_dict())


def detected_columns(dataset: Dataset) -> ColumnMap:
    """The map found from the version's stored headers and measure names."""
    return detect_columns(dataset.program, jsonsafe.loads(dataset.headers_json, []),
                          jsonsafe.loads(dataset.measures_json, []))


def dataset_columns(dataset: Dataset) -> ColumnMap:
    """The version's stored column map (detected from its headers when none is stored)."""
    stored = ColumnMap.from_dict(jsonsafe.loads(dataset.columns_json or "", None))
    return stored if stored is not None else detected_columns(dataset)


def add_columns_column(engine: Engine) -> None:
    """Add ``datasets.columns_json`` to a database made before it existed (idempotent)."""
    if "columns_json" in {c["name"] for c in inspect(engine).get_columns("datasets")}:
        return
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "ALTER TABLE datasets ADD COLUMN columns_json TEXT NOT NULL DEFAULT ''"))
    except OperationalError as exc:  # another process added it first
        if "duplicate column" not in str(exc).lower():
            raise


def _complete(stored: str) -> bool:
    """Whether a stored map has every role of ``core.programs.ROLES``."""
    return ColumnMap.from_dict(jsonsafe.loads(stored or "", None)) is not None


def fill_missing_columns(session: Session) -> int:
    """Store the detected map of every version that has none, or one stored before a role
    was added; return how many."""
    stored = session.execute(select(Dataset.id, Dataset.columns_json)
                             .where(Dataset.program.in_(PROGRAMS))).all()
    stale = [(dataset_id, old) for dataset_id, old in stored if not _complete(old)]
    for dataset_id, old in stale:
        dataset = session.get(Dataset, dataset_id)
        session.execute(update(Dataset).where(Dataset.id == dataset_id, Dataset.columns_json == old)
                        .values(columns_json=columns_json(detected_columns(dataset))))
    session.commit()
    return len(stale)
