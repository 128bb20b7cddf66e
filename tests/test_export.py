"""Export: RFC 7946 GeoJSON, formula-safe CSV, GeoPackage."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon, box

from geoapp.core.errors import GeoappError
from geoapp.io.boundaries import load_boundaries
from geoapp.io.export import csv_safe_frame, csv_safe_value, geojson_bytes, layer_bytes, write_layer

DATA = Path(__file__).parent / "data" / "boundaries"
REAL = Path(__file__).parent.parent / "data" / "boundaries" / "kota_tangerang_kelurahan.geojson"


def strict_loads(raw: bytes) -> dict:
    def refuse(name: str) -> None:
        raise AssertionError(f"non-JSON constant {name}")
    return json.loads(raw.decode("utf-8"), parse_constant=refuse)


def exterior_rings(doc: dict):
    for feat in doc["features"]:
        geom = feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for rings in polys:
            yield rings[0], rings[1:]


def decimals(raw: bytes) -> int:
    coords = raw.decode().split('"coordinates":', 1)[1]
    return max((len(d) for d in re.findall(r"\.(\d+)", coords)), default=0)


@pytest.fixture
def ring_layer() -> gpd.GeoDataFrame:
    """Clockwise exterior with an anticlockwise hole (the wrong way round for RFC 7946)."""
    shell = [(107.6, -6.9), (107.62, -6.9), (107.62, -6.92), (107.6, -6.92)]
    hole = [(107.605, -6.905), (107.605, -6.915), (107.615, -6.915), (107.615, -6.905)]
    poly = Polygon(shell, [hole])
    assert not shapely.is_ccw(poly.exterior) and shapely.is_ccw(poly.interiors[0])
    return gpd.GeoDataFrame({"kode": ["32.99.01.1001"], "x": [np.nan]}, geometry=[poly],
                            crs="EPSG:4326")


def test_default_boundaries_round_trip_byte_for_byte():
    assert geojson_bytes(load_boundaries().frame) == REAL.read_bytes()


def test_winding_holes_and_no_crs_member(ring_layer):
    raw = geojson_bytes(ring_layer)
    doc = strict_loads(raw)
    assert "crs" not in doc
    for exterior, holes in exterior_rings(doc):
        assert shapely.is_ccw(shapely.LinearRing(exterior))
        assert holes and all(not shapely.is_ccw(shapely.LinearRing(h)) for h in holes)
    assert doc["features"][0]["properties"] == {"kode": "32.99.01.1001", "x": None}


def test_shapefile_rings_are_rewound():
    frame = load_boundaries(DATA / "tiny_shapefile.zip").frame
    assert not shapely.is_ccw(frame.geometry.iloc[0].exterior)       # shapefile: clockwise
    doc = strict_loads(geojson_bytes(frame))
    assert all(shapely.is_ccw(shapely.LinearRing(ext)) for ext, _ in exterior_rings(doc))


def test_reprojects_to_lon_lat():
    frame = load_boundaries(DATA / "tiny_kelurahan.geojson").frame
    doc = strict_loads(geojson_bytes(frame.to_crs(32748)))
    x, y = doc["features"][0]["geometry"]["coordinates"][0][0]
    assert 107.59 < x < 107.63 and -6.93 < y < -6.89


@pytest.mark.parametrize("precision", [0, 3, 6])
def test_precision_limits_decimals(precision):
    poly = box(106.123456789, -6.987654321, 106.2234567891, -6.887654321)
    layer = gpd.GeoDataFrame({"a": [1]}, geometry=[poly], crs=4326)
    raw = geojson_bytes(layer, precision=precision)
    assert decimals(raw) <= precision
    if precision == 6:
        assert "106.123457" in raw.decode()


def test_shared_vertices_stay_shared_after_rounding():
    shared = (106.1234565, -6.1234565)                 # a rounding tie in decimal
    left = Polygon([(106.1, -6.1), shared, (106.1, -6.2)])
    right = Polygon([shared, (106.2, -6.1), (106.2, -6.2)])
    layer = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[left, right], crs=4326)
    doc = strict_loads(geojson_bytes(layer, precision=6))
    sets = [{tuple(p) for p in ext} for ext, _ in exterior_rings(doc)]
    common = sets[0] & sets[1]
    assert len(common) == 1
    assert all(len(str(v).split(".")[1]) <= 6 for v in next(iter(common)))


def test_properties_are_json_safe():
    layer = gpd.GeoDataFrame({
        "n": np.array([1, 2], dtype=np.int64),
        "f": [np.inf, np.float32(0.5)],
        "na": pd.array([pd.NA, 3], dtype="Int64"),
        "t": pd.to_datetime(["2024-01-02", None]),
        "b": np.array([True, False]),
        "s": ["é", None],
    }, geometry=[box(0, 0, 1, 1), None], crs=4326)
    raw = geojson_bytes(layer)
    assert b"NaN" not in raw and b"Infinity" not in raw
    doc = strict_loads(raw)
    first, second = (f["properties"] for f in doc["features"])
    assert first == {"n": 1, "f": None, "na": None, "t": "2024-01-02T00:00:00", "b": True,
                     "s": "é"}
    assert second["f"] == 0.5 and second["na"] == 3 and second["t"] is None
    assert doc["features"][1]["geometry"] is None
    only = strict_loads(geojson_bytes(layer, properties=["s", "n"]))
    assert list(only["features"][0]["properties"]) == ["s", "n"]


def test_unknown_property_is_a_user_error():
    layer = gpd.GeoDataFrame({"a": [1]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    with pytest.raises(GeoappError) as err:
        geojson_bytes(layer, properties=["a", "zz"])
    assert "zz" in err.value.text("id") and "a" in err.value.text("id")


@pytest.mark.parametrize("bad", [-1, 16, 2.5, "6", True])
def test_bad_precision_is_a_user_error(bad):
    layer = gpd.GeoDataFrame({"a": [1]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    with pytest.raises(GeoappError) as err:
        geojson_bytes(layer, precision=bad)
    assert "precision" in err.value.text("en")


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("+62 812 555", "'+62 812 555"),
    ("\tTAB", "'\tTAB"),
    ("\rCR", "'\rCR"),
    ("  =HYPERLINK(\"x\")", "'  =HYPERLINK(\"x\")"),
    ("-", "-"),
    ("-6.1234", "-6.1234"),
    ("-6,1234", "-6,1234"),
    ("-5", "-5"),
    ("+62", "+62"),
    ("-1.234.567,50", "-1.234.567,50"),
    ("Kelurahan Sukarasa", "Kelurahan Sukarasa"),
    ("a=b", "a=b"),
    ("", ""),
    (-5, -5),
    (None, None),
])
def test_csv_safe_value(value, expected):
    assert csv_safe_value(value) == expected


def test_csv_safe_frame_keeps_numbers_and_guards_headers():
    df = pd.DataFrame({"=x": ["=1+1", "ok"], "num": [-1.5, 2.0], "n": [-3, 4],
                       "mixed": ["@a", 5]})
    out = csv_safe_frame(df)
    assert list(out.columns) == ["'=x", "num", "n", "mixed"]
    assert out["'=x"].tolist() == ["'=1+1", "ok"]
    assert out["num"].dtype == np.float64 and out["num"].tolist() == [-1.5, 2.0]
    assert out["n"].dtype == np.int64
    assert out["mixed"].tolist() == ["'@a", 5]
    assert df["=x"].tolist() == ["=1+1", "ok"]          # input untouched


def test_write_csv_has_centroids_and_guards(tmp_path):
    frame = load_boundaries(DATA / "tiny_kelurahan.geojson").frame
    frame["catatan"] = ["=cmd", "aman", None, "-7"]
    path = write_layer(frame, tmp_path / "out.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype={"catatan": str})
    assert list(back.columns) == ["kode", "nama", "kode_kecamatan", "nama_kecamatan",
                                  "luas_km2", "catatan", "lon", "lat"]
    assert back["catatan"].tolist()[:2] == ["'=cmd", "aman"] and back["catatan"][3] == "-7"
    assert back["lon"][0] == pytest.approx(107.605, abs=1e-5)
    assert back["lat"][0] == pytest.approx(-6.905, abs=1e-5)
    assert back["luas_km2"].dtype == np.float64


def test_gpkg_round_trip(tmp_path):
    frame = load_boundaries(DATA / "tiny_kelurahan.geojson").frame
    frame["jumlah"] = [1, 0, 3, 2]
    frame["nilai"] = [1.5, np.nan, 0.0, 2.0]
    path = write_layer(frame.to_crs(32748), tmp_path / "out.gpkg", layer_name="kelurahan")
    assert pyogrio.list_layers(path)[0][0] == "kelurahan"
    back = pyogrio.read_dataframe(path)
    assert back.crs.to_epsg() == 4326
    assert back["kode"].tolist() == frame["kode"].tolist()
    assert back["jumlah"].tolist() == [1, 0, 3, 2]
    assert np.isnan(back["nilai"][1]) and back["nilai"][2] == 0.0
    for got, want in zip(back.geometry, frame.geometry, strict=True):
        assert got.equals_exact(want, 1e-7)


def test_layer_bytes_formats():
    frame = load_boundaries(DATA / "tiny_kelurahan.geojson").frame
    assert layer_bytes(frame, "gpkg").startswith(b"SQLite format 3\x00")
    assert layer_bytes(frame, ".GeoJSON") == geojson_bytes(frame)
    assert layer_bytes(frame, "json") == geojson_bytes(frame)
    assert layer_bytes(frame, "csv").decode("utf-8-sig").startswith("kode,nama,")


@pytest.mark.parametrize("name", ["out.shp", "out.kml", "out"])
def test_unknown_extension_lists_allowed(tmp_path, name):
    frame = load_boundaries(DATA / "tiny_kelurahan.geojson").frame
    with pytest.raises(GeoappError) as err:
        write_layer(frame, tmp_path / name)
    text = err.value.text("en")
    assert ".geojson" in text and ".csv" in text and ".gpkg" in text
    assert not (tmp_path / name).exists()


def test_write_geojson_file(tmp_path):
    frame = load_boundaries(DATA / "tiny_kelurahan.geojson").frame
    path = write_layer(frame, tmp_path / "out.geojson")
    assert path.read_bytes() == geojson_bytes(frame)
    assert len(strict_loads(path.read_bytes())["features"]) == 4
