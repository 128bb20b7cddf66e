"""Figures for the map, the kelurahan profile pages and the layer API.

Everything is computed from the ACTIVE dataset of each program in the store; only
rows with status ``matched`` (and not JUMLAH/TOTAL rows) count. Results depend only
on the active dataset versions and the filters, so they are cached in the app's
``ActiveVersions`` service (``geoapp.store.active``), which every public function receives.
Core module: no Flask.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
from geopandas import GeoDataFrame
from sqlalchemy import select
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, normalise_lang
from geoapp.core.programs import PROGRAMS, Program, find_header
from geoapp.figures.aggregate import COUNT, PER_1000, PER_KM2, aggregate_kelurahan, rank_within
from geoapp.io.boundaries import load_boundaries
from geoapp.store import jsonsafe
from geoapp.store.active import ActiveVersions, DatasetInfo
from geoapp.store.models import DatasetRow

# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Filters:
    """Optional filters of a layer; None means "all"."""

    year: str | None = None          # value of the program's year column (text)
    subprogram: str | None = None    # value of the program's filter column
    kecamatan: str | None = None     # kode_kecamatan like "36.71.07"


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


def _layer(key: str, program: str, id_: str, en: str, kind: str, measure: str | None,
           per: str, value_kind: str) -> LayerDef:
    return LayerDef(key, program, Msg(f"layer.{key}", id_, en), kind, measure, per, value_kind)


LAYERS: dict[str, LayerDef] = {
    d.key: d
    for d in (
        _layer("umkm-kelompok-km2", "umkm",
               "Kepadatan bantuan modal usaha (kelompok per km²)",
               "Business-aid density (groups per km²)", "area", "kelompok", "km2", "rate"),
        _layer("umkm-kelompok", "umkm", "Kelompok UMKM/PKL dibantu per kelurahan",
               "UMKM/PKL groups aided per kelurahan", "area", "kelompok", "total", "count"),
        _layer("umkm-nilai", "umkm", "Nilai bantuan modal usaha per kelurahan (Rp)",
               "Business-aid amount per kelurahan (Rp)", "area", "nilai", "total", "rupiah"),
        _layer("umkm-kelompok-1000", "umkm", "Kelompok UMKM/PKL dibantu per 1.000 penduduk",
               "UMKM/PKL groups aided per 1,000 residents", "area", "kelompok", "1000", "rate"),
        _layer("blk-peserta", "blk", "Peserta pelatihan BLK per kelurahan",
               "BLK training participants per kelurahan", "area", "peserta", "total", "count"),
        _layer("blk-peserta-1000", "blk", "Peserta pelatihan BLK per 1.000 penduduk",
               "BLK training participants per 1,000 residents", "area", "peserta", "1000", "rate"),
        _layer("kwt-bibit", "kwt", "Bibit diterima KWT per kelurahan",
               "Seedlings received by KWT per kelurahan", "area", "bibit", "total", "count"),
        _layer("jobfair-lowongan", "jobfair", "Lowongan job fair per kelurahan",
               "Job fair vacancies per kelurahan", "area", "lowongan", "total", "count"),
        _layer("penduduk", "penduduk", "Jumlah penduduk per kelurahan",
               "Population per kelurahan", "area", "penduduk", "total", "count"),
        _layer("kwt-titik", "kwt", "Lokasi Kelompok Wanita Tani (KWT)",
               "Women farmer group (KWT) locations", "points", None, "", "count"),
        _layer("ecofarm-titik", "ecofarm", "Lokasi ecofarm", "Ecofarm sites",
               "points", None, "", "count"),
        _layer("kampung-tematik", "kampung", "Kampung tematik", "Thematic villages",
               "points", None, "", "count"),
    )
}
DEFAULT_LAYER = "umkm-kelompok-km2"

# Row-count layers of the point programs: used by the summary and the profile only.
_COUNT_LAYERS: dict[str, LayerDef] = {
    p: _layer(f"{p}-jumlah", p, f"Jumlah {t} per kelurahan", f"Number of {e} per kelurahan",
              "area", None, "total", "count")
    for p, t, e in (("kwt", "KWT", "KWT"), ("ecofarm", "ecofarm", "ecofarm sites"),
                    ("kampung", "kampung tematik", "kampung tematik"))
}
# Each program's main figure (for kelurahan_summary).
MAIN_LAYER = {"umkm": "umkm-kelompok", "blk": "blk-peserta", "kwt": "kwt-jumlah",
              "ecofarm": "ecofarm-jumlah", "kampung": "kampung-jumlah",
              "jobfair": "jobfair-lowongan", "penduduk": "penduduk"}

UNKNOWN_LAYER = Msg(
    "figures.unknown_layer",
    "Lapisan '{key}' tidak dikenal. Pilih salah satu: {allowed}.",
    "Unknown layer '{key}'. Choose one of: {allowed}.",
)
WRONG_KIND = Msg(
    "figures.wrong_kind",
    "Lapisan '{key}' berjenis {kind}; gunakan {function}.",
    "Layer '{key}' is of kind {kind}; use {function}.",
)
BAD_KODE = Msg(
    "figures.bad_kode",
    "Kode kelurahan '{kode}' tidak sah. Tulis kode Kemendagri bertitik, mis. 36.71.01.1001.",
    "Kelurahan code '{kode}' is not valid. Write the dotted Kemendagri code, e.g. 36.71.01.1001.",
)
UNKNOWN_KODE = Msg(
    "figures.unknown_kode",
    "Kelurahan dengan kode {kode} tidak ada di batas wilayah kota.",
    "There is no kelurahan with code {kode} in the city's boundaries.",
)
SOURCE = Msg(
    "figures.source",
    "Sumber: {program} v{version}{sample}, diimpor {date}",
    "Source: {program} v{version}{sample}, imported {date}",
)
SOURCE_NONE = Msg(
    "figures.source_none",
    "Sumber: belum ada data {program} yang aktif",
    "Source: no active {program} dataset yet",
)
SAMPLE_MARK = Msg("figures.sample_mark", " (data sampel)", " (sample data)")

KODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
TIMEZONE = "Asia/Jakarta"
_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember")
_ALAMAT = re.compile(r"alamat", re.I)


def get_layer_def(key: str) -> LayerDef:
    """The layer definition for ``key``; GeoappError 404 listing the known keys."""
    definition = LAYERS.get(str(key))
    if definition is None:
        raise GeoappError(UNKNOWN_LAYER, 404, key=str(key)[:60], allowed=", ".join(LAYERS))
    return definition


# --------------------------------------------------------------------------- datasets


@dataclass(frozen=True)
class _Store:
    """One call's view of the store: its session, the service and the active versions."""

    session: Session
    active: ActiveVersions
    infos: dict[str, DatasetInfo]

    def cached(self, key: tuple, compute):
        return self.active.cached(key, compute)


def _store(session: Session, active: ActiveVersions) -> _Store:
    return _Store(session, active, active.infos(session))


def _cell(cells: list, pos: int | None) -> str | None:
    if pos is None or pos >= len(cells):
        return None
    text = " ".join(str(cells[pos]).split())
    return text or None


def _year_text(text: str | None) -> str | None:
    """A year cell as text: ``2020.0`` -> ``2020``; other text unchanged."""
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})(?:[.,]0+)?", text)
    return m.group(1) if m else text


def _measure_names(program: Program, info: DatasetInfo) -> dict[str, str]:
    """Measure.key -> the dataset's measure name (header) it was found under."""
    out: dict[str, str] = {}
    for measure in program.measures:
        name = next((m for m in info.measures if measure.header.search(m)), None)
        if name is not None:
            out[measure.key] = name
    return out


def _read_rows(session: Session, info: DatasetInfo) -> pd.DataFrame:
    """Rows of one dataset as a frame: kode, status, lat, lon, year, sub, nama, tema, alamat,
    one float column per program measure key."""
    program = PROGRAMS[info.program]
    headers = list(info.headers)
    pos = {"year": find_header(headers, program.year_header),
           "sub": find_header(headers, program.filter_header),
           "nama": find_header(headers, program.name_header),
           "tema": find_header(headers, program.theme_header),
           "alamat": find_header(headers, _ALAMAT)}
    names = _measure_names(program, info)
    stmt = (select(DatasetRow.kode, DatasetRow.status, DatasetRow.lat, DatasetRow.lon,
                   DatasetRow.is_total, DatasetRow.cells_json, DatasetRow.measures_json)
            .where(DatasetRow.dataset_id == info.id).order_by(DatasetRow.position))
    records = []
    for kode, status, lat, lon, is_total, cells_json, measures_json in session.execute(stmt):
        cells = jsonsafe.loads(cells_json, [])
        values = jsonsafe.loads(measures_json, {})
        rec = {"kode": kode, "status": status, "lat": lat, "lon": lon, "is_total": bool(is_total)}
        rec.update({k: _cell(cells, p) for k, p in pos.items()})
        rec["year"] = _year_text(rec["year"])
        rec.update({key: _float(values.get(name)) for key, name in names.items()})
        records.append(rec)
    columns = ["kode", "status", "lat", "lon", "is_total", *pos, *names]
    return pd.DataFrame.from_records(records, columns=columns)


def _float(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _rows(store: _Store, info: DatasetInfo) -> pd.DataFrame:
    """The (cached) row frame of one dataset version."""
    return store.cached(("figures.rows", info.identity), lambda: _read_rows(store.session, info))


def _same(a: str | None, b: str) -> bool:
    return isinstance(a, str) and a.casefold() == " ".join(b.split()).casefold()


def _select(rows: pd.DataFrame, filters: Filters) -> pd.Series:
    """Rows passing the year/subprogram filters (all statuses; not the kecamatan filter).

    A filter on a column the program does not have leaves its rows out entirely.
    """
    keep = ~rows["is_total"].astype(bool)
    if filters.year is not None:
        keep &= rows["year"].map(lambda v: _same(v, _year_text(filters.year) or ""))
    if filters.subprogram is not None:
        keep &= rows["sub"].map(lambda v: _same(v, filters.subprogram))
    return keep.astype(bool)


# --------------------------------------------------------------------------- boundaries


def _boundaries() -> gpd.GeoDataFrame:
    return load_boundaries().frame


def _population(store: _Store) -> pd.Series | None:
    """Residents per kode from the active penduduk dataset (matched rows), or None."""
    info = store.infos.get("penduduk")
    if info is None:
        return None
    rows = _rows(store, info)
    if "penduduk" not in rows.columns:
        return None
    rows = rows[(rows["status"] == "matched") & ~rows["is_total"].astype(bool)]
    series = pd.Series(rows["penduduk"].to_numpy(float), index=rows["kode"].to_numpy(object))
    return series.groupby(level=0).sum(min_count=1)


# --------------------------------------------------------------------------- labels


def _local_date(value: datetime | None, lang: str) -> str:
    if value is None:
        return "-"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    local = aware.astimezone(ZoneInfo(TIMEZONE))
    if lang == "en":
        return local.strftime("%d %B %Y").lstrip("0")
    return f"{local.day} {_MONTHS_ID[local.month - 1]} {local.year}"


def source_text(program: str, info: DatasetInfo | None, lang: str = "id") -> str:
    """The source line of a program's figures in ``lang``."""
    lang = normalise_lang(lang)
    title = PROGRAMS[program].title.text(lang)
    if info is None:
        return SOURCE_NONE.text(lang, program=title)
    sample = SAMPLE_MARK.text(lang) if info.sample else ""
    return SOURCE.text(lang, program=title, version=info.version, sample=sample,
                       date=_local_date(info.imported_at, lang))


def layer_source_text(session: Session, active: ActiveVersions, data: LayerData,
                      lang: str = "id") -> str:
    """``data.source_label`` in another language."""
    info = active.infos(session).get(data.definition.program)
    if info is None or info.id != data.dataset_id:
        return data.source_label
    return source_text(data.definition.program, info, lang)


# --------------------------------------------------------------------------- area layers


def _value_column(definition: LayerDef) -> str:
    base = definition.measure or COUNT
    return base + {"total": "", "km2": PER_KM2, "1000": PER_1000}[definition.per]


def _aggregate(rows: pd.DataFrame, program: Program, population: pd.Series | None
               ) -> gpd.GeoDataFrame:
    matched = rows[rows["status"] == "matched"]
    keys = [m.key for m in program.measures if m.key in rows.columns]
    if program.key == "penduduk":
        population = None  # the population IS the measure
    measures = {k: matched[k].to_numpy(float) for k in keys}
    return aggregate_kelurahan(matched["kode"].to_numpy(object), measures, _boundaries(),
                               population)


def _empty_area(program: Program, population: pd.Series | None) -> gpd.GeoDataFrame:
    rows = pd.DataFrame({"kode": pd.Series([], dtype=object), "status": [],
                         **{m.key: pd.Series([], dtype=float) for m in program.measures}})
    return _aggregate(rows, program, population)


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


def _sum(values: pd.Series) -> float | None:
    total = values.sum(min_count=1)
    return float(total) if pd.notna(total) else None


def _ledger(rows: pd.DataFrame, measure: str | None) -> dict[str, Any]:
    """Rows per status and the measure's sum per status (what the map did not count)."""
    counts = rows["status"].value_counts()
    out: dict[str, Any] = {"rows": int(len(rows))}
    out.update({s: int(counts.get(s, 0)) for s in ("matched", "review", "unmatched", "excluded")})
    if measure is not None and measure in rows.columns:
        for status in ("matched", "review", "unmatched"):
            out[f"sum_{status}"] = _sum(rows.loc[rows["status"] == status, measure])
        out["sum_not_counted"] = _sum(rows.loc[rows["status"].isin(["review", "unmatched"]),
                                               measure])
    return out


def _compute_area(store: _Store, definition: LayerDef, filters: Filters) -> LayerData:
    program = PROGRAMS[definition.program]
    info = store.infos.get(program.key)
    population = _population(store)
    if info is None:
        layer, ledger = _empty_area(program, population), {"rows": 0}
    else:
        rows = _rows(store, info)
        rows = rows[_select(rows, filters)]
        layer, ledger = _aggregate(rows, program, population), _ledger(rows, definition.measure)
    layer = _ranked(layer, definition)
    if filters.kecamatan is not None:
        layer = layer[layer["kode_kecamatan"] == filters.kecamatan].reset_index(drop=True)
    ledger["sum_in_layer"] = _sum(layer[definition.measure]) if definition.measure in layer else None
    return _layer_data(definition, layer, info, ledger)


def _layer_data(definition: LayerDef, frame: GeoDataFrame, info: DatasetInfo | None,
                ledger: dict[str, Any]) -> LayerData:
    return LayerData(definition, frame, info.id if info else None, info.version if info else None,
                     bool(info.sample) if info else False,
                     source_text(definition.program, info, "id"), ledger)


def _identities(definition: LayerDef, infos: dict[str, DatasetInfo]) -> tuple:
    return tuple(infos[p].identity for p in (definition.program, "penduduk") if p in infos)


def layer_identity(session: Session, active: ActiveVersions, key: str) -> tuple:
    """What a layer's results depend on (its datasets' identities): a cache key part."""
    return _identities(get_layer_def(key), active.infos(session))


def _cache_key(kind: str, definition: LayerDef, filters: Filters,
               infos: dict[str, DatasetInfo]) -> tuple:
    return (kind, definition, _identities(definition, infos), filters)


def _copy(data: LayerData) -> LayerData:
    """A copy whose frame and ledger the caller may change freely."""
    return replace(data, frame=data.frame.copy(), ledger=dict(data.ledger))


def _check_kind(definition: LayerDef, kind: str, function: str) -> None:
    if definition.kind != kind:
        raise GeoappError(WRONG_KIND, 400, key=definition.key, kind=definition.kind,
                          function=function)


def _area(store: _Store, definition: LayerDef, filters: Filters) -> LayerData:
    key = _cache_key("figures.area", definition, filters, store.infos)
    return _copy(store.cached(key, lambda: _compute_area(store, definition, filters)))


def area_layer(session: Session, active: ActiveVersions, key: str,
               filters: Filters = Filters()) -> LayerData:
    """One row per kelurahan (only the filtered kecamatan's when given) with ``value``
    (NaN = no data), ``rank_city``, ``rank_kecamatan`` and the aggregate columns.

    Ranks are over the whole city (and within each kecamatan) even when filtered.
    """
    definition = get_layer_def(key)
    _check_kind(definition, "area", "point_layer")
    return _area(_store(session, active), definition, filters)


# --------------------------------------------------------------------------- point layers

POINT_COLUMNS = ["nama", "tema", "kode", "nama_kelurahan", "kode_kecamatan", "nama_kecamatan",
                 "alamat"]


def _point_rows(store: _Store, info: DatasetInfo, filters: Filters) -> pd.DataFrame:
    """Matched rows of a point program with kelurahan names, filtered (incl. kecamatan)."""
    rows = _rows(store, info)
    rows = rows[_select(rows, filters) & (rows["status"] == "matched")]
    names = _boundaries().set_index("kode")[["nama", "kode_kecamatan", "nama_kecamatan"]]
    rows = rows.join(names.rename(columns={"nama": "nama_kelurahan"}), on="kode")
    if filters.kecamatan is not None:
        rows = rows[rows["kode_kecamatan"] == filters.kecamatan]
    return rows.reset_index(drop=True)


def _point_frame(rows: pd.DataFrame, program: Program) -> gpd.GeoDataFrame:
    measures = [m.key for m in program.measures if m.key in rows.columns]
    has_xy = rows["lat"].notna() & rows["lon"].notna()
    located = rows[has_xy]
    frame = located[POINT_COLUMNS + measures].copy()
    frame["lat"] = located["lat"].astype(float)
    frame["lon"] = located["lon"].astype(float)
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
    return gpd.GeoDataFrame(frame.reset_index(drop=True), geometry=geometry)


def _compute_points(store: _Store, definition: LayerDef, filters: Filters) -> LayerData:
    program = PROGRAMS[definition.program]
    info = store.infos.get(program.key)
    if info is None:
        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in POINT_COLUMNS}
                             | {"lat": pd.Series([], dtype=float),
                                "lon": pd.Series([], dtype=float)})
        return _layer_data(definition, _point_frame(empty, program), None, {"rows": 0})
    rows = _point_rows(store, info, filters)
    frame = _point_frame(rows, program)
    all_rows = _rows(store, info)
    ledger = _ledger(all_rows[_select(all_rows, filters)], None)
    ledger.update(points=int(len(frame)), without_coordinates=int(len(rows) - len(frame)))
    return _layer_data(definition, frame, info, ledger)


def point_layer(session: Session, active: ActiveVersions, key: str,
                filters: Filters = Filters()) -> LayerData:
    """One row per matched point with coordinates: nama, tema (or None), kode, kelurahan
    and kecamatan names, alamat, the program's measures (by Measure.key), lat, lon.

    Matched rows without coordinates are not placed anywhere (a wrong place is worse than
    none); ``ledger["without_coordinates"]`` counts them.
    """
    definition = get_layer_def(key)
    _check_kind(definition, "points", "area_layer")
    store = _store(session, active)
    cache_key = _cache_key("figures.points", definition, filters, store.infos)
    return _copy(store.cached(cache_key, lambda: _compute_points(store, definition, filters)))


def layer(session: Session, active: ActiveVersions, key: str,
          filters: Filters = Filters()) -> LayerData:
    """``area_layer`` or ``point_layer``, whichever fits the layer's kind."""
    definition = get_layer_def(key)
    if definition.kind == "points":
        return point_layer(session, active, key, filters)
    return area_layer(session, active, key, filters)


def export_frame(data: LayerData) -> GeoDataFrame:
    """The layer's frame for downloads: every row tagged with the dataset version."""
    frame = data.frame.copy()
    if "has_data" in frame.columns:
        frame = frame.drop(columns="has_data")
    frame["dataset_id"] = pd.array([data.dataset_id] * len(frame), dtype="Int64")
    frame["dataset_version"] = pd.array([data.dataset_version] * len(frame), dtype="Int64")
    frame["sample"] = bool(data.sample)
    geometry = frame.geometry.name
    return frame[[c for c in frame.columns if c != geometry] + [geometry]]


# --------------------------------------------------------------------------- catalogue views


def available_layers(session: Session, active: ActiveVersions) -> list[LayerDef]:
    """Layers whose program has an active dataset (per-1,000 layers only when the
    penduduk dataset is active too), in catalogue order."""
    return _available(active.infos(session))


def _available(infos: dict[str, DatasetInfo]) -> list[LayerDef]:
    return [d for d in LAYERS.values()
            if d.program in infos and (d.per != "1000" or "penduduk" in infos)]


def _distinct(values: pd.Series) -> list[str]:
    return sorted({str(v) for v in values.dropna() if str(v)}, key=lambda s: (s.casefold(), s))


def filter_options(session: Session, active: ActiveVersions) -> dict[str, Any]:
    """Values the filters accept: ``years`` (all programs), ``subprograms`` per program,
    ``kecamatan`` as (kode, nama) pairs, plus ``years_by_program``."""
    store = _store(session, active)
    years: dict[str, list[str]] = {}
    subprograms: dict[str, list[str]] = {}
    for program, info in store.infos.items():
        rows = _rows(store, info)
        rows = rows[~rows["is_total"].astype(bool)]
        if rows["year"].notna().any():
            years[program] = _distinct(rows["year"])
        if rows["sub"].notna().any():
            subprograms[program] = _distinct(rows["sub"])
    kec = _boundaries()[["kode_kecamatan", "nama_kecamatan"]].drop_duplicates("kode_kecamatan")
    return {"years": sorted({y for v in years.values() for y in v}),
            "subprograms": subprograms,
            "kecamatan": [(str(k), str(n)) for k, n in kec.sort_values("kode_kecamatan").values],
            "years_by_program": years}


# --------------------------------------------------------------------------- kelurahan


def check_kode(kode: str) -> str:
    """The kode if it is a dotted kelurahan code of the city; else GeoappError 400/404."""
    text = str(kode).strip()
    if not KODE_RE.match(text):
        raise GeoappError(BAD_KODE, 400, kode=str(kode)[:40])
    if text not in set(_boundaries()["kode"]):
        raise GeoappError(UNKNOWN_KODE, 404, kode=text)
    return text


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _rank(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _figure(data: LayerData, kode: str, lang: str) -> dict[str, Any]:
    frame = data.frame
    row = frame.loc[frame["kode"] == kode].iloc[0]
    same_kec = frame["kode_kecamatan"] == row["kode_kecamatan"]
    d = data.definition
    return {"layer": d.key, "program": d.program, "title": d.title.text(lang),
            "value": _number(row["value"]), "value_kind": d.value_kind, "per": d.per,
            "rank_city": _rank(row["rank_city"]), "rank_kecamatan": _rank(row["rank_kecamatan"]),
            "ranked_city": int(frame["value"].notna().sum()),
            "ranked_kecamatan": int(frame.loc[same_kec, "value"].notna().sum()),
            "dataset_id": data.dataset_id, "dataset_version": data.dataset_version,
            "sample": data.sample}


def _points_in(store: _Store, program: str, kode: str) -> list[dict[str, Any]]:
    """Matched rows of a point program in one kelurahan (also those without coordinates)."""
    info = store.infos.get(program)
    if info is None:
        return []
    rows = _point_rows(store, info, Filters())
    rows = rows[rows["kode"] == kode]
    keep = ["nama", "tema", "alamat", "lat", "lon"]
    keep += [m.key for m in PROGRAMS[program].measures if m.key in rows.columns]
    return [jsonsafe.to_jsonable(r) for r in rows[keep].to_dict(orient="records")]


def kelurahan_profile(session: Session, active: ActiveVersions, kode: str,
                      lang: str = "id") -> dict[str, Any]:
    """Every program's figures for one kelurahan, with ranks in its kecamatan and the city,
    its names, area and population, and the kampung tematik, KWT and ecofarm in it.

    GeoappError 400 for a malformed kode, 404 for a kode not in the city.
    """
    kode = check_kode(kode)
    lang = normalise_lang(lang)
    store = _store(session, active)
    infos = store.infos
    base = _boundaries().set_index("kode").loc[kode]
    figures = [_figure(_area(store, d, Filters()), kode, lang)
               for d in _available(infos) if d.kind == "area"]
    for item in figures:
        item["source"] = source_text(item["program"], infos.get(item["program"]), lang)
    population = _population(store)
    return {
        "kode": kode, "nama": str(base["nama"]), "kode_kecamatan": str(base["kode_kecamatan"]),
        "nama_kecamatan": str(base["nama_kecamatan"]), "luas_km2": _number(base["luas_km2"]),
        "penduduk": _number(population.get(kode)) if population is not None else None,
        "figures": figures,
        "points": {p: _points_in(store, p, kode) for p in ("kampung", "kwt", "ecofarm")},
        "sample": any(info.sample for info in infos.values()),
        "sources": {p: source_text(p, info, lang) for p, info in infos.items()},
    }


def _main_def(program: str) -> LayerDef:
    key = MAIN_LAYER[program]
    return LAYERS.get(key) or _COUNT_LAYERS[program]


def kelurahan_summary(session: Session, active: ActiveVersions) -> list[dict[str, Any]]:
    """Per kelurahan: kode, names, luas_km2 and each active program's main figure
    (``figures``: program -> value, None = no data)."""
    store = _store(session, active)
    values = {p: _area(store, _main_def(p), Filters()).frame.set_index("kode")["value"]
              for p in PROGRAMS if p in store.infos}
    out = []
    for row in _boundaries().itertuples(index=False):
        out.append({"kode": row.kode, "nama": row.nama, "kode_kecamatan": row.kode_kecamatan,
                    "nama_kecamatan": row.nama_kecamatan, "luas_km2": _number(row.luas_km2),
                    "figures": {p: _number(v.get(row.kode)) for p, v in values.items()}})
    return out
