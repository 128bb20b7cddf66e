"""Dataset versions: atomic import, activation, rollback, soft delete and listing.

An import is two steps. ``stage_import`` writes the new version and all its rows in
one transaction with state ``staged`` (invisible to readers). ``activate`` then, in
ONE transaction, archives the program's active version and makes the new one active.
A failure in either step leaves the previous active version untouched; staged
leftovers are removed on start (``cleanup_staged``).

Deleting is soft (state ``deleted``). The active version cannot be deleted: roll
back (or import a newer version) first, so a program never silently loses its map.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.matching.types import STATUSES
from geoapp.store import jsonsafe
from geoapp.store.models import (
    PROGRAMS,
    VISIBLE_STATES,
    Dataset,
    DatasetRow,
    User,
    utcnow,
)

_CHUNK = 1000  # rows per INSERT batch

BAD_PROGRAM = Msg(
    "store.bad_program",
    id="Program '{program}' tidak dikenal. Pilih salah satu: {allowed}.",
    en="Unknown program '{program}'. Choose one of: {allowed}.",
)
BAD_TITLE = Msg(
    "store.bad_title",
    id="Judul dataset kosong atau lebih dari 200 karakter. Isi judul yang singkat.",
    en="The dataset title is empty or longer than 200 characters. Give a short title.",
)
BAD_SHA = Msg(
    "store.bad_sha",
    id="Sidik SHA-256 berkas sumber tidak valid: '{value}'. Harus 64 karakter heksadesimal.",
    en="The source file SHA-256 is not valid: '{value}'. It must be 64 hexadecimal characters.",
)
BAD_STATUS = Msg(
    "store.bad_status",
    id="Baris {position}: status '{row_status}' tidak dikenal. Yang diterima: {allowed}.",
    en="Row {position}: unknown status '{row_status}'. Allowed: {allowed}.",
)
NOT_FOUND = Msg(
    "store.not_found",
    id="Dataset {dataset_id} tidak ditemukan.",
    en="Dataset {dataset_id} was not found.",
)
NOT_STAGED = Msg(
    "store.not_staged",
    id="Dataset {dataset_id} berstatus '{state}' dan tidak dapat diaktifkan; hanya impor baru yang bisa.",
    en="Dataset {dataset_id} is '{state}' and cannot be activated; only a new import can.",
)
NO_ACTIVE = Msg(
    "store.no_active",
    id="Program {program} tidak punya versi aktif, jadi tidak ada yang dapat dikembalikan.",
    en="Program {program} has no active version, so there is nothing to roll back.",
)
NO_PREVIOUS = Msg(
    "store.no_previous",
    id="Program {program} tidak punya versi sebelumnya untuk diaktifkan kembali.",
    en="Program {program} has no earlier version to return to.",
)
DELETE_ACTIVE = Msg(
    "store.delete_active",
    id="Dataset {dataset_id} sedang aktif dan tidak dapat dihapus. Kembalikan ke versi sebelumnya dulu, atau impor versi baru.",
    en="Dataset {dataset_id} is active and cannot be deleted. Roll back to the previous version first, or import a newer one.",
)
CHANGED = Msg(
    "store.changed",
    id="Data program {program} baru saja diubah oleh pengguna lain. Muat ulang halaman lalu coba lagi.",
    en="Program {program} was just changed by someone else. Reload the page and try again.",
)

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def check_program(program: str) -> str:
    """Return ``program`` if it is known, else raise a 400 naming the allowed ones."""
    if program not in PROGRAMS:
        raise GeoappError(BAD_PROGRAM, 400, program=str(program)[:40], allowed=", ".join(PROGRAMS))
    return program


def _username(user: User | str | None) -> str | None:
    return user.username if isinstance(user, User) else user


def _clean_title(title: str) -> str:
    clean = " ".join(str(title or "").split())
    if not clean or len(clean) > 200:
        raise GeoappError(BAD_TITLE, 400)
    return clean


def _clean_sha(value: str) -> str:
    sha = str(value or "").strip().lower()
    if sha and not _SHA_RE.match(sha):
        raise GeoappError(BAD_SHA, 400, value=str(value)[:80])
    return sha


def _next_version(program: str):
    """SQL expression evaluated inside the INSERT, so concurrent imports cannot collide."""
    return (
        select(func.coalesce(func.max(Dataset.version), 0) + 1)
        .where(Dataset.program == program)
        .scalar_subquery()
    )


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _row_values(dataset_id: int, index: int, row: dict[str, Any]) -> dict[str, Any]:
    """Validate one row dict and turn it into column values for ``dataset_rows``."""
    position = int(row.get("position", index))
    status = row.get("status")
    if status not in STATUSES:
        raise GeoappError(
            BAD_STATUS, 400, position=position, row_status=str(status)[:40], allowed=", ".join(STATUSES)
        )
    measures = {str(k): _number(v) for k, v in (row.get("measures") or {}).items()}
    source_row = row.get("source_row")
    return {
        "dataset_id": dataset_id,
        "position": position,
        "source_row": None if source_row is None else int(source_row),
        "cells_json": jsonsafe.dumps(["" if c is None else str(c) for c in row.get("cells", [])]),
        "kode": row.get("kode") or None,
        "status": status,
        "method": str(row.get("method") or ""),
        "score": _number(row.get("score")),
        "note": str(row.get("note") or ""),
        "suggestions_json": jsonsafe.dumps(row.get("suggestions") or []),
        "measures_json": jsonsafe.dumps(measures),
        "lat": _number(row.get("lat")),
        "lon": _number(row.get("lon")),
        "is_total": bool(row.get("is_total", False)),
    }


def _insert_rows(session: Session, dataset: Dataset, rows: Sequence[dict[str, Any]]) -> None:
    """Insert the rows in batches and record counts and measure names on ``dataset``."""
    counts = dict.fromkeys(STATUSES, 0)
    measures: dict[str, None] = {}
    totals = 0
    batch: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        values = _row_values(dataset.id, index, row)
        counts[values["status"]] += 1
        totals += values["is_total"]
        measures.update(dict.fromkeys(row.get("measures") or {}))
        batch.append(values)
        if len(batch) >= _CHUNK:
            session.execute(insert(DatasetRow), batch)
            batch = []
    if batch:
        session.execute(insert(DatasetRow), batch)
    dataset.row_count = len(rows)
    dataset.matched_count = counts["matched"]
    dataset.review_count = counts["review"]
    dataset.unmatched_count = counts["unmatched"]
    dataset.excluded_count = counts["excluded"]
    dataset.total_row_count = totals
    dataset.measures_json = jsonsafe.dumps([str(m) for m in measures])


def stage_import(
    session: Session,
    *,
    program: str,
    title: str,
    rows: Sequence[dict[str, Any]],
    headers: Sequence[str],
    ledger: dict[str, Any],
    report: dict[str, Any],
    source_sha256: str,
    source_name: str,
    user: User | str | None,
    sample: bool = False,
) -> Dataset:
    """Write a new ``staged`` version with all its rows in one transaction.

    Nothing is written when any row is invalid or anything fails midway.
    """
    dataset = Dataset(
        program=check_program(program),
        title=_clean_title(title),
        state="staged",
        sample=bool(sample),
        imported_by=_username(user),
        imported_at=utcnow(),
        source_name=str(source_name or "")[:255],
        source_sha256=_clean_sha(source_sha256),
        headers_json=jsonsafe.dumps([str(h) for h in headers]),
        ledger_json=jsonsafe.dumps(ledger or {}),
        report_json=jsonsafe.dumps(report or {}),
    )
    dataset.version = _next_version(program)
    try:
        session.add(dataset)
        session.flush()
        _insert_rows(session, dataset, rows)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(dataset)
    return dataset


def activate(session: Session, dataset_id: int) -> Dataset:
    """Make a staged version active and archive the previous one, in one transaction."""
    dataset = session.get(Dataset, dataset_id)
    if dataset is None:
        raise GeoappError(NOT_FOUND, 404, dataset_id=dataset_id)
    program = dataset.program
    current = (
        select(Dataset.id)
        .where(Dataset.program == program, Dataset.state == "active")
        .scalar_subquery()
    )
    try:
        # The first UPDATE takes SQLite's write lock, so the rest cannot interleave.
        claimed = session.execute(
            update(Dataset)
            .where(Dataset.id == dataset_id, Dataset.state == "staged")
            .values(previous_id=current)
        ).rowcount
        if claimed != 1:
            session.rollback()
            state = session.get(Dataset, dataset_id, populate_existing=True).state
            raise GeoappError(NOT_STAGED, 409, dataset_id=dataset_id, state=state)
        _set_state(session, program, "active", "archived")
        _set_state(session, program, "staged", "active", only_id=dataset_id)
        session.commit()
        session.expire_all()
    except BaseException:
        session.rollback()
        raise
    session.refresh(dataset)
    return dataset


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


MAX_SQL_ID = 2**63 - 1  # SQLite INTEGER is signed 64-bit


def valid_id(value: object) -> bool:
    """True when ``value`` is an int that fits SQLite's INTEGER (and is not negative)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SQL_ID


def get_dataset(
    session: Session, dataset_id: int, *, states: Iterable[str] = VISIBLE_STATES
) -> Dataset | None:
    """One dataset version if its state is one of ``states`` (staged ones are hidden).

    An id that is not a whole number SQLite can store (0..2**63-1) is simply not there.
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
        dataset.deleted_by = _username(user)
        session.commit()
    return dataset


def summary(dataset: Dataset) -> dict[str, Any]:
    """JSON-able description of one version (no rows), with the sample-data flag."""
    return {
        "id": dataset.id,
        "program": dataset.program,
        "title": dataset.title,
        "version": dataset.version,
        "state": dataset.state,
        "sample": bool(dataset.sample),
        "imported_by": dataset.imported_by,
        "imported_at": _iso(dataset.imported_at),
        "activated_at": _iso(dataset.activated_at),
        "source_name": dataset.source_name,
        "source_sha256": dataset.source_sha256,
        "rows": dataset.row_count,
        "matched": dataset.matched_count,
        "review": dataset.review_count,
        "unmatched": dataset.unmatched_count,
        "excluded": dataset.excluded_count,
        "total_rows": dataset.total_row_count,
        "measures": jsonsafe.loads(dataset.measures_json, []),
    }


def _iso(value) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text.replace("+00:00", "Z") if value.tzinfo else text + "Z"


def details(dataset: Dataset) -> dict[str, Any]:
    """``summary`` plus the headers, reconciliation ledger and read/match report."""
    return {
        **summary(dataset),
        "headers": jsonsafe.loads(dataset.headers_json, []),
        "ledger": jsonsafe.loads(dataset.ledger_json, {}),
        "report": jsonsafe.loads(dataset.report_json, {}),
    }


def row_dicts(session: Session, dataset_id: int) -> list[dict[str, Any]]:
    """The stored rows of one version in input order, in the ``stage_import`` row shape."""
    rows = session.scalars(
        select(DatasetRow).where(DatasetRow.dataset_id == dataset_id).order_by(DatasetRow.position)
    )
    return [
        {
            "position": r.position,
            "source_row": r.source_row,
            "cells": jsonsafe.loads(r.cells_json, []),
            "kode": r.kode,
            "status": r.status,
            "method": r.method,
            "score": r.score,
            "note": r.note,
            "suggestions": jsonsafe.loads(r.suggestions_json, []),
            "measures": jsonsafe.loads(r.measures_json, {}),
            "lat": r.lat,
            "lon": r.lon,
            "is_total": r.is_total,
        }
        for r in rows
    ]
