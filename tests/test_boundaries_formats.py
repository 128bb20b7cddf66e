"""Boundaries as they really come: GeoParquet and FlatGeobuf, collections, hard repairs,
kecamatan names from the shipped gazetteer (tiny hand-made data)."""

from __future__ import annotations

import io

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.errors import GEOSException
from shapely.geometry import box

from geoapp.core.errors import GeoappError
from geoapp.io.boundaries import detect_format, load_boundaries
from geoapp.io.boundaries import repair as repair_module

# Two real Kota Tangerang Selatan kelurahan codes with hand-made squares.
CODES = ["36.74.01.1001", "36.74.01.1002"]


def frame(geoms, codes=CODES, **extra) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"kode": codes, "nama": ["A", "B"], **extra}, geometry=geoms,
                            crs="EPSG:4326")


def squares() -> list:
    return [box(106.70, -6.30, 106.71, -6.29), box(106.71, -6.30, 106.72, -6.29)]


def parquet_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    buf = io.BytesIO()
    gdf.to_parquet(buf)
    return buf.getvalue()


def fgb_bytes(gdf: gpd.GeoDataFrame, tmp_path) -> bytes:
    path = tmp_path / "b.fgb"
    gdf.to_file(path, driver="FlatGeobuf")
    return path.read_bytes()


def test_geoparquet_upload_bytes_and_path(tmp_path):
    raw = parquet_bytes(frame(squares()))
    assert detect_format(raw) == "geoparquet"
    bs = load_boundaries(raw, filename="desa.parquet")
    assert bs.report.driver == "GeoParquet"
    assert list(bs.frame.kode) == CODES
    path = tmp_path / "desa.parquet"
    path.write_bytes(raw)
    assert load_boundaries(path).report.feature_count == 2


def test_flatgeobuf_upload_bytes(tmp_path):
    raw = fgb_bytes(frame(squares()), tmp_path)
    assert detect_format(raw) == "flatgeobuf"
    bs = load_boundaries(raw, filename="desa.fgb")
    assert bs.report.driver == "FlatGeobuf"
    assert bs.frame.luas_km2.gt(1).all()


def test_plain_parquet_and_damaged_parquet_are_clear_errors():
    buf = io.BytesIO()
    pd.DataFrame({"kode": CODES}).to_parquet(buf)
    with pytest.raises(GeoappError) as err:
        load_boundaries(buf.getvalue())
    assert err.value.code == "boundaries.parquet_not_geo"
    raw = parquet_bytes(frame(squares()))
    cut = raw[:40] + raw[-8:]                       # magic at both ends, body missing
    with pytest.raises(GeoappError) as err:
        load_boundaries(cut)
    assert err.value.code == "boundaries.parquet_unreadable"


def test_geometry_collection_keeps_polygonal_parts():
    a, b = squares()
    collection = shapely.GeometryCollection([a, shapely.LineString([(0, 0), (1, 1)])])
    bs = load_boundaries(parquet_bytes(frame([collection, b])))
    geom = bs.frame.set_index("kode").geometry[CODES[0]]
    assert geom.geom_type == "Polygon" and geom.equals(a)
    assert bs.report.repaired == [CODES[0]]
    assert "boundaries.collections" in [n.key for n in bs.report.notes]


def test_collection_without_polygon_is_refused_clearly():
    line = shapely.GeometryCollection([shapely.LineString([(106.7, -6.3), (106.8, -6.2)])])
    with pytest.raises(GeoappError) as err:
        load_boundaries(parquet_bytes(frame([line, squares()[1]])))
    assert err.value.code == "boundaries.not_polygon"


def test_make_valid_failure_falls_back_to_buffer(monkeypatch):
    def mixed(_geom):
        raise GEOSException("IllegalArgumentException: Overlay input is mixed-dimension")

    monkeypatch.setattr(repair_module.shapely, "make_valid", mixed)
    bowtie = shapely.Polygon([(106.70, -6.30), (106.71, -6.29), (106.71, -6.30),
                              (106.70, -6.29)])
    bs = load_boundaries(parquet_bytes(frame([bowtie, squares()[1]])))
    fixed = bs.frame.set_index("kode").geometry[CODES[0]]
    assert fixed.is_valid and fixed.area > 0
    assert bs.report.repaired == [CODES[0]]


def test_repair_one_handles_every_step():
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    fixed = repair_module.repair_one(bowtie)
    assert fixed.is_valid and fixed.area == pytest.approx(0.5)
    assert repair_module.repair_one(shapely.LineString([(0, 0), (1, 1)])) is None


def test_kode_and_nama_only_get_names_from_the_shipped_gazetteer():
    bs = load_boundaries(parquet_bytes(frame(squares())))
    assert set(bs.frame.nama_kecamatan) == {"Serpong"}
    assert bs.report.areas == {"36": "Banten", "36.74": "Kota Tangerang Selatan"}
    assert "boundaries.kecamatan_from_gazetteer" in [n.key for n in bs.report.notes]


def test_unknown_codes_keep_empty_kecamatan_names():
    bs = load_boundaries(parquet_bytes(frame(squares(), codes=["32.99.01.1001",
                                                               "32.99.01.1002"])))
    assert "boundaries.no_kecamatan_name" in [n.key for n in bs.report.notes]
    assert bs.report.areas == {"32": "Jawa Barat"}


# A real geometry on which shapely.make_valid raises "Overlay input is mixed-dimension":
# desa 52.71.01.1004 Ampenan Selatan (Kota Mataram) as it is in the 50 m simplified national
# file built from cahyadsn/wilayah_boundaries (MIT, (c) 2024 cahya dsn): a degenerate part of
# four identical points next to the real polygon. Copied here as WKT, unchanged.
MIXED_DIMENSION_WKT = (
    "MULTIPOLYGON (((116.07106 -8.58006, 116.07106 -8.58006, 116.07106 -8.58006, "
    "116.07106 -8.58006)), ((116.08167 -8.57422, 116.07917 -8.57897, 116.07738 -8.57901, "
    "116.07803 -8.58115, 116.07641 -8.58114, 116.0772 -8.58339, 116.07695 -8.58972, "
    "116.07551 -8.58805, 116.07217 -8.58706, 116.0709 -8.57694, 116.07577 -8.57721, "
    "116.07629 -8.57536, 116.07861 -8.57406, 116.07843 -8.57325, 116.08167 -8.57422)))")


def test_real_mixed_dimension_geometry_is_repaired_not_a_stack_trace():
    geom = shapely.from_wkt(MIXED_DIMENSION_WKT)
    with pytest.raises(GEOSException):
        shapely.make_valid(geom)                     # what the issue reported
    bs = load_boundaries(parquet_bytes(frame([geom, box(116.0, -8.6, 116.01, -8.59)],
                                             codes=["52.71.01.1004", "52.71.01.1005"])))
    fixed = bs.frame.set_index("kode").geometry["52.71.01.1004"]
    assert fixed.is_valid and fixed.geom_type == "Polygon" and fixed.area > 1e-5
    assert bs.report.repaired == ["52.71.01.1004"]
    assert bs.frame.set_index("kode").nama_kecamatan["52.71.01.1004"] == "Ampenan"
