"""Keeping a program's history: a new version holds the years it was uploaded with, and
every other year of the version it replaces.

``keep_other_years`` runs inside ``lifecycle.activate``'s transaction (after the write
lock is taken), against the version that is active at that moment: the rows of every
year the new version does not hold are copied into it, their cells moved to the new
version's columns (by role, else by header name; columns the new file does not have are
appended), their measures renamed to the new version's measure names. The plan applied
(``years.plan_of``) is stored in the version's report as ``years``. Rolling the new
version back brings back the replaced version as it was. Real data stored over a sample
version keeps none of the sample's years (``years.replaces_sample``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import case, func, insert, literal, select
from sqlalchemy.orm import Session

from geoapp.core.programs import ColumnMap, detect_columns
from geoapp.matching.types import STATUSES
from geoapp.store import jsonsafe
from geoapp.store.columns import columns_json, dataset_columns
from geoapp.store.models import Dataset, DatasetRow
from geoapp.store.years import carried, plan_of, replaces_sample, year_counts

_CHUNK = 1000
_COPIED = [c for c in DatasetRow.__table__.columns.keys() if c not in ("id", "dataset_id",
                                                                        "position")]


def _key(header: object) -> str:
    return " ".join(str(header).split()).casefold()


def _targets(old_headers: Sequence[str], old_map: ColumnMap, new_headers: list[str],
             new_map: ColumnMap) -> tuple[dict[int, int], list[str]]:
    """Old column -> new column, and the merged headers (new ones, then old-only ones)."""
    merged = list(new_headers)
    by_name: dict[str, int] = {}
    for i, header in enumerate(new_headers):
        by_name.setdefault(_key(header), i)
    targets: dict[int, int] = {}
    for p, header in enumerate(old_headers):
        roles = [r for r, pos in old_map.roles if pos == p]
        target = next((new_map.position(r) for r in roles if new_map.position(r) is not None),
                      by_name.get(_key(header)))
        if target is None or target in targets.values():
            merged.append(str(header))
            target = len(merged) - 1
        targets[p] = target
    return targets, merged


def _remapper(old: Dataset, new: Dataset) -> tuple[Callable[[str, str], tuple[str, str]] | None,
                                                    list[str], list[str]]:
    """How an old row's cells and measures become the new version's; None: unchanged."""
    old_headers = jsonsafe.loads(old.headers_json, [])
    new_headers = jsonsafe.loads(new.headers_json, [])
    old_map, new_map = dataset_columns(old), dataset_columns(new)
    old_measures = jsonsafe.loads(old.measures_json, [])
    new_measures = jsonsafe.loads(new.measures_json, [])
    new_names = new_map.measure_names()
    rename = {name: new_names[key] for key, name in old_map.measure_names().items()
              if key in new_names}
    measures = list(dict.fromkeys([*new_measures, *(rename.get(m, m) for m in old_measures)]))
    if old_headers == new_headers and old_map == new_map:
        return None, new_headers, measures
    targets, merged = _targets(old_headers, old_map, new_headers, new_map)

    def remap(cells_json: str, measures_json: str) -> tuple[str, str]:
        cells = jsonsafe.loads(cells_json, [])
        out = [""] * max([len(merged), *(t + 1 for t in targets.values())] or [0])
        for p, value in enumerate(cells):
            if p in targets:
                out[targets[p]] = value
        values = jsonsafe.loads(measures_json, {})
        renamed = {rename.get(k, k): v for k, v in values.items()}
        return jsonsafe.dumps(out), jsonsafe.dumps(renamed)

    return remap, merged, measures


def _kept_rows(old_id: int, years: list[str | None]):
    wanted = [y for y in years if y is not None]
    condition = DatasetRow.year.in_(wanted)
    if None in years:
        condition = condition | DatasetRow.year.is_(None)
    return (DatasetRow.dataset_id == old_id) & condition & carried()


def _copy_rows(session: Session, old: Dataset, new: Dataset, years: list[str | None],
               remap: Callable[[str, str], tuple[str, str]] | None) -> None:
    start = session.scalar(select(func.coalesce(func.max(DatasetRow.position), -1) + 1)
                           .where(DatasetRow.dataset_id == new.id))
    source = select(*(getattr(DatasetRow, c) for c in _COPIED), DatasetRow.position).where(
        _kept_rows(old.id, years)).order_by(DatasetRow.position)
    if remap is None:
        ranked = source.subquery()
        number = func.row_number().over(order_by=ranked.c.position) - 1 + start
        rows = select(literal(new.id), number, *(ranked.c[c] for c in _COPIED))
        session.execute(insert(DatasetRow).from_select(["dataset_id", "position", *_COPIED],
                                                       rows))
        return
    batch: list[dict[str, Any]] = []
    for offset, row in enumerate(session.execute(source)):
        values = dict(zip(_COPIED, row[:-1], strict=True))
        values["cells_json"], values["measures_json"] = remap(values["cells_json"],
                                                              values["measures_json"])
        batch.append({"dataset_id": new.id, "position": start + offset, **values})
        if len(batch) >= _CHUNK:
            session.execute(insert(DatasetRow), batch)
            batch = []
    if batch:
        session.execute(insert(DatasetRow), batch)


def _recount(session: Session, dataset: Dataset) -> None:
    """The version's row counts from its stored rows."""
    is_total = case((DatasetRow.is_total, 1), else_=0)   # PostgreSQL has no sum(boolean)
    stmt = (select(DatasetRow.status, func.count(), func.sum(is_total))
            .where(DatasetRow.dataset_id == dataset.id).group_by(DatasetRow.status))
    counts = dict.fromkeys(STATUSES, 0)
    totals = 0
    for status, n, total in session.execute(stmt):
        counts[status] = int(n)
        totals += int(total or 0)
    dataset.row_count = sum(counts.values())
    dataset.matched_count = counts["matched"]
    dataset.review_count = counts["review"]
    dataset.unmatched_count = counts["unmatched"]
    dataset.excluded_count = counts["excluded"]
    dataset.total_row_count = totals


def keep_other_years(session: Session, new: Dataset, old: Dataset | None) -> dict[str, Any]:
    """Copy ``old``'s rows of every year ``new`` does not hold into ``new`` (same
    transaction; the caller commits); return the plan applied (also in ``new``'s report).
    ``old`` None: the program had no active version, everything is added."""
    new_counts = year_counts(session, new.id)
    old_counts = {} if old is None else year_counts(session, old.id)
    drop = replaces_sample(old, bool(new.sample))
    plan = plan_of(old_counts, new_counts, None if old is None else old.version,
                   drop_old=drop)
    kept = [] if drop else [y for y in old_counts if y not in new_counts]
    if kept and old is not None:
        remap, headers, measures = _remapper(old, new)
        _copy_rows(session, old, new, kept, remap)
        new.headers_json = jsonsafe.dumps(headers)
        new.measures_json = jsonsafe.dumps(measures)
        new.columns_json = columns_json(detect_columns(new.program, headers, measures))
        _recount(session, new)
    report = jsonsafe.loads(new.report_json, {})
    report["years"] = plan
    new.report_json = jsonsafe.dumps(report)
    session.flush()
    return plan
