"""Points to polygons (matching/spatial.assign_points): one polygon per point, never two,
on tiny hand-made squares; the same answer as geopandas.sjoin wherever polygons do not
overlap, whichever way the index is built and however the points are chunked."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.spatial import assign_points, locate_points

# Three squares: A [0,2]x[0,2] and B [1,3]x[0,2] overlap on [1,2]x[0,2]; C [5,6]x[0,1] alone.
SQUARES = np.array([box(0, 0, 2, 2), box(1, 0, 3, 2), box(5, 0, 6, 1)], dtype=object)
CODES = ["99.01.01.1001", "99.01.01.1002", "99.01.01.1003"]


def _grid() -> tuple[np.ndarray, np.ndarray]:
    """Points every 0.25 over [-0.5, 6.5] x [-0.5, 2.5], edges and overlap included."""
    xs, ys = np.meshgrid(np.arange(-0.5, 6.51, 0.25), np.arange(-0.5, 2.51, 0.25))
    return xs.ravel(), ys.ravel()


def _sjoin(lon: np.ndarray, lat: np.ndarray) -> gpd.GeoDataFrame:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    polygons = gpd.GeoDataFrame({"kode": CODES}, geometry=list(SQUARES), crs=4326)
    return gpd.sjoin(points, polygons, predicate="intersects")


@pytest.mark.parametrize("chunk", [1, 7, 10_000])
@pytest.mark.parametrize("with_tree", [False, True])
def test_each_point_counted_once_and_sjoin_agrees_outside_overlaps(chunk, with_tree):
    lon, lat = _grid()
    tree = shapely.STRtree(SQUARES) if with_tree else None
    found = assign_points(SQUARES, lon, lat, tree=tree, chunk=chunk)
    joined = _sjoin(lon, lat)
    hits = joined.index.value_counts()
    assert (hits > 1).sum() > 0                      # sjoin counts overlap points twice
    assert len(found.index) == len(lon)              # one answer per point, never two
    counts = np.bincount(found.index[found.index >= 0], minlength=3)
    assert counts.sum() + (found.index < 0).sum() == len(lon)
    once = hits[hits == 1].index.to_numpy()
    want = joined.loc[once, "index_right"].to_numpy()
    np.testing.assert_array_equal(found.index[once], want)
    assert not found.overlap[once].any()
    missing = np.setdiff1d(np.arange(len(lon)), hits.index.to_numpy())
    assert (found.index[missing] == -1).all()
    twice = hits[hits > 1].index.to_numpy()
    assert found.overlap[twice].all() and set(found.other_point) == set(twice)


def test_overlap_goes_to_the_deeper_polygon_then_to_the_lowest_rank():
    lon = np.array([1.2, 1.8, 1.5, 1.0, 5.5, 9.0])
    lat = np.array([1.0, 1.0, 1.0, 1.0, 0.5, 9.0])
    found = assign_points(SQUARES, lon, lat)
    # 1.2 is 0.8 inside A and 0.2 inside B; 1.8 the other way; 1.5 ties: lowest rank (A);
    # 1.0 lies on B's edge, so it is A's.
    assert found.index.tolist() == [0, 1, 0, 0, 2, -1]
    assert found.overlap.tolist() == [True, True, True, True, False, False]
    assert list(zip(found.other_point, found.other_polygon, strict=True)) == [(0, 1), (1, 0), (2, 1), (3, 1)]
    swapped = assign_points(SQUARES, lon, lat, rank=np.array([2, 1, 0]))
    assert swapped.index.tolist() == [0, 1, 1, 0, 2, -1]


def test_results_do_not_depend_on_the_direction_or_the_chunk():
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(-1, 7, 500), rng.uniform(-1, 3, 500)
    many = assign_points(SQUARES, lon, lat)                        # points indexed
    few = [assign_points(SQUARES, lon[i:i + 2], lat[i:i + 2]) for i in range(0, 500, 2)]
    np.testing.assert_array_equal(many.index, np.concatenate([f.index for f in few]))
    np.testing.assert_array_equal(many.overlap, np.concatenate([f.overlap for f in few]))


def test_locate_points_reports_the_other_polygon_for_overlap_points():
    frame = gpd.GeoDataFrame({"kode": CODES, "nama": ["A", "B", "C"]},
                             geometry=list(SQUARES), crs=4326)
    gaz = Gazetteer.from_boundaries(frame)
    loc = locate_points(gaz, np.array([1.2, 1.8, 0.5, 5.5, np.nan]), np.array([1, 1, 1, 0.5, 1.0]))
    assert loc.kode.tolist() == [CODES[0], CODES[1], CODES[0], CODES[2], None]
    assert loc.others.tolist() == [CODES[1], CODES[0], None, None, None]
    assert loc.overlap.tolist() == [True, True, False, False, False]
