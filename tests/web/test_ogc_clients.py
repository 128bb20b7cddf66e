"""Real OGC API - Features clients against a real threaded server on 127.0.0.1.

- GDAL's OAPIF driver (in the pyogrio wheels) reads every collection; features, values
  and geometry are checked against ``/api/layers/<key>.geojson`` (the boundaries against
  the boundary set), paging with a page size below the number of features.
  geoapp keeps GDAL's network drivers (OAPIF included) switched off in its own process
  (``GDAL_SKIP`` in ``geoapp/__init__.py``, read once when GDAL loads), so the client runs
  in a child process that never imports geoapp and has OAPIF enabled; the app's own
  safety settings stay as they are.
- OWSLib's ``Features`` lists the collections, reads items with a bbox and reads the
  OpenAPI document (checked with openapi-spec-validator).
No network: both talk to 127.0.0.1 only, with any proxy switched off.
"""

from __future__ import annotations

import math
import os
import pickle
import subprocess
import sys
import textwrap
import threading

import pytest
import shapely
from shapely.geometry import shape
from werkzeug.serving import make_server

PAGE_SIZE = 25
BOX = (106.60, -6.22, 106.66, -6.15)
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(scope="module")
def server_url(shared_sample_app):
    server = make_server("127.0.0.1", 0, shared_sample_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/ogc"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def no_proxy(monkeypatch):
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


GDAL_CLIENT = textwrap.dedent("""
    import pickle, sys
    import pyogrio
    url, out, page_size = sys.argv[1], sys.argv[2], sys.argv[3]
    BOX = tuple(float(v) for v in sys.argv[4].split(","))
    source = "OAPIF:" + url
    names = [str(n) for n, _ in pyogrio.list_layers(source)]
    frames = {n: pyogrio.read_dataframe(source, layer=n, PAGE_SIZE=page_size) for n in names}
    boxed = pyogrio.read_dataframe(source, layer="kampung-tematik", bbox=BOX)
    with open(out, "wb") as f:
        pickle.dump({"names": names, "frames": frames, "boxed": boxed}, f)
""")


def gdal_environment() -> dict[str, str]:
    """The child's environment: OAPIF not skipped, no proxy, generous HTTP timeout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GDAL_SKIP", "CPL_VSIL_CURL_ALLOWED_EXTENSIONS", *PROXY_VARS)}
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
               GDAL_HTTP_TIMEOUT="60", GDAL_HTTP_MAX_RETRY="0", CPL_CURL_GZIP="NO")
    return env


@pytest.fixture(scope="module")
def gdal_read(server_url, tmp_path_factory):
    """Every collection as GDAL's OAPIF driver reads it (in a child process)."""
    out = tmp_path_factory.mktemp("oapif") / "read.pickle"
    script = out.with_name("client.py")
    script.write_text(GDAL_CLIENT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), server_url, str(out), str(PAGE_SIZE),
                           ",".join(map(str, BOX))],
                          env=gdal_environment(), capture_output=True, text=True, timeout=600,
                          cwd=str(out.parent))
    assert done.returncode == 0, done.stderr[-3000:]
    with open(out, "rb") as f:
        return pickle.load(f)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def same_value(got, want) -> bool:
    if _missing(want) or _missing(got):
        return _missing(want) and _missing(got)
    if isinstance(want, bool) or isinstance(got, bool):
        return bool(got) == want
    if isinstance(want, int | float):
        return math.isclose(float(got), float(want), rel_tol=1e-12, abs_tol=1e-12)
    return str(got) == str(want)


def test_gdal_lists_every_collection(gdal_read, shared_sample_client):
    ids = [c["id"] for c in shared_sample_client.get("/ogc/collections").get_json()
           ["collections"]]
    assert gdal_read["names"] == ids and len(ids) == 14
    import pyogrio

    assert "OAPIF" not in pyogrio.list_drivers()   # still off in geoapp's own process


def test_gdal_reads_every_layer_as_the_layer_download(gdal_read, shared_sample_client):
    layers = [x["key"] for x in shared_sample_client.get("/api/layers").get_json()["layers"]]
    assert len(layers) == 12
    for key in layers:
        frame = gdal_read["frames"][key]
        expected = shared_sample_client.get(f"/api/layers/{key}.geojson").get_json(force=True)
        features = expected["features"]
        assert len(frame) == len(features) > 0, key
        assert str(frame.crs.to_authority()) in ("('OGC', 'CRS84')", "('EPSG', '4326')")
        for (_, row), want in zip(frame.iterrows(), features, strict=True):
            for name, value in want["properties"].items():
                assert same_value(row[name], value), (key, name, row[name], value)
            assert shapely.equals_exact(row.geometry, shape(want["geometry"]), 1e-9), key
            if "luas_km2" in want["properties"]:
                assert row["id"] == want["properties"]["kode"]
    assert len(gdal_read["frames"]["umkm-kelompok-km2"]) == 104 > PAGE_SIZE  # paged 5 times


def test_gdal_reads_the_boundaries(gdal_read, shared_sample_app):
    from geoapp.io.boundaries import load_boundaries, load_kecamatan

    with shared_sample_app.app_context():
        sets = {"kelurahan": load_boundaries().frame, "kecamatan": load_kecamatan()}
    for name, truth in sets.items():
        frame = gdal_read["frames"][name]
        assert list(frame["id"]) == list(truth["kode"]) == list(frame["kode"])
        assert list(frame["nama"]) == list(truth["nama"])
        for got, want in zip(frame.geometry, truth.geometry, strict=True):
            assert shapely.equals_exact(shapely.normalize(got), shapely.normalize(want), 1e-6)


def inside_box(features: list[dict]) -> list[str]:
    return [f["properties"]["nama"] for f in features
            if BOX[0] <= f["geometry"]["coordinates"][0] <= BOX[2]
            and BOX[1] <= f["geometry"]["coordinates"][1] <= BOX[3]]


def test_gdal_reads_a_bbox(gdal_read, shared_sample_client):
    everything = shared_sample_client.get("/api/layers/kampung-tematik.geojson").get_json(
        force=True)["features"]
    inside = inside_box(everything)
    assert 0 < len(inside) < len(everything)
    assert list(gdal_read["boxed"]["nama"]) == inside


def test_owslib_lists_collections_reads_bbox_items_and_the_api(server_url, no_proxy,
                                                                shared_sample_client):
    from openapi_spec_validator import validate
    from owslib.ogcapi.features import Features

    client = Features(server_url)
    assert len(client.feature_collections()) == 14
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in \
        client.conformance()["conformsTo"]
    everything = shared_sample_client.get("/api/layers/kampung-tematik.geojson").get_json(
        force=True)["features"]
    inside = inside_box(everything)
    items = client.collection_items("kampung-tematik", bbox=list(BOX), limit=100)
    assert items["numberMatched"] == len(inside) > 0
    assert [f["properties"]["nama"] for f in items["features"]] == inside
    meta = client.collection("kwt-titik")
    assert meta["title"].endswith("(Data contoh)")
    api = client.api()
    validate(api)
    assert "/collections/{collectionId}/items" in api["paths"]
