"""The rows figures are computed from: one frame per active dataset version (cached).

Everything is computed from the ACTIVE dataset of each program in the store; only rows
with status ``matched`` (and not JUMLAH/TOTAL rows) count. ``ActiveData`` is one call's
view of the store: its session, the app's ``ActiveVersions`` service (whose cache holds
every derived result, keyed by dataset identities) and the active versions it read.
Core module: no Flask.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geoapp.io.boundaries import load_boundaries
from geoapp.store import jsonsafe
from geoapp.store.active import ActiveVersions, DatasetInfo
from geoapp.store.columns import cells_by_role
from geoapp.store.models import DatasetRow
from geoapp.store.years import year_text

__all__ = ["ActiveData", "boundaries", "population", "read_rows", "year_text"]

# column-map role -> the frame's column
_ROLE_COLUMNS = {"year": "year", "sub": "sub", "name": "nama", "theme": "tema",
                 "alamat": "alamat"}


@dataclass(frozen=True)
class ActiveData:
    """One call's view of the store: session, service and the active versions it read."""

    session: Session
    active: ActiveVersions
    infos: dict[str, DatasetInfo]

    @classmethod
    def read(cls, session: Session, active: ActiveVersions) -> ActiveData:
        return cls(session, active, active.infos(session))

    def cached(self, key: tuple, compute):
        """``compute()`` memoised in the app's cache; ``key`` must hold the identities."""
        return self.active.cached(key, compute)

    def rows(self, info: DatasetInfo) -> pd.DataFrame:
        """The (cached) row frame of one dataset version (see ``read_rows``)."""
        return self.cached(("figures.rows", info.identity),
                           lambda: read_rows(self.session, info))


def boundaries() -> gpd.GeoDataFrame:
    """The kelurahan of the configured boundary set."""
    return load_boundaries().frame


def _float(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def read_rows(session: Session, info: DatasetInfo) -> pd.DataFrame:
    """Rows of one dataset as a frame: kode, status, lat, lon, year, sub, nama, tema, alamat,
    one float column per program measure key (from the version's stored column map).
    ``year`` is the row's stored year (its year cell, else the year chosen at upload)."""
    names = info.columns.measure_names()
    stmt = (select(DatasetRow.kode, DatasetRow.status, DatasetRow.lat, DatasetRow.lon,
                   DatasetRow.is_total, DatasetRow.cells_json, DatasetRow.measures_json,
                   DatasetRow.year)
            .where(DatasetRow.dataset_id == info.id).order_by(DatasetRow.position))
    records = []
    for kode, status, lat, lon, is_total, cells_json, measures_json, year in session.execute(stmt):
        cells = jsonsafe.loads(cells_json, [])
        values = jsonsafe.loads(measures_json, {})
        rec = {"kode": kode, "status": status, "lat": lat, "lon": lon, "is_total": bool(is_total)}
        by_role = cells_by_role(cells, info.columns, _ROLE_COLUMNS)
        rec.update({column: by_role[role] for role, column in _ROLE_COLUMNS.items()})
        rec["year"] = year or year_text(rec["year"])
        rec.update({key: _float(values.get(name)) for key, name in names.items()})
        records.append(rec)
    columns = ["kode", "status", "lat", "lon", "is_total", *_ROLE_COLUMNS.values(), *names]
    return pd.DataFrame.from_records(records, columns=columns)


def population(data: ActiveData) -> pd.Series | None:
    """Residents per kode from the active penduduk dataset (matched rows), or None."""
    info = data.infos.get("penduduk")
    if info is None:
        return None
    rows = data.rows(info)
    if "penduduk" not in rows.columns:
        return None
    rows = rows[(rows["status"] == "matched") & ~rows["is_total"].astype(bool)]
    series = pd.Series(rows["penduduk"].to_numpy(float), index=rows["kode"].to_numpy(object))
    return series.groupby(level=0).sum(min_count=1)
