"""What area and point layers share: the result record, its reconciliation ledger, cache
keys made of dataset identities, and private copies for callers. Core module: no Flask."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
from geopandas import GeoDataFrame
from sqlalchemy.orm import Session

from geoapp.figures.catalog import LayerData, LayerDef, get_layer_def
from geoapp.figures.filters import Filters
from geoapp.figures.sources import source_text
from geoapp.store.active import ActiveVersions, DatasetInfo


def column_sum(values: pd.Series) -> float | None:
    """The sum of the non-missing values, None when there are none."""
    total = values.sum(min_count=1)
    return float(total) if pd.notna(total) else None


def ledger(rows: pd.DataFrame, measure: str | None) -> dict[str, Any]:
    """Rows per status and the measure's sum per status (what the map did not count)."""
    counts = rows["status"].value_counts()
    out: dict[str, Any] = {"rows": int(len(rows))}
    out.update({s: int(counts.get(s, 0)) for s in ("matched", "review", "unmatched", "excluded")})
    if measure is not None and measure in rows.columns:
        for status in ("matched", "review", "unmatched"):
            out[f"sum_{status}"] = column_sum(rows.loc[rows["status"] == status, measure])
        out["sum_not_counted"] = column_sum(
            rows.loc[rows["status"].isin(["review", "unmatched"]), measure])
    return out


def layer_data(definition: LayerDef, frame: GeoDataFrame, info: DatasetInfo | None,
               ledger: dict[str, Any]) -> LayerData:
    """The result record of a computed layer, labelled with its dataset version."""
    return LayerData(definition, frame, info.id if info else None, info.version if info else None,
                     bool(info.sample) if info else False,
                     source_text(definition.program, info, "id"), ledger)


def _identities(definition: LayerDef, infos: dict[str, DatasetInfo]) -> tuple:
    return tuple(infos[p].identity for p in (definition.program, "penduduk") if p in infos)


def layer_identity(session: Session, active: ActiveVersions, key: str) -> tuple:
    """What a layer's results depend on (its datasets' identities): a cache key part."""
    return _identities(get_layer_def(key), active.infos(session))


def cache_key(kind: str, definition: LayerDef, filters: Filters,
              infos: dict[str, DatasetInfo]) -> tuple:
    """The cache key of one computed layer: kind, definition, identities and filters."""
    return (kind, definition, _identities(definition, infos), filters)


def private_copy(data: LayerData) -> LayerData:
    """A copy whose frame and ledger the caller may change freely."""
    return replace(data, frame=data.frame.copy(), ledger=dict(data.ledger))
