"""The layer catalogue: layer definitions, the computed-layer result type and which layers
the active datasets make available. Core module: no Flask."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geopandas import GeoDataFrame
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS
from geoapp.store.active import ActiveVersions, DatasetInfo


@dataclass(frozen=True)
class LayerDef:
    """One entry of the layer catalogue."""

    key: str
    program: str
    title: Msg
    kind: str                        # area | points
    measure: str | None              # Measure.key of the program; None = row counts / points
    per: str                         # total | km2 | 1000 ; "" for points
    value_kind: str                  # count | rupiah | rate | number


@dataclass
class LayerData:
    """A computed layer plus where its values came from.

    ``ledger`` reconciles the layer with the dataset: rows per status and, for area
    layers, the measure's sum over matched rows and over rows that were NOT counted
    (review/unmatched), so a difference with the file's total is explained.
    """

    definition: LayerDef
    frame: GeoDataFrame
    dataset_id: int | None
    dataset_version: int | None
    sample: bool
    source_label: str
    ledger: dict[str, Any] = field(default_factory=dict)
    theme_order: tuple[str, ...] = ()   # point layers: all themes of the UNFILTERED layer


def _layer(key: str, program: str, title: Msg, kind: str, measure: str | None,
           per: str, value_kind: str) -> LayerDef:
    return LayerDef(key, program, title, kind, measure, per, value_kind)


LAYERS: dict[str, LayerDef] = {
    d.key: d
    for d in (
        _layer("umkm-kelompok-km2", "umkm",
               Msg("layer.umkm-kelompok-km2", "Business-aid density (groups per km²)"),
               "area", "kelompok", "km2", "rate"),
        _layer("umkm-kelompok", "umkm",
               Msg("layer.umkm-kelompok", "UMKM/PKL groups aided per kelurahan"),
               "area", "kelompok", "total", "count"),
        _layer("umkm-nilai", "umkm",
               Msg("layer.umkm-nilai", "Business-aid amount per kelurahan (Rp)"),
               "area", "nilai", "total", "rupiah"),
        _layer("umkm-kelompok-1000", "umkm",
               Msg("layer.umkm-kelompok-1000", "UMKM/PKL groups aided per 1,000 residents"),
               "area", "kelompok", "1000", "rate"),
        _layer("blk-peserta", "blk",
               Msg("layer.blk-peserta", "BLK training participants per kelurahan"),
               "area", "peserta", "total", "count"),
        _layer("blk-peserta-1000", "blk",
               Msg("layer.blk-peserta-1000", "BLK training participants per 1,000 residents"),
               "area", "peserta", "1000", "rate"),
        _layer("kwt-bibit", "kwt",
               Msg("layer.kwt-bibit", "Seedlings received by KWT per kelurahan"),
               "area", "bibit", "total", "count"),
        _layer("jobfair-lowongan", "jobfair",
               Msg("layer.jobfair-lowongan", "Job fair vacancies per kelurahan"),
               "area", "lowongan", "total", "count"),
        _layer("penduduk", "penduduk", Msg("layer.penduduk", "Population per kelurahan"),
               "area", "penduduk", "total", "count"),
        _layer("kwt-titik", "kwt", Msg("layer.kwt-titik", "Women farmer group (KWT) locations"),
               "points", None, "", "count"),
        _layer("ecofarm-titik", "ecofarm", Msg("layer.ecofarm-titik", "Ecofarm sites"),
               "points", None, "", "count"),
        _layer("kampung-tematik", "kampung", Msg("layer.kampung-tematik", "Thematic villages"),
               "points", None, "", "count"),
    )
}
DEFAULT_LAYER = "umkm-kelompok-km2"

POINT_PROGRAMS = tuple(p.key for p in PROGRAMS.values() if p.kind == "points")
# Row-count layers of the point programs: used by the summary and the profile only.
# Titles are written out one by one (literal texts, so gettext can extract them).
COUNT_LAYERS: dict[str, LayerDef] = {
    d.program: d
    for d in (
        _layer("kwt-jumlah", "kwt", Msg("layer.kwt-jumlah", "Number of KWT per kelurahan"),
               "area", None, "total", "count"),
        _layer("ecofarm-jumlah", "ecofarm",
               Msg("layer.ecofarm-jumlah", "Number of ecofarm sites per kelurahan"),
               "area", None, "total", "count"),
        _layer("kampung-jumlah", "kampung",
               Msg("layer.kampung-jumlah", "Number of kampung tematik per kelurahan"),
               "area", None, "total", "count"),
    )
}

UNKNOWN_LAYER = Msg("figures.unknown_layer", "Unknown layer '{key}'. Choose one of: {allowed}.")
WRONG_KIND = Msg("figures.wrong_kind", "Layer '{key}' is of kind {kind}; use {function}.")


def get_layer_def(key: str) -> LayerDef:
    """The layer definition for ``key``; GeoappError 404 listing the known keys."""
    definition = LAYERS.get(str(key))
    if definition is None:
        raise GeoappError(UNKNOWN_LAYER, 404, key=str(key)[:60], allowed=", ".join(LAYERS))
    return definition


def check_kind(definition: LayerDef, kind: str, function: str) -> None:
    """GeoappError 400 when ``definition`` is not of ``kind`` (use ``function`` instead)."""
    if definition.kind != kind:
        raise GeoappError(WRONG_KIND, 400, key=definition.key, kind=definition.kind,
                          function=function)


def main_layer(program: str) -> LayerDef:
    """The layer of a program's main figure (for the kelurahan summary): the row count
    of a point program, else the total of the program's first measure."""
    if program in COUNT_LAYERS:
        return COUNT_LAYERS[program]
    first = PROGRAMS[program].measures[0].key
    return next(d for d in LAYERS.values()
                if d.program == program and d.measure == first and d.per == "total")


def available_in(infos: dict[str, DatasetInfo]) -> list[LayerDef]:
    """Layers whose program has an active dataset in ``infos`` (per-1,000 layers only when
    the penduduk dataset is active too), in catalogue order."""
    return [d for d in LAYERS.values()
            if d.program in infos and (d.per != "1000" or "penduduk" in infos)]


def available_layers(session: Session, active: ActiveVersions) -> list[LayerDef]:
    """Layers whose program has an active dataset (per-1,000 layers only when the
    penduduk dataset is active too), in catalogue order."""
    return available_in(active.infos(session))
