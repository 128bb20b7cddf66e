"""Compare two dataset versions: row counts, sums per measure, per-kelurahan differences.

Sums skip JUMLAH/TOTAL rows and excluded rows. Per-kelurahan figures use matched
rows only (a wrong match is worse than none). A sum over no values is None (no data),
never 0; a difference is None when either side has no data.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from geoapp.matching.types import STATUSES
from geoapp.store import jsonsafe
from geoapp.store.datasets import require_dataset
from geoapp.store.describe import summary
from geoapp.store.models import DatasetRow
from geoapp.store.years import year_counts

Number = float | int | None


def _add(acc: Number, value: Number) -> Number:
    if value is None:
        return acc
    return value if acc is None else acc + value


def _diff(a: Number, b: Number) -> dict[str, Number]:
    return {"a": a, "b": b, "diff": None if a is None or b is None else b - a}


def _differs(a: Number, b: Number) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _profile(session: Session, dataset_id: int, year: str | None = None) -> dict[str, Any]:
    """Status counts, measure sums and per-kelurahan sums of one version (of one year)."""
    status = dict.fromkeys(STATUSES, 0)
    sums: dict[str, Number] = {}
    kel: dict[str, dict[str, Any]] = {}
    stmt = select(
        DatasetRow.kode, DatasetRow.status, DatasetRow.is_total, DatasetRow.measures_json
    ).where(DatasetRow.dataset_id == dataset_id)
    if year is not None:
        stmt = stmt.where(DatasetRow.year == year)
    for kode, row_status, is_total, measures_json in session.execute(stmt):
        status[row_status] = status.get(row_status, 0) + 1
        if is_total or row_status == "excluded":
            continue
        measures = jsonsafe.loads(measures_json, {})
        for name, value in measures.items():
            sums[name] = _add(sums.get(name), value)
        if row_status == "matched" and kode:
            entry = kel.setdefault(kode, {"rows": 0, "measures": {}})
            entry["rows"] += 1
            for name, value in measures.items():
                entry["measures"][name] = _add(entry["measures"].get(name), value)
    return {"status": status, "sums": sums, "kelurahan": kel, "rows": sum(status.values())}


def _kelurahan_changes(pa: dict[str, Any], pb: dict[str, Any], names: list[str]) -> list[dict]:
    out = []
    empty = {"rows": 0, "measures": {}}
    for kode in sorted(set(pa["kelurahan"]) | set(pb["kelurahan"])):
        ka, kb = pa["kelurahan"].get(kode, empty), pb["kelurahan"].get(kode, empty)
        measures = {n: _diff(ka["measures"].get(n), kb["measures"].get(n)) for n in names}
        changed = ka["rows"] != kb["rows"] or any(
            _differs(m["a"], m["b"]) for m in measures.values()
        )
        if changed:
            out.append({"kode": kode, "rows": _diff(ka["rows"], kb["rows"]), "measures": measures})
    return out


def compare(session: Session, id_a: int, id_b: int, *, year_a: str | None = None,
            year_b: str | None = None) -> dict[str, Any]:
    """Differences from version ``id_a`` to version ``id_b`` (diff = b - a); with
    ``year_a``/``year_b`` only the rows of that year on that side (e.g. 2020 and 2021
    of one version: ``compare(s, v, v, year_a="2020", year_b="2021")``)."""
    a, b = require_dataset(session, id_a), require_dataset(session, id_b)
    pa, pb = _profile(session, a.id, year_a), _profile(session, b.id, year_b)
    names = list(dict.fromkeys([*pa["sums"], *pb["sums"]]))
    return {
        "a": {**summary(a), "year": year_a, "years": list(year_counts(session, a.id))},
        "b": {**summary(b), "year": year_b, "years": list(year_counts(session, b.id))},
        "same_program": a.program == b.program,
        "rows": _diff(pa["rows"], pb["rows"]),
        "status": {s: _diff(pa["status"][s], pb["status"][s]) for s in STATUSES},
        "measures": {n: _diff(pa["sums"].get(n), pb["sums"].get(n)) for n in names},
        "kelurahan": _kelurahan_changes(pa, pb, names),
    }
