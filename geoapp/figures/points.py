"""Point layers: the matched places of a point program (KWT, ecofarm, kampung tematik)
that have coordinates. Core module: no Flask."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from sqlalchemy.orm import Session

from geoapp.core.programs import PROGRAMS, Program
from geoapp.figures.catalog import LayerData, LayerDef, check_kind, get_layer_def
from geoapp.figures.filters import NO_FILTERS, Filters, selected
from geoapp.figures.results import cache_key, layer_data, ledger, private_copy
from geoapp.figures.rows import ActiveData, boundaries
from geoapp.maps.palettes import theme_order
from geoapp.store.active import ActiveVersions, DatasetInfo

POINT_COLUMNS = ["nama", "tema", "kode", "nama_kelurahan", "kode_kecamatan", "nama_kecamatan",
                 "alamat"]


def point_rows(data: ActiveData, info: DatasetInfo, filters: Filters) -> pd.DataFrame:
    """Matched rows of a point program with kelurahan names, filtered (incl. kecamatan)."""
    rows = data.rows(info)
    rows = rows[selected(rows, filters) & (rows["status"] == "matched")]
    names = boundaries().set_index("kode")[["nama", "kode_kecamatan", "nama_kecamatan"]]
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


def _compute_points(data: ActiveData, definition: LayerDef, filters: Filters) -> LayerData:
    program = PROGRAMS[definition.program]
    info = data.infos.get(program.key)
    if info is None:
        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in POINT_COLUMNS}
                             | {"lat": pd.Series([], dtype=float),
                                "lon": pd.Series([], dtype=float)})
        return layer_data(definition, _point_frame(empty, program), None, {"rows": 0})
    rows = point_rows(data, info, filters)
    frame = _point_frame(rows, program)
    all_rows = data.rows(info)
    counts = ledger(all_rows[selected(all_rows, filters)], None)
    counts.update(points=int(len(frame)), without_coordinates=int(len(rows) - len(frame)))
    return layer_data(definition, frame, info, counts)


def point_layer(session: Session, active: ActiveVersions, key: str,
                filters: Filters = NO_FILTERS) -> LayerData:
    """One row per matched point with coordinates: nama, tema (or None), kode, kelurahan
    and kecamatan names, alamat, the program's measures (by Measure.key), lat, lon.

    Matched rows without coordinates are not placed anywhere (a wrong place is worse than
    none); ``ledger["without_coordinates"]`` counts them. ``theme_order`` lists the themes
    of the unfiltered layer, so a theme keeps its colour under any filter.
    """
    definition = get_layer_def(key)
    check_kind(definition, "points", "area_layer")
    data = ActiveData.read(session, active)
    key_ = cache_key("figures.points", definition, filters, data.infos)
    result = private_copy(data.cached(key_, lambda: _compute_points(data, definition, filters)))
    whole = result if filters == NO_FILTERS else point_layer(session, active, key)
    if "tema" in whole.frame.columns:
        result.theme_order = theme_order(whole.frame["tema"].dropna().astype(str))
    return result
