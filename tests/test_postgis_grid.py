"""Point in polygon on the grid (``store.postgis.grid``, marker ``postgres``): the hash join
on cells gives the answer of the index plan and of shapely, on cell lines, polygon edges
and corners, in overlaps, for far-away coordinates and for a set too large for a grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from postgres import pg_engine, pg_url  # noqa: F401  (fixtures)

from geoapp.matching import spatial
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.locator import using_locator
from geoapp.store.postgis import grid, locate
from geoapp.store.postgis.locate import PostgisLocator

pytestmark = pytest.mark.postgres


def _gazetteer() -> Gazetteer:
    """A square on cell lines (0.05 apart), a slanted triangle overlapping it, a neighbour
    sharing the square's edge, and a long thin polygon crossing many cells."""
    frame = pd.DataFrame({
        "kode": ["36.71.01.1001", "36.71.01.1002", "36.71.01.1003", "36.71.01.1004"],
        "nama": ["A", "B", "C", "D"],
        "geometry": [shapely.box(0.0, 0.0, 0.1, 0.1),
                     shapely.Polygon([(0.03, 0.02), (0.17, 0.06), (0.04, 0.13)]),
                     shapely.box(0.1, 0.0, 0.2, 0.1),
                     shapely.box(-3.0, 0.3, 3.0, 0.31)],
    })
    return Gazetteer.from_boundaries(frame)


def _points(gaz: Gazetteer) -> tuple[np.ndarray, np.ndarray]:
    vertices = shapely.get_coordinates(shapely.boundary(gaz.geometry))
    on_cell_lines = np.array([[0.05, 0.05], [0.1, 0.05], [0.05, 0.0], [0.0, 0.1],
                              [0.1, 0.1], [0.15, 0.1], [-0.05, 0.3], [2.95, 0.31]])
    rng = np.random.default_rng(3)
    inside = np.column_stack([rng.uniform(-0.05, 0.25, 400), rng.uniform(-0.05, 0.35, 400)])
    far = np.array([[1e15, 0.05], [-1e300, 1e300], [0.05, -1e13], [179.9, 89.9]])
    xy = np.concatenate([vertices, on_cell_lines, inside, far])
    return xy[:, 0], xy[:, 1]


def _found(gaz: Gazetteer, locator, lon, lat):
    with using_locator(locator):
        return spatial.locate_points(gaz, lon, lat)


def _assert_same(a, b) -> None:
    np.testing.assert_array_equal(a.index, b.index)
    np.testing.assert_array_equal(a.overlap, b.overlap)
    assert list(a.others) == list(b.others)


def test_the_grid_equals_shapely_and_the_index_plan(pg_engine, monkeypatch):  # noqa: F811
    gaz = _gazetteer()
    lon, lat = _points(gaz)
    assert grid.grid_cell(gaz.geometry) == grid.GRID_CELL
    locator = PostgisLocator(pg_engine)
    locator.sync(gaz)
    python = spatial.locate_points(gaz, lon, lat)
    on_grid = _found(gaz, locator, lon, lat)
    _assert_same(on_grid, python)
    assert on_grid.overlap.any() and (on_grid.index == 3).any()
    outside = _found(gaz, locator, np.array([5.0, 6.0, -7.0]), np.array([5.0, 6.0, 1.0]))
    assert (outside.index == -1).all() and outside.outside.all()
    monkeypatch.setattr(locate, "grid_cell", lambda geometry: None)   # the index plan
    _assert_same(_found(gaz, locator, lon, lat), python)


def test_a_point_on_a_cell_line_inside_one_polygon_is_counted_once(pg_engine):  # noqa: F811
    gaz = _gazetteer()
    locator = PostgisLocator(pg_engine)
    locator.sync(gaz)
    found = _found(gaz, locator, np.array([0.0, 0.0, 0.05, 1.0]), np.array([0.3, 0.305, 0.3, 0.3]))
    assert list(found.kode) == ["36.71.01.1004"] * 4
    assert not found.overlap.any() and list(found.others) == [None] * 4


def test_a_set_too_large_for_a_grid_keeps_the_index_plan(monkeypatch):
    gaz = _gazetteer()
    assert grid.grid_cell(gaz.geometry[:3]) == grid.GRID_CELL
    # the long polygon spans 6 degrees: cells grow so that it spans at most 128
    monkeypatch.setattr(grid, "GRID_MAX_SPAN", 8)
    assert grid.grid_cell(gaz.geometry) == pytest.approx(6.0 / 8)
    monkeypatch.setattr(grid, "GRID_MAX_ROWS", 2)
    assert grid.grid_cell(gaz.geometry) is None
    assert grid.grid_cell(np.array([shapely.Polygon()])) is None
    assert grid.grid_cell(None) is None
