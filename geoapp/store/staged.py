"""Writing a new dataset version: ``stage_import`` stores it and all its rows as ``staged``.

An import is two steps. ``stage_import`` writes the new version and all its rows in one
transaction with state ``staged`` (invisible to readers); ``geoapp.store.lifecycle.activate``
then makes it active. Nothing is written when any row is invalid or anything fails midway.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.programs import detect_columns
from geoapp.matching.types import STATUSES
from geoapp.store import jsonsafe
from geoapp.store.columns import cell, columns_json, detected_columns
from geoapp.store.datasets import check_program, username_of
from geoapp.store.models import Dataset, DatasetRow, User, utcnow
from geoapp.store.years import row_year

_CHUNK = 1000  # rows per INSERT batch

BAD_TITLE = Msg(
    "store.bad_title",
    "The dataset title is empty or longer than 200 characters. Give a short title.",
)
BAD_SHA = Msg(
    "store.bad_sha",
    "The source file SHA-256 is not valid: '{value}'. It must be 64 hexadecimal characters.",
)
BAD_STATUS = Msg(
    "store.bad_status",
    "Row {position}: unknown status '{row_status}'. Allowed: {allowed}.",
)

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


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


def _row_values(dataset_id: int, index: int, row: dict[str, Any],
                year_at: tuple[int | None, str | None] = (None, None)) -> dict[str, Any]:
    """Validate one row dict and turn it into column values for ``dataset_rows``.

    ``year_at``: the year column's position and the upload's year; a row dict's own
    ``year`` (a stored row written again) wins over both."""
    position = int(row.get("position", index))
    status = row.get("status")
    if status not in STATUSES:
        raise GeoappError(
            BAD_STATUS, 400, position=position, row_status=str(status)[:40], allowed=", ".join(STATUSES)
        )
    measures = {str(k): _number(v) for k, v in (row.get("measures") or {}).items()}
    source_row = row.get("source_row")
    cells = ["" if c is None else str(c) for c in row.get("cells", [])]
    suggestions = row.get("suggestions")
    year = (row["year"] if "year" in row
            else row_year(cell(cells, year_at[0]), year_at[1], str(status)))
    return {
        "dataset_id": dataset_id,
        "position": position,
        "source_row": None if source_row is None else int(source_row),
        "cells_json": json.dumps(cells, ensure_ascii=False),   # texts: always valid JSON
        "kode": row.get("kode") or None,
        "status": status,
        "method": str(row.get("method") or ""),
        "score": _number(row.get("score")),
        "note": str(row.get("note") or ""),
        "suggestions_json": jsonsafe.dumps(suggestions) if suggestions else "[]",
        "measures_json": json.dumps(measures, ensure_ascii=False, allow_nan=False),
        "lat": _number(row.get("lat")),
        "lon": _number(row.get("lon")),
        "is_total": bool(row.get("is_total", False)),
        "year": None if year is None else str(year)[:16],
    }


def _insert(session: Session, batch: list[dict[str, Any]]) -> None:
    """One executemany of plain column values (Core: no ORM bookkeeping per row)."""
    session.connection().execute(insert(DatasetRow.__table__), batch)


def _insert_rows(session: Session, dataset: Dataset, rows: Sequence[dict[str, Any]],
                 default_year: str | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
    """Insert the rows in batches and record counts and measure names on ``dataset``;
    ``progress(done, total)`` after each batch."""
    headers = jsonsafe.loads(dataset.headers_json, [])
    year_at = (detect_columns(dataset.program, headers, []).position("year"), default_year)
    counts = dict.fromkeys(STATUSES, 0)
    measures: dict[str, None] = {}
    totals = 0
    batch: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        values = _row_values(dataset.id, index, row, year_at)
        counts[values["status"]] += 1
        totals += values["is_total"]
        measures.update(dict.fromkeys(row.get("measures") or {}))
        batch.append(values)
        if len(batch) >= _CHUNK:
            _insert(session, batch)
            batch = []
            if progress is not None:
                progress(index + 1, len(rows))
    if batch:
        _insert(session, batch)
    if progress is not None:
        progress(len(rows), len(rows))
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
    default_year: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Dataset:
    """Write a new ``staged`` version with all its rows in one transaction.

    Nothing is written when any row is invalid or anything fails midway. The version's
    column map (``core.programs.detect_columns``) is stored with it. Each row's year is
    its year cell, else ``default_year`` (the year chosen at upload). ``progress(done,
    total)`` is called as the rows are written.
    """
    dataset = Dataset(
        program=check_program(program),
        title=_clean_title(title),
        state="staged",
        sample=bool(sample),
        imported_by=username_of(user),
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
        _insert_rows(session, dataset, rows, default_year, progress)
        dataset.columns_json = columns_json(detected_columns(dataset))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(dataset)
    return dataset


