"""Point in polygon in PostGIS (marker ``postgres``) equals the shapely path, overlaps
included: same kelurahan, same overlap flags and other codes, same outside points."""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from postgres import pg_engine, pg_url  # noqa: F401  (fixtures)
from sqlalchemy import text

from geoapp.io.boundaries import load_boundaries
from geoapp.io.export import geojson_bytes
from geoapp.matching import spatial
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.locator import gazetteer_hash, using_locator
from geoapp.store.engine import WRITE_LOCK
from geoapp.store.migrations import current_revision
from geoapp.store.postgis import enabled
from geoapp.store.postgis.layers import layer_geojson
from geoapp.store.postgis.locate import PostgisLocator
from geoapp.store.postgis.sync import sync_boundaries

pytestmark = pytest.mark.postgres


def _overlapping() -> Gazetteer:
    """Three hand-made squares: B overlaps A's right half, C shares A's left edge."""
    frame = pd.DataFrame({
        "kode": ["36.71.01.1001", "36.71.01.1002", "36.71.01.1003"],
        "nama": ["A", "B", "C"],
        "geometry": [shapely.box(0, 0, 2, 2), shapely.box(1, 0, 3, 2),
                     shapely.box(-2, 0, 0, 2)],
    })
    return Gazetteer.from_boundaries(frame)


def _locator(engine, gaz: Gazetteer) -> PostgisLocator:
    locator = PostgisLocator(engine)
    locator.sync(gaz)
    return locator


def _same(gaz: Gazetteer, locator: PostgisLocator, lon, lat) -> None:
    python = spatial.locate_points(gaz, lon, lat)
    with using_locator(locator):
        database = spatial.locate_points(gaz, lon, lat)
    np.testing.assert_array_equal(database.index, python.index)
    np.testing.assert_array_equal(database.overlap, python.overlap)
    np.testing.assert_array_equal(database.outside, python.outside)
    assert list(database.others) == list(python.others)
    assert list(database.kode) == list(python.kode)


def test_migration_0004_makes_the_postgis_tables(pg_engine):  # noqa: F811
    assert current_revision(pg_engine) == "0004"
    assert enabled(pg_engine)
    with pg_engine.connect() as connection:
        indexes = connection.execute(text(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gist%'")).scalars()
        assert {"ix_gis_boundaries_geom", "ix_gis_features_geom"} <= set(indexes)


def test_overlaps_are_counted_once_with_the_python_rule(pg_engine):  # noqa: F811
    gaz = _overlapping()
    lon = np.array([0.5, 1.2, 1.5, 2.5, 0.0, 0.0, 5.0, np.nan, 1.0, 1.5])
    lat = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 5.0, 1.0, 1.0, 0.5])
    _same(gaz, _locator(pg_engine, gaz), lon, lat)
    with using_locator(_locator(pg_engine, gaz)):
        found = spatial.locate_points(gaz, lon, lat)
    # 1.2: in A and B; 0.8 from A's boundary, 0.2 from B's: A
    assert found.kode[1] == "36.71.01.1001" and found.others[1] == "36.71.01.1002"
    assert found.overlap[2] and found.kode[2] == "36.71.01.1001"   # a tie: lowest kode
    assert found.kode[4] == "36.71.01.1001" and found.others[4] == "36.71.01.1003"
    assert found.outside[6] and not found.has_point[7]


def test_city_points_equal_the_python_path(pg_engine):  # noqa: F811
    gaz = Gazetteer.from_boundaries(load_boundaries().frame)
    west, south, east, north = shapely.total_bounds(gaz.geometry)
    rng = np.random.default_rng(7)
    lon = rng.uniform(west - 0.01, east + 0.01, 5000)
    lat = rng.uniform(south - 0.01, north + 0.01, 5000)
    # vertices of the polygons themselves: on shared edges, the hardest case
    vertices = shapely.get_coordinates(shapely.boundary(gaz.geometry[:5]))[::7]
    lon = np.concatenate([lon, vertices[:, 0]])
    lat = np.concatenate([lat, vertices[:, 1]])
    locator = _locator(pg_engine, gaz)
    _same(gaz, locator, lon, lat)                   # many points: a loop over polygons
    _same(gaz, locator, lon[-40:], lat[-40:])       # few points: a loop over points


def test_sync_is_idempotent_and_keyed_by_content(pg_engine):  # noqa: F811
    gaz = _overlapping()
    first = sync_boundaries(pg_engine, gaz)
    assert sync_boundaries(pg_engine, gaz) == first == gazetteer_hash(gaz)
    other = _overlapping()
    other.geometry = other.geometry.copy()
    other.geometry[0] = shapely.box(0, 0, 2, 2.5)
    other._content_hash = None
    assert sync_boundaries(pg_engine, other) != first
    with pg_engine.connect() as connection:
        counts = dict(connection.execute(text(
            "SELECT set_hash, count(*) FROM gis_boundaries GROUP BY set_hash")).all())
    assert counts == {first: 3, gazetteer_hash(other): 3}


def test_a_locator_applies_to_its_synced_sets_and_the_one_it_follows(pg_engine):  # noqa: F811
    gaz, followed = _overlapping(), _overlapping()
    followed.geometry = followed.geometry[::-1].copy()
    locator = PostgisLocator(pg_engine, follows=lambda: followed)
    assert not locator.applies(gaz)        # another set: the shapely path
    assert locator.applies(followed)       # the active set: synced on first use
    locator.sync(gaz)
    assert locator.applies(gaz)


def test_a_set_pruned_by_another_server_is_copied_again(pg_engine):  # noqa: F811
    gaz = _overlapping()
    locator = _locator(pg_engine, gaz)
    with pg_engine.begin() as connection:
        connection.execute(text("DELETE FROM gis_boundary_sets"))
    _same(gaz, locator, np.array([0.5, 1.5, 9.0]), np.array([1.0, 1.0, 9.0]))


def test_filling_the_postgis_tables_never_waits_for_a_writer(pg_engine):  # noqa: F811
    """A request that stores a boundary set or a layer frame does not queue behind an import
    holding the store's write lock (the gis_* tables are caches)."""
    gaz = _overlapping()
    frame = gpd.GeoDataFrame({"kode": gaz.kode, "nilai": [1.5, None, 3.0]},
                             geometry=list(gaz.geometry), crs=4326)
    done: list[bytes] = []
    with pg_engine.connect() as writer:
        writer.exec_driver_sql(f"SELECT pg_advisory_lock({WRITE_LOCK})")
        try:
            thread = threading.Thread(target=lambda: done.append(
                layer_geojson(pg_engine, frame) if sync_boundaries(pg_engine, gaz) else b""))
            thread.start()
            thread.join(60)
            assert done and done[0] == geojson_bytes(frame)
        finally:
            writer.exec_driver_sql(f"SELECT pg_advisory_unlock({WRITE_LOCK})")
            writer.commit()
