"""Spatial work in PostGIS against the Python path, in the same run (needs PostgreSQL).

    GEOAPP_DATABASE_URL=postgresql+psycopg://... .venv/bin/python benchmarks/bench_postgis.py
    .venv/bin/python benchmarks/bench_postgis.py --database-url postgresql+psycopg://... --points 200000

Without a PostgreSQL URL (``--database-url`` or ``GEOAPP_DATABASE_URL``) it says so and
exits 0. The database needs the PostGIS extension; the benchmark works in its own schema
(``bench_postgis_<random>``, dropped at the end), migrated with ``init_db`` (0004 makes the
PostGIS tables).

1. Point in polygon: ``--points`` (default 1,000,000) seeded points to the 83,253 desa of the
   shipped national boundaries (70 % near a random desa's inner point, 30 % anywhere in
   Indonesia's box, most of those at sea) located by ``matching.spatial.locate_points``:
   shapely's STRtree in this process (the tree built beforehand) against PostGIS
   (candidates by a hash join on a grid of cells, ``ST_Intersects`` on the original
   polygons, ``DISTINCT ON`` for overlaps; the points copied in, the answer read back). Both answers are compared point by point.
2. Layer responses: the GeoJSON of a layer frame (``io.export.geojson_bytes`` against
   ``ST_AsGeoJSON``) and a vector tile (GDAL's MVT driver against ``ST_AsMVT``), for the
   104 kelurahan of Kota Tangerang and the 1,552 desa of Banten, best of ``--repeat``, with
   the frame already stored in PostGIS (the first call, which stores it, is printed apart).

Ratios are PostGIS time / Python time (below 1: PostGIS faster).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid

import numpy as np
import shapely
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from geoapp.io.boundaries import BoundaryFiles
from geoapp.io.export import geojson_bytes
from geoapp.matching import spatial
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.locator import using_locator
from geoapp.ogc.tiles import padded_bounds, tile_bytes
from geoapp.store import create_engine_for, init_db
from geoapp.store.postgis import enabled
from geoapp.store.postgis.layers import layer_geojson, layer_tile
from geoapp.store.postgis.locate import PostgisLocator


def best_of(repeat: int, func) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value


def timed(func) -> tuple[float, object]:
    return best_of(1, func)


def points(gaz: Gazetteer, n: int, seed: int = 2026) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    near = int(n * 0.7)
    inner = shapely.get_coordinates(shapely.point_on_surface(gaz.geometry))
    pick = inner[rng.integers(0, len(inner), near)]
    lon = np.concatenate([pick[:, 0] + rng.normal(0, 0.01, near),
                          rng.uniform(95.0, 141.0, n - near)])
    lat = np.concatenate([pick[:, 1] + rng.normal(0, 0.01, near),
                          rng.uniform(-11.0, 6.0, n - near)])
    order = rng.permutation(n)
    return lon[order], lat[order]


def bench_points(engine, gaz: Gazetteer, n: int) -> None:
    seconds, _ = timed(lambda: spatial._tree(gaz))
    print(f"shapely STRtree of {len(gaz):,} desa built in {seconds:.2f} s (once per process)")
    locator = PostgisLocator(engine)
    seconds, _ = timed(lambda: locator.sync(gaz))
    print(f"PostGIS sync of {len(gaz):,} desa: {seconds:.2f} s (once per boundary set)")
    lon, lat = points(gaz, n)
    python_s, python = timed(lambda: spatial.locate_points(gaz, lon, lat))
    with using_locator(locator):
        postgis_s, database = timed(lambda: spatial.locate_points(gaz, lon, lat))
    differ = int(np.sum(python.index != database.index))
    differ += int(np.sum(python.overlap != database.overlap))
    differ += sum(a != b for a, b in zip(python.others, database.others, strict=True))
    inside = int(np.sum(python.index >= 0))
    print(f"{n:,} points to {len(gaz):,} desa ({inside:,} inside a desa, "
          f"{int(python.overlap.sum()):,} in an overlap): Python {python_s:.2f} s, "
          f"PostGIS {postgis_s:.2f} s, ratio {postgis_s / python_s:.2f}; "
          f"differences: {differ}")


def bench_layers(engine, repeat: int) -> None:
    tiles = {"36.71": [(12, 3261, 2118), (14, 13045, 8474)], "36": [(8, 203, 132),
                                                                 (10, 815, 529)]}
    for wilayah, cases in tiles.items():
        frame = BoundaryFiles.for_wilayah(wilayah).boundaries().frame
        frame = frame.assign(nilai=np.arange(len(frame), dtype="float64") * 1.5)
        first, _ = timed(lambda f=frame: layer_geojson(engine, f))
        py_s, body = best_of(repeat, lambda f=frame: geojson_bytes(f))
        pg_s, same = best_of(repeat, lambda f=frame: layer_geojson(engine, f))
        print(f"GeoJSON, {len(frame):,} desa of {wilayah} ({len(body):,} bytes): Python "
              f"{py_s * 1000:.1f} ms, PostGIS {pg_s * 1000:.1f} ms (first call, storing the "
              f"frame: {first * 1000:.0f} ms), ratio {pg_s / py_s:.2f}; "
              f"byte-identical: {body == same}")
        for z, x, y in cases:
            py_s, a = best_of(repeat, lambda f=frame, t=(z, x, y): tile_bytes(f, "l", *t))
            pg_s, b = best_of(repeat, lambda f=frame, t=(z, x, y): layer_tile(
                engine, f, "l", *t, padded_bounds(*t)))
            print(f"  tile {z}/{x}/{y}: GDAL {py_s * 1000:.1f} ms ({len(a):,} bytes), "
                  f"PostGIS {pg_s * 1000:.1f} ms ({len(b):,} bytes), ratio {pg_s / py_s:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("GEOAPP_DATABASE_URL", ""))
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        print("bench_postgis: skipped, no PostgreSQL URL (give --database-url or "
              "GEOAPP_DATABASE_URL=postgresql+psycopg://...; .ci/postgres starts one)")
        return 0
    schema = f"bench_postgis_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.database_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(args.database_url).update_query_dict(
        {"options": f"-csearch_path={schema},public"}).render_as_string(hide_password=False)
    engine = create_engine_for(url)
    try:
        init_db(engine)
        if not enabled(engine):
            print("bench_postgis: skipped, the database has no PostGIS extension")
            return 0
        seconds, bset = timed(lambda: BoundaryFiles.for_wilayah("ID").boundaries())
        gaz = Gazetteer.from_boundaries(bset.frame)
        print(f"national boundaries loaded in {seconds:.1f} s ({len(gaz):,} desa)")
        bench_points(engine, gaz, args.points)
        bench_layers(engine, args.repeat)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
