"""Area layers: one value per kelurahan (totals, per km², per 1,000 residents) with ranks
in the city and in the kecamatan. Core module: no Flask."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from geoapp.core.programs import PROGRAMS, Program
from geoapp.figures.aggregate import (
    COUNT,
    PER_1000,
    PER_KM2,
    POPULATION,
    aggregate_kelurahan,
    rank_within,
)
from geoapp.figures.catalog import LayerData, LayerDef, check_kind, get_layer_def
from geoapp.figures.filters import NO_FILTERS, Filters, covered, selected
from geoapp.figures.results import cache_key, column_sum, layer_data, ledger, private_copy
from geoapp.figures.rows import ActiveData, boundaries, population
from geoapp.store.active import ActiveVersions


def _value_column(definition: LayerDef) -> str:
    base = definition.measure or COUNT
    return base + {"total": "", "km2": PER_KM2, "1000": PER_1000}[definition.per]


def _aggregate(rows: pd.DataFrame, program: Program, residents: pd.Series | None
               ) -> gpd.GeoDataFrame:
    matched = rows[rows["status"] == "matched"]
    keys = [m.key for m in program.measures if m.key in rows.columns]
    if program.key == "penduduk":
        residents = None  # the population IS the measure
    measures = {k: matched[k].to_numpy(float) for k in keys}
    return aggregate_kelurahan(matched["kode"].to_numpy(object), measures, boundaries(),
                               residents)


def _real_zeros(layer: gpd.GeoDataFrame, kode: set[str], program: Program
                ) -> gpd.GeoDataFrame:
    """Kelurahan in ``kode`` (records of the program, none of the filtered sub-program)
    get 0 for the program's measures instead of no data."""
    zero = layer["kode"].isin(kode) & (layer[COUNT] == 0)
    if not zero.any():
        return layer
    layer = layer.copy()
    for m in (m.key for m in program.measures if m.key in layer.columns):
        layer.loc[zero, m] = 0.0
        layer.loc[zero & (layer["luas_km2"] > 0), m + PER_KM2] = 0.0
        if m + PER_1000 in layer.columns and POPULATION in layer.columns:
            layer.loc[zero & (layer[POPULATION] > 0), m + PER_1000] = 0.0
    layer.loc[zero, "has_data"] = True
    return layer


def _empty_area(program: Program, residents: pd.Series | None) -> gpd.GeoDataFrame:
    rows = pd.DataFrame({"kode": pd.Series([], dtype=object), "status": [],
                         **{m.key: pd.Series([], dtype=float) for m in program.measures}})
    return _aggregate(rows, program, residents)


def _ranked(layer: gpd.GeoDataFrame, definition: LayerDef) -> gpd.GeoDataFrame:
    column = _value_column(definition)
    values = layer[column] if column in layer.columns else pd.Series(np.nan, index=layer.index)
    layer = layer.copy()
    layer["value"] = values.astype(float).to_numpy()
    layer["rank_city"] = rank_within(layer, "value").astype("Int64")
    layer["rank_kecamatan"] = rank_within(layer, "value", by="kode_kecamatan").astype("Int64")
    first = ["kode", "nama", "kode_kecamatan", "nama_kecamatan", "luas_km2", "value",
             "rank_city", "rank_kecamatan"]
    rest = [c for c in layer.columns if c not in first]
    return layer[first + rest]


def _compute_area(data: ActiveData, definition: LayerDef, filters: Filters) -> LayerData:
    program = PROGRAMS[definition.program]
    info = data.infos.get(program.key)
    residents = population(data)
    if info is None:
        layer, counts = _empty_area(program, residents), {"rows": 0}
    else:
        all_rows = data.rows(info)
        rows = all_rows[selected(all_rows, filters)]
        layer, counts = _aggregate(rows, program, residents), ledger(rows, definition.measure)
        layer = _real_zeros(layer, covered(all_rows, filters), program)
    layer = _ranked(layer, definition)
    if filters.kecamatan is not None:
        layer = layer[layer["kode_kecamatan"] == filters.kecamatan].reset_index(drop=True)
    measure = definition.measure
    counts["sum_in_layer"] = column_sum(layer[measure]) if measure in layer else None
    return layer_data(definition, layer, info, counts)


def area_of(data: ActiveData, definition: LayerDef, filters: Filters) -> LayerData:
    """An area layer of ``definition`` (any kind of definition; cached; a private copy)."""
    key = cache_key("figures.area", definition, filters, data.infos)
    return private_copy(data.cached(key, lambda: _compute_area(data, definition, filters)))


def area_layer(session: Session, active: ActiveVersions, key: str,
               filters: Filters = NO_FILTERS) -> LayerData:
    """One row per kelurahan (only the filtered kecamatan's when given) with ``value``
    (NaN = no data), ``rank_city``, ``rank_kecamatan`` and the aggregate columns.

    Ranks are over the whole city (and within each kecamatan) even when filtered.
    """
    definition = get_layer_def(key)
    check_kind(definition, "area", "point_layer")
    return area_of(ActiveData.read(session, active), definition, filters)
