"""The rows the finder reads from one ACTIVE dataset: matched, non-total rows, read by role
through the version's stored column map (name, theme, sub-program, address, contact) and
its measure names.

Only rows matched to a kelurahan are kept (a place shown in the wrong spot is worse than
a place not shown). Core module: no Flask.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from geoapp.core.programs import PROGRAMS, ColumnMap, Program
from geoapp.store import row_dicts
from geoapp.store.active import DatasetInfo
from geoapp.store.columns import cell


@dataclass(frozen=True)
class ActiveRows:
    """Matched, non-total rows of one active dataset and where its columns are."""

    dataset: DatasetInfo
    program: Program
    rows: list[dict[str, Any]]
    columns: ColumnMap                # the version's stored column map
    measure_names: dict[str, str]     # Measure.key -> the dataset's measure name

    def text(self, row: dict[str, Any], role: str) -> str | None:
        """The row's cell for ``role`` (spacing collapsed); None when absent or blank."""
        return cell(row["cells"], self.columns.position(role))

    def has(self, role: str) -> bool:
        """Whether the dataset has a column for ``role``."""
        return self.columns.position(role) is not None


def row_point(row: dict[str, Any]) -> tuple[float | None, float | None]:
    """The row's (lat, lon) rounded to 6 decimals when both are finite and in range."""
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (TypeError, ValueError):
        return None, None
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        return None, None
    return round(lat, 6), round(lon, 6)


def load_rows(session: Session, info: DatasetInfo) -> ActiveRows:
    """The finder's rows of the active dataset version ``info``."""
    rows = [r for r in row_dicts(session, info.id)
            if r["status"] == "matched" and not r["is_total"] and r["kode"]]
    return ActiveRows(info, PROGRAMS[info.program], rows, info.columns,
                      info.columns.measure_names())
