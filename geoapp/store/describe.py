"""Describing dataset versions as plain JSON-able values: summaries, details and rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from geoapp.store import jsonsafe
from geoapp.store.models import Dataset, DatasetRow


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
            "year": r.year,
        }
        for r in rows
    ]
