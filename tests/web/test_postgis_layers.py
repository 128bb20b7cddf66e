"""Every layer's GeoJSON and vector tiles from PostGIS equal the SQLite/Python path
(marker ``postgres``): the seeded sample data imported into a SQLite app and into a
PostgreSQL app; the same numbers and properties, geometries equal within tolerance.
The app on PostGIS also locates upload coordinates in the database."""

from __future__ import annotations

import json
import math

import numpy as np
import pyogrio
import pytest
import shapely
from postgres import pg_url  # noqa: F401  (fixture)
from sample_app import make_app as make_sqlite_app
from sqlalchemy import text
from sqlalchemy.orm import Session

from geoapp.imports.pipeline import MatchOptions, gazetteer_for, run_match
from geoapp.imports.staging import import_sample_data
from geoapp.matching.locator import current_locator
from geoapp.ogc.crs import EPSG4326
from geoapp.ogc.tiles import tile_bounds
from geoapp.store import create_engine_for, init_db
from geoapp.store.postgis.locate import PostgisLocator
from geoapp.web import create_app

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgis_app(pg_url, sample_dir, tmp_path):  # noqa: F811
    engine = create_engine_for(pg_url)
    init_db(engine)
    with Session(engine) as session:
        import_sample_data(session, sample_dir)
    engine.dispose()
    app = create_app({"INSTANCE_PATH": str(tmp_path / "pg"), "DATABASE_URL": pg_url,
                      "TESTING": True, "LOAD_SAMPLE_DATA": False,
                      "CREATE_DEFAULT_PLANNER": False})
    yield app
    app.extensions["geoapp_db"]["engine"].dispose()


@pytest.fixture
def sqlite_app(sample_dir, tmp_path):
    instance = tmp_path / "lite"
    engine = create_engine_for(instance / "geoapp.sqlite3")
    init_db(engine)
    with Session(engine) as session:
        import_sample_data(session, sample_dir)
    engine.dispose()
    app = make_sqlite_app(instance, DATABASE_URL=f"sqlite:///{instance / 'geoapp.sqlite3'}")
    yield app
    app.extensions["geoapp_db"]["engine"].dispose()


def _same_value(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12)
    return a == b


def _same_properties(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)


def _geometry(feature: dict):
    return None if feature["geometry"] is None else shapely.geometry.shape(feature["geometry"])


def _layer_keys(client) -> list[str]:
    listing = client.get("/api/layers").get_json()
    items = listing if isinstance(listing, list) else listing["layers"]
    return sorted(item["key"] for item in items if item.get("available", True))


def _gis_layers(app) -> int:
    with app.extensions["geoapp_db"]["engine"].connect() as connection:
        return connection.execute(text("SELECT count(*) FROM gis_layers")).scalar()


def test_every_layer_geojson_equals_the_python_path(sqlite_app, postgis_app):
    lite, gis = sqlite_app.test_client(), postgis_app.test_client()
    keys = _layer_keys(lite)
    assert keys == _layer_keys(gis) and len(keys) >= 10
    identical = 0
    for key in keys:
        a = lite.get(f"/api/layers/{key}.geojson")
        b = gis.get(f"/api/layers/{key}.geojson")
        assert a.status_code == b.status_code == 200, key
        fa, fb = json.loads(a.data)["features"], json.loads(b.data)["features"]
        assert fa, key
        _same_features(fa, fb, key)
        identical += a.data == b.data
    assert _gis_layers(postgis_app) == len(keys)   # each written by PostGIS
    assert identical >= len(keys) - 2               # nearly always byte for byte


def _same_features(fa: list, fb: list, where: str) -> None:
    assert len(fa) == len(fb), where
    for one, two in zip(fa, fb, strict=True):
        assert one.get("id") == two.get("id"), where
        assert _same_properties(one["properties"], two["properties"]), (where, one, two)
        ga, gb = _geometry(one), _geometry(two)
        assert (ga is None) == (gb is None), where
        assert ga is None or shapely.equals_exact(ga, gb, tolerance=2e-6), where


def test_ogc_items_equal_the_python_path(sqlite_app, postgis_app):
    lite, gis = sqlite_app.test_client(), postgis_app.test_client()
    collections = sorted(c["id"] for c in lite.get("/ogc/collections?f=json").get_json()[
        "collections"])
    for cid in collections:
        for crs in ("", f"&crs={EPSG4326}"):
            url = f"/ogc/collections/{cid}/items?f=json&limit=1000{crs}"
            a, b = lite.get(url), gis.get(url)
            assert a.status_code == b.status_code == 200, url
            fa, fb = json.loads(a.data)["features"], json.loads(b.data)["features"]
            assert fa, url
            _same_features(fa, fb, url)


def test_finder_places_geojson_equals_the_python_path(sqlite_app, postgis_app):
    lite, gis = sqlite_app.test_client(), postgis_app.test_client()
    before = _gis_layers(postgis_app)
    for query in ("", "?lat=-6.17&lon=106.63"):
        a, b = lite.get(f"/kampung/export.geojson{query}"), gis.get(
            f"/kampung/export.geojson{query}")
        assert a.status_code == b.status_code == 200
        fa, fb = json.loads(a.data)["features"], json.loads(b.data)["features"]
        assert len(fa) >= 10
        _same_features(fa, fb, query)
        assert a.data == b.data
    assert _gis_layers(postgis_app) == before + 2   # the places, stored as points


def _decoded(body: bytes, z: int, x: int, y: int, folder) -> list[tuple[dict, object]]:
    if not body:
        return []
    path = folder / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    frame = pyogrio.read_dataframe(path)
    names = [c for c in frame.columns if c not in ("geometry", "mvt_id")]
    out = []
    for row, geom in zip(frame[names].to_dict("records"), frame.geometry, strict=True):
        props = {k: (int(v) if isinstance(v, bool | np.bool_) else v) for k, v in row.items()
                 if v is not None and not (isinstance(v, float) and math.isnan(v))}
        out.append((props, geom))
    return sorted(out, key=lambda item: json.dumps(item[0], sort_keys=True, default=str))


def _close(ga, gb, unit: float) -> bool:
    """Points within a tile unit; polygons covering the same area within 0.1% (both
    writers snap to the 4096 grid, and may drop a different one-unit-wide sliver)."""
    if ga.geom_type.removeprefix("Multi") != gb.geom_type.removeprefix("Multi"):
        return False
    if ga.area == 0:
        return shapely.hausdorff_distance(ga, gb) <= unit
    return ga.symmetric_difference(gb).area <= 1e-3 * ga.area + 4 * unit**2


def _tiles() -> list[tuple[int, int, int]]:
    """The zoom 12 tiles over Kota Tangerang and a zoom 14 tile cut by kelurahan edges."""
    out = []
    for z, lon, lat in ((12, 106.58, -6.14), (12, 106.68, -6.22), (14, 106.64, -6.18)):
        n = 2**z
        out.append((z, int((lon + 180) / 360 * n),
                    int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)))
    return out


def test_vector_tiles_decode_to_the_same_features(sqlite_app, postgis_app, tmp_path):
    lite, gis = sqlite_app.test_client(), postgis_app.test_client()
    collections = sorted(c["id"] for c in lite.get("/ogc/collections?f=json").get_json()[
        "collections"])
    assert len(collections) >= 10
    compared = 0
    for cid in collections:
        for z, x, y in _tiles():
            url = f"/ogc/collections/{cid}/tiles/{z}/{x}/{y}.mvt"
            a, b = lite.get(url), gis.get(url)
            assert a.status_code == b.status_code, url
            da = _decoded(a.data, z, x, y, tmp_path / "a" / cid)
            db = _decoded(b.data, z, x, y, tmp_path / "b" / cid)
            assert [p for p, _ in da] == [p for p, _ in db] or all(
                _same_properties(p, q) for (p, _), (q, _) in zip(da, db, strict=True)), url
            west, _, east, _ = tile_bounds(z, x, y)
            unit = (east - west) / 360 * 40_075_016.7 / 4096   # one tile unit in metres
            for (_, ga), (_, gb) in zip(da, db, strict=True):
                assert _close(ga, gb, unit), (url, ga.wkt[:80])
            compared += len(da)
    assert compared > 100


def _coordinates_csv(gaz) -> bytes:
    """A tiny upload: one place inside each of the first 30 kelurahan, one on a shared
    corner, one in the sea north of the city."""
    inner = shapely.get_coordinates(shapely.point_on_surface(gaz.geometry[:30]))
    corner = shapely.get_coordinates(shapely.boundary(gaz.geometry[0]))[0]
    rows = [*inner, corner, (106.6, -5.9)]
    lines = ["nama_usaha;lintang;bujur"] + [
        f"Usaha {i};{lat:.7f};{lon:.7f}" for i, (lon, lat) in enumerate(rows)]
    return "\n".join(lines).encode("utf-8")


def test_the_app_locates_coordinates_in_postgis(postgis_app, monkeypatch):
    calls = []
    real = PostgisLocator.locate
    monkeypatch.setattr(PostgisLocator, "locate",
                        lambda self, *a: calls.append(len(a[1])) or real(self, *a))
    with postgis_app.app_context():
        gaz = gazetteer_for(None)
        assert isinstance(current_locator(gaz), PostgisLocator)
        data = _coordinates_csv(gaz)
        in_postgis = run_match(data, "usaha.csv", MatchOptions(allow_nothing_matched=True))
    assert calls == [32]
    with postgis_app.extensions["geoapp_db"]["engine"].connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM gis_boundaries")).scalar()
    assert count == len(gaz) == 104
    assert current_locator(gaz) is None    # outside the app: the shapely path
    in_python = run_match(data, "usaha.csv", MatchOptions(allow_nothing_matched=True))
    assert calls == [32]
    for name in ("kode", "status", "method", "note"):
        assert list(getattr(in_postgis.result, name)) == list(getattr(in_python.result, name))
    assert in_postgis.ledger == in_python.ledger
    assert sum(k is not None for k in in_postgis.result.kode) == 31
