"""Vector tiles of the /ogc collections: decoded with GDAL's MVT reader (pyogrio)."""

from __future__ import annotations

import math

import pyogrio

from geoapp.ogc.tiles import tile_bounds

MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def decode(body: bytes, z: int, x: int, y: int, tmp_path):
    """A tile read back by GDAL (the path z/x/y.pbf tells GDAL where the tile is)."""
    path = tmp_path / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return pyogrio.read_dataframe(path)


def test_tile_bounds_of_the_whole_world():
    assert tile_bounds(0, 0, 0)[0] == -180 and math.isclose(tile_bounds(0, 0, 0)[3], 85.0511,
                                                            abs_tol=1e-4)


def test_a_point_tile_holds_the_points_inside_it(shared_sample_client, tmp_path):
    points = shared_sample_client.get("/api/layers/kwt-titik.geojson").get_json(force=True)
    lon, lat = points["features"][0]["geometry"]["coordinates"]
    z = 14
    x, y = tile_of(lon, lat, z)
    response = shared_sample_client.get(f"/ogc/collections/kwt-titik/tiles/{z}/{x}/{y}.mvt")
    assert response.status_code == 200 and response.mimetype == MVT
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    west, south, east, north = tile_bounds(z, x, y)
    inside = sorted(f["properties"]["nama"] for f in points["features"]
                    if west <= f["geometry"]["coordinates"][0] < east
                    and south < f["geometry"]["coordinates"][1] <= north)
    frame = decode(response.data, z, x, y, tmp_path)
    assert sorted(frame["nama"]) == inside and len(inside) >= 1
    same = shared_sample_client.get(
        f"/ogc/collections/kwt-titik/tiles/WebMercatorQuad/{z}/{y}/{x}")
    assert same.data == response.data
    again = shared_sample_client.get(f"/ogc/collections/kwt-titik/tiles/{z}/{x}/{y}.mvt",
                                     headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_area_tiles_cover_every_kelurahan(shared_sample_client, tmp_path):
    z = 11
    west_x, north_y = tile_of(106.55, -6.09, z)
    east_x, south_y = tile_of(106.75, -6.27, z)
    found: set[str] = set()
    for x in range(west_x, east_x + 1):
        for y in range(north_y, south_y + 1):
            url = f"/ogc/collections/umkm-kelompok-km2/tiles/{z}/{x}/{y}.mvt"
            response = shared_sample_client.get(url)
            if response.status_code == 200:
                frame = decode(response.data, z, x, y, tmp_path / f"{x}-{y}")
                found |= set(frame["kode"])
                assert {"value", "kelompok_per_km2", "sample"} <= set(frame.columns)
    assert len(found) == 104


def test_empty_and_impossible_tiles(shared_sample_client):
    assert shared_sample_client.get("/ogc/collections/kelurahan/tiles/5/0/0.mvt"
                                    ).status_code == 204
    for url in ("/ogc/collections/kelurahan/tiles/3/8/0.mvt",
                "/ogc/collections/kelurahan/tiles/30/0/0.mvt",
                "/ogc/collections/nope/tiles/1/0/0.mvt"):
        response = shared_sample_client.get(url)
        assert response.status_code == 404 and response.get_json()["description"]
