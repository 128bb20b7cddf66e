"""The public layer API: catalogue, downloads, kelurahan figures and shared boundaries."""

from __future__ import annotations

import csv
import io
import json
import re

import pyogrio
import pytest
import shapely
from shapely.geometry import shape

from geoapp.store import activate, stage_import
from geoapp.web.db import get_db

FORMATS = ("geojson", "csv", "gpkg", "png")


def _strict(body: bytes | str):
    """Parse JSON refusing NaN/Infinity."""
    def refuse(name):
        raise AssertionError(f"{name} in JSON")
    return json.loads(body, parse_constant=refuse)


@pytest.fixture
def client(shared_sample_client):
    return shared_sample_client


# --------------------------------------------------------------------------- catalogue

def test_layer_list(client):
    r = client.get("/api/layers?lang=id")
    assert r.status_code == 200 and r.headers["ETag"]
    body = _strict(r.data)
    keys = [layer["key"] for layer in body["layers"]]
    assert body["default"] == "umkm-kelompok-km2" and "kampung-tematik" in keys
    first = body["layers"][0]
    assert first["title"].startswith("Kepadatan") and first["sample"] is True
    assert first["dataset_version"] == 1 and isinstance(first["dataset_id"], int)
    assert set(first["downloads"]) == set(FORMATS)
    assert first["downloads"]["csv"] == "/api/layers/umkm-kelompok-km2.csv"
    assert body["filters"]["years"] == ["2020", "2021"]


def test_layer_list_in_english(client):
    body = client.get("/api/layers?lang=en").json
    assert body["layers"][0]["title"].startswith("Business-aid")
    client.get("/api/layers?lang=id")


def test_layer_meta_with_ledger(client):
    body = _strict(client.get("/api/layers/umkm-kelompok?year=2021").data)
    assert body["filters"]["year"] == "2021" and body["features"] == 104
    assert body["ledger"]["matched"] > 0 and "sum_not_counted" in body["ledger"]


# --------------------------------------------------------------------------- geojson

def _check_rfc7946(text: str) -> dict:
    assert "NaN" not in text and "Infinity" not in text
    for line in text.splitlines()[1:-1]:                   # one feature per line
        geometry_text = line.split('"geometry":', 1)[1]
        for number in re.findall(r"-?\d+\.\d+", geometry_text):
            assert len(number.split(".")[1]) <= 6
    doc = _strict(text)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    for feature in doc["features"]:
        geom = shape(feature["geometry"])
        minx, miny, maxx, maxy = geom.bounds
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
        polygons = getattr(geom, "geoms", [geom])
        for poly in polygons:
            if poly.geom_type == "Polygon":
                assert poly.exterior.is_ccw
                assert all(not ring.is_ccw for ring in poly.interiors)
    return doc


def test_geojson_area_layer(client):
    r = client.get("/api/layers/umkm-kelompok-km2.geojson")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    doc = _check_rfc7946(r.get_data(as_text=True))
    assert len(doc["features"]) == 104
    props = doc["features"][0]["properties"]
    for name in ("kode", "nama", "kode_kecamatan", "nama_kecamatan", "value", "rank_city",
                 "rank_kecamatan", "kelompok", "dataset_id", "dataset_version", "sample"):
        assert name in props
    assert props["sample"] is True and props["dataset_version"] == 1
    disposition = r.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="geoapp_umkm-kelompok-km2_v1_contoh.geojson"'


def test_geojson_filters_and_no_data_is_null(client):
    r = client.get("/api/layers/kwt-bibit.geojson?kecamatan=36.71.01")
    doc = _check_rfc7946(r.get_data(as_text=True))
    assert {f["properties"]["kode_kecamatan"] for f in doc["features"]} == {"36.71.01"}
    values = [f["properties"]["value"] for f in doc["features"]]
    assert None in values
    nulls = [f for f in doc["features"] if f["properties"]["value"] is None]
    assert all(f["properties"]["rank_city"] is None for f in nulls)
    assert "kec-36-71-01" in r.headers["Content-Disposition"]


def test_geojson_point_layer(client):
    doc = _check_rfc7946(client.get("/api/layers/kampung-tematik.geojson").get_data(as_text=True))
    assert doc["features"] and doc["features"][0]["geometry"]["type"] == "Point"
    assert {"nama", "tema", "nama_kelurahan"} <= set(doc["features"][0]["properties"])


def test_filter_values_are_matched_to_the_data(client):
    all_ = client.get("/api/layers/umkm-kelompok.geojson").json
    bisa = client.get("/api/layers/umkm-kelompok.geojson?subprogram=tangerang%20bisa").json
    total = sum(f["properties"]["value"] or 0 for f in all_["features"])
    part = sum(f["properties"]["value"] or 0 for f in bisa["features"])
    assert 0 < part < total


# --------------------------------------------------------------------------- csv / gpkg / png

def test_csv_download(client):
    r = client.get("/api/layers/umkm-nilai.csv?year=2020")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.headers["Content-Disposition"].endswith('_2020_v1_contoh.csv"')
    # default: for a spreadsheet in the interface language (Indonesian: ";" and ",")
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 104 and rows[0]["kode"].startswith("36.71.")
    assert {"value", "lon", "lat", "dataset_version"} <= set(rows[0])


def test_csv_guards_formulas(sample_client, sample_app):
    with sample_app.app_context():
        session = get_db()
        ds = stage_import(
            session, program="kampung", title="Uji", headers=["Nama Kampung", "Tema", "Lintang", "Bujur"],
            rows=[{"cells": ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "-6.18", "106.63"],
                   "kode": "36.71.01.1001", "status": "matched", "lat": -6.18, "lon": 106.63}],
            ledger={}, report={}, source_sha256="", source_name="k.csv", user="uji")
        activate(session, ds.id)
    text = sample_client.get("/api/layers/kampung-tematik.csv?csv=machine").data.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["nama"] == "'=HYPERLINK(\"http://x\")" and row["tema"] == "'@SUM(A1)"
    assert row["dataset_version"] == "2" and row["sample"] == "False"


def test_gpkg_is_readable(client, tmp_path):
    r = client.get("/api/layers/ecofarm-titik.gpkg")
    assert r.status_code == 200 and r.data[:16] == b"SQLite format 3\x00"
    path = tmp_path / "layer.gpkg"
    path.write_bytes(r.data)
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == 16 and frame.crs.to_epsg() == 4326
    assert set(frame["dataset_version"]) == {1}
    area = pyogrio.read_dataframe(_write(tmp_path, client.get("/api/layers/blk-peserta.gpkg")))
    assert len(area) == 104 and shapely.get_type_id(area.geometry.values).max() >= 3


def _write(tmp_path, response):
    path = tmp_path / "area.gpkg"
    path.write_bytes(response.data)
    return path


def test_png_download(client):
    r = client.get("/api/layers/umkm-kelompok-km2.png?scheme=fisher_jenks&k=4&kecamatan=36.71.07")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert r.data[:8] == b"\x89PNG\r\n\x1a\n" and len(r.data) > 10_000
    points = client.get("/api/layers/kwt-titik.png")
    assert points.status_code == 200 and points.data[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- errors

def test_unknown_key_lists_keys(client):
    r = client.get("/api/layers/kopi.geojson")
    assert r.status_code == 404 and r.json["error"] == "figures.unknown_layer"
    assert "umkm-nilai" in r.json["message"]
    assert client.get("/api/layers/kopi").status_code == 404


@pytest.mark.parametrize("name", ["umkm-nilai.shp", "umkm-nilai.json", "umkm-nilai.", "umkm-nilai.PNG"])
def test_unknown_format_is_404(client, name):
    r = client.get(f"/api/layers/{name}")
    assert r.status_code == 404 and r.is_json


@pytest.mark.parametrize("query, param", [
    ("sort=value", "sort"), ("fields=kode", "fields"), ("year=2020&where=1", "where"),
    ("scheme=quantiles", "scheme"),  # only for png
])
def test_allowlist_rejects_unknown_params(client, query, param):
    r = client.get(f"/api/layers/umkm-nilai.geojson?{query}")
    assert r.status_code == 400 and r.json["error"] == "layers_api.bad_param"
    assert f"'{param}'" in r.json["message"] and "kecamatan" in r.json["message"]


@pytest.mark.parametrize("query, param", [
    ("year=1999", "year"), ("year=2020'%20OR%201=1--", "year"), ("kecamatan=36.71.99", "kecamatan"),
    ("subprogram=Kopi", "subprogram"), ("lang=fr", "lang"),
])
def test_bad_filter_values_are_400(client, query, param):
    r = client.get(f"/api/layers/umkm-nilai.geojson?{query}")
    assert r.status_code == 400 and r.json["error"] == "layers_api.bad_value"
    assert f"'{param}'" in r.json["message"]


def test_bad_png_options_and_repeats(client):
    assert client.get("/api/layers/umkm-nilai.png?k=12").status_code == 400
    assert client.get("/api/layers/umkm-nilai.png?scheme=jenks").status_code == 400
    r = client.get("/api/layers/umkm-nilai.png?k=3&k=4")
    assert r.status_code == 400 and r.json["error"] == "layers_api.repeated_param"


def test_filter_on_a_column_the_program_lacks(client):
    r = client.get("/api/layers/blk-peserta.geojson?year=2020")
    assert r.status_code == 400 and "year" in r.json["message"]


# --------------------------------------------------------------------------- kelurahan

def test_kelurahan_list(client):
    r = client.get("/api/kelurahan")
    body = _strict(r.data)
    assert r.status_code == 200 and len(body["kelurahan"]) == 104 and r.headers["ETag"]
    assert body["kelurahan"][0]["figures"]["umkm"] is not None


def test_kelurahan_profile(client):
    body = _strict(client.get("/api/kelurahan/36.71.01.1001").data)
    assert body["nama"] == "Sukarasa" and body["figures"] and body["sample"] is True
    assert {"kampung", "kwt", "ecofarm"} == set(body["points"])


@pytest.mark.parametrize("kode, status", [("36.71.01.9999", 404), ("abc", 400),
                                          ("36.71.01.1001%27", 400)])
def test_kelurahan_bad_kode(client, kode, status):
    r = client.get(f"/api/kelurahan/{kode}")
    assert r.status_code == status and r.is_json and r.json["status"] == status


def test_kelurahan_rejects_params(client):
    assert client.get("/api/kelurahan?sort=nama").status_code == 400


# --------------------------------------------------------------------------- caching

def test_batas_etag_and_304(client):
    r = client.get("/api/batas.json")
    assert r.status_code == 200 and "max-age=" in r.headers["Cache-Control"]
    assert "public" in r.headers["Cache-Control"]
    body = _strict(r.data)
    assert len(body["kel"]["kode"]) == 104 and body["kec"] is not None
    etag = r.headers["ETag"]
    again = client.get("/api/batas.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/batas.json", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200


def test_layer_etag_304_and_new_version(sample_client, sample_app):
    url = "/api/layers/umkm-kelompok.geojson"
    first = sample_client.get(url)
    etag = first.headers["ETag"]
    assert sample_client.get(url, headers={"If-None-Match": etag}).status_code == 304
    with sample_app.app_context():
        session = get_db()
        ds = stage_import(
            session, program="umkm", title="Baru", headers=["Kode", "Jumlah Kelompok"],
            rows=[{"cells": ["36.71.01.1001", "9"], "kode": "36.71.01.1001", "status": "matched",
                   "measures": {"Jumlah Kelompok": 9}}],
            ledger={}, report={}, source_sha256="", source_name="u.csv", user="uji")
        activate(session, ds.id)
    fresh = sample_client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    values = [f["properties"]["value"] for f in fresh.json["features"]]
    assert sum(v for v in values if v is not None) == 9
    assert fresh.json["features"][0]["properties"]["dataset_version"] == 2


_ACTIVATE_ELSEWHERE = """
import sys
from geoapp.store import activate, create_engine_for, session_factory, stage_import
engine = create_engine_for(sys.argv[1])
with session_factory(engine)() as session:
    ds = stage_import(
        session, program="umkm", title="Dari CLI", headers=["Kode", "Jumlah Kelompok"],
        rows=[{"cells": ["36.71.01.1001", "4"], "kode": "36.71.01.1001", "status": "matched",
               "measures": {"Jumlah Kelompok": 4}}],
        ledger={}, report={}, source_sha256="", source_name="u.csv", user="cli")
    print(activate(session, ds.id).id)
engine.dispose()
"""


def test_a_version_activated_by_another_process_is_served_at_once(sample_client, sample_app):
    """No time-to-live guessing: another process activates, the very next request sees it."""
    import os
    import subprocess
    import sys

    url = "/api/layers/umkm-kelompok"
    assert sample_client.get(url).json["dataset_version"] == 1
    assert sample_client.get("/api/layers").json["layers"][0]["dataset_version"] == 1
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    from geoapp.store.engine import database_url

    done = subprocess.run([sys.executable, "-c", _ACTIVATE_ELSEWHERE,
                           database_url(sample_app.config)],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    body = sample_client.get(url).json
    assert body["dataset_version"] == 2 and body["dataset_id"] == int(done.stdout)
    assert sample_client.get("/api/layers").json["layers"][0]["dataset_version"] == 2
