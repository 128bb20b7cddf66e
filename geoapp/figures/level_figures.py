"""Figures of the national map's levels (provinsi, kabupaten/kota, kecamatan, desa).

A layer's desa values (the same area layer the city map shows) go up the hierarchy:
totals are summed (:func:`geoapp.maps.levels.sum_up`), rates are recomputed from the summed
numerator and denominator (:func:`geoapp.maps.levels.rate_up`: per km² of the summed desa
area, per 1,000 of the summed residents), never averaged. A unit none of whose desa has
data stays "no data" (NaN), never 0. Core module: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from geoapp.figures.aggregate import COUNT, POPULATION
from geoapp.figures.area import area_layer
from geoapp.figures.catalog import LayerData, LayerDef
from geoapp.figures.filters import NO_FILTERS, Filters
from geoapp.figures.results import cache_key
from geoapp.maps.levels import level_frame, level_layer, rate_up, sum_up
from geoapp.store.active import ActiveVersions

AREA = "luas_km2"
DENOMINATORS = {"total": None, "km2": AREA, "1000": POPULATION}
SCALE = {"total": 1.0, "km2": 1.0, "1000": 1000.0}


@dataclass(frozen=True)
class LevelFigures:
    """One layer's figures for the units of ``level`` under ``parents``.

    ``frame`` (GeoDataFrame, full-resolution shapes, in the parents' order, each sorted by
    kode): ``kode``, ``nama``, ``kode_induk``, the summed numerator (the measure's key),
    the summed denominator (``luas_km2`` or ``penduduk``; for totals the desa area) and
    ``value`` (what the map shows; NaN = no data).
    """

    data: LayerData
    level: str
    parents: tuple[str, ...]
    frame: gpd.GeoDataFrame

    @property
    def numerator(self) -> str:
        return self.data.definition.measure or COUNT

    @property
    def denominator(self) -> str:
        return DENOMINATORS[self.data.definition.per] or AREA


def _series(frame: pd.DataFrame, column: str) -> dict[str, float]:
    if column not in frame.columns:
        return {}
    values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return dict(zip(frame["kode"].astype(str), values.to_numpy(), strict=True))


def _values(desa: pd.DataFrame, definition: LayerDef, level: str) -> dict[str, dict]:
    """kode -> value, numerator and denominator at ``level`` for the whole working area."""
    numerator = definition.measure or COUNT
    den_column = DENOMINATORS[definition.per] or AREA
    num, den = _series(desa, numerator), _series(desa, den_column)
    if level == "desa":
        return {"value": _series(desa, "value"), "num": num, "den": den}
    if definition.per == "total":
        value = sum_up(num, level)
    else:
        value = rate_up(num, den, level, SCALE[definition.per],
                        complete=definition.per == "1000")
    den_sums = sum_up(den, level)
    if definition.per == "1000":           # the residents a rate was computed from
        den_sums = {k: (v if value.get(k) is not None else None) for k, v in den_sums.items()}
    return {"value": value, "num": sum_up(num, level), "den": den_sums}


def _level_values(session: Session, active: ActiveVersions, key: str, level: str,
                  filters: Filters) -> tuple[LayerData, dict[str, dict]]:
    data = area_layer(session, active, key, filters)
    cached_key = (*cache_key("figures.levels", data.definition, filters,
                             active.infos(session)), level)
    values = active.cached(cached_key, lambda: _values(data.frame, data.definition, level))
    return data, values


def _column(codes: pd.Series, mapping: dict) -> np.ndarray:
    return codes.map(lambda k: mapping.get(k)).astype("float64").to_numpy()


def _units(level: str, parents: tuple[str, ...], wilayah: str, shapes: bool) -> gpd.GeoDataFrame:
    """kode, nama and geometry of the units: full-resolution shapes (exports), or the
    cached simplified layer the map already loaded (figures, no geometry needed)."""
    if shapes:
        frames = [level_frame(level, p, wilayah) for p in parents]
    else:
        frames = [pd.DataFrame([f["properties"] for f in level_layer(level, p, wilayah)["features"]],
                               columns=["kode", "nama"]) for p in parents]
    units = pd.concat(frames, ignore_index=True).drop_duplicates("kode").reset_index(drop=True)
    geometry = units["geometry"] if shapes else gpd.GeoSeries([None] * len(units))
    return gpd.GeoDataFrame(units[["kode", "nama"]], geometry=geometry.values, crs="EPSG:4326")


def level_figures(session: Session, active: ActiveVersions, key: str, level: str,
                  parents: tuple[str, ...], wilayah: str, *, shapes: bool = True,
                  filters: Filters = NO_FILTERS) -> LevelFigures:
    """Layer ``key``'s figures for the ``level`` units under each of ``parents`` ("" = the
    whole working area ``wilayah``); the level, parents and layer must have been checked
    (``geoapp.maps.levels.check_parents``, the available layers). ``shapes=False``: no
    geometry (empty), from the cached map layers. ``filters``: the desa values' filters
    (the national map uses only the year; NO_FILTERS sums every stored year)."""
    data, values = _level_values(session, active, key, level, filters)
    units = _units(level, parents, wilayah, shapes)
    codes = units["kode"].astype(str)
    definition = data.definition
    numerator = definition.measure or COUNT
    frame = pd.DataFrame({
        "kode": codes.to_numpy(object), "nama": units["nama"].astype(str).to_numpy(object),
        "kode_induk": codes.map(lambda k: k.rsplit(".", 1)[0] if "." in k else "").to_numpy(object),
        numerator: _column(codes, values["num"]),
    })
    den = DENOMINATORS[definition.per] or AREA
    frame[den] = _column(codes, values["den"])
    frame["value"] = _column(codes, values["value"])
    out = gpd.GeoDataFrame(frame, geometry=units.geometry.values, crs="EPSG:4326")
    return LevelFigures(data, level, tuple(parents), out)
