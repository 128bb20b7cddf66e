"""Turn match runs into aggregated kelurahan/kecamatan layers."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.objects import object_mask
from geoapp.imports.ledger import numeric_labels
from geoapp.imports.pipeline import MatchRun

POPULATION_HEADER = re.compile(r"penduduk|populasi|population|jiwa", re.IGNORECASE)

MEASURE_NOT_FOUND = Msg(
    "measure_not_found",
    "Measure column '{measure}' is not among the numeric columns. Numeric columns: {available}.",
)
POPULATION_COLUMN = Msg(
    "population_column",
    "Population table '{filename}' has no recognisable population column. Numeric columns: "
    "{available}. Choose one with --population-col.",
)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def measure_values(run: MatchRun, measures: list[str]) -> dict[str, np.ndarray]:
    """Per-row float values of the named numeric columns (matched case-insensitively)."""
    labels = numeric_labels(run.table)
    by_label = {_fold(label): pos for pos, label in labels.items()}
    out: dict[str, np.ndarray] = {}
    for name in measures:
        pos = by_label.get(_fold(name))
        if pos is None:
            raise GeoappError(MEASURE_NOT_FOUND, 422, measure=name, available=_available(labels))
        out[labels[pos]] = np.asarray(run.table.numeric[pos], dtype="float64")
    return out


def _available(labels: dict[int, str]) -> str:
    return ", ".join(f"'{label}'" for label in labels.values()) or "-"


def matched_kode(run: MatchRun) -> np.ndarray:
    """The kode of matched rows; None for review, unmatched and excluded rows."""
    kode = np.asarray(run.result.kode, dtype=object).copy()
    kode[object_mask(np.asarray(run.result.status, dtype=object), lambda s: s != "matched")] = None
    return kode


def population_series(run: MatchRun, column: str | None = None) -> pd.Series:
    """Residents per kode from a matched population table (summed when a kode repeats)."""
    labels = numeric_labels(run.table)
    if column:
        values = measure_values(run, [column])
    else:
        found = [label for label in labels.values() if POPULATION_HEADER.search(label)]
        if not found:
            raise GeoappError(POPULATION_COLUMN, 422, filename=run.table.info.filename, available=_available(labels))
        values = measure_values(run, [found[0]])
    series = pd.Series(next(iter(values.values())), index=matched_kode(run))
    series = series[series.index.notna()]
    return series.groupby(level=0).sum(min_count=1)


def aggregate_run(
    run: MatchRun,
    measures: list[str],
    boundaries: gpd.GeoDataFrame,
    *,
    population: pd.Series | None = None,
    level: str = "kelurahan",
    kecamatan: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Aggregate one run's matched rows per kelurahan (or per kecamatan)."""
    from geoapp.figures.aggregate import aggregate_kecamatan, aggregate_kelurahan

    layer = aggregate_kelurahan(matched_kode(run), measure_values(run, measures), boundaries, population)
    if level == "kecamatan":
        return aggregate_kecamatan(layer, kecamatan)
    return layer
