"""geoapp.maps.svg and geoapp.maps.outlines: the cos(lat) SVG projection on tiny hand-made
geometry, and the finder's delta-encoded kelurahan outlines."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
from shapely.geometry import MultiPolygon, Polygon

from geoapp.maps.outlines import (
    compact_geometry,
    delta_ring,
    outline_paths,
    ring_points,
)
from geoapp.maps.svg import fit_frame, polygon_path, ring_path

# Around latitude 60 a degree of longitude is half a degree of latitude (cos 60° = 0.5).
BOUNDS = (10.0, 59.0, 12.0, 61.0)
SQUARE = Polygon([(10, 59), (12, 59), (12, 61), (10, 61)])
HOLE = [(10.5, 59.5), (11.5, 59.5), (11.5, 60.5)]


def test_width_decides_and_height_follows():
    frame = fit_frame(BOUNDS, 120, pad=10)
    assert frame.kx == pytest.approx(0.5)
    assert frame.scale == pytest.approx(100.0)          # (120 - 2*10) px / (2° * 0.5)
    assert frame.height == pytest.approx(220.0)         # 2° * 100 px + 2 * 10 px
    assert frame.xy(10, 61) == (10.0, 10.0)             # north-west corner at the padding
    assert frame.xy(12, 59) == (110.0, 210.0)           # south-east: x halved by cos(lat)


def test_the_smaller_scale_wins_inside_a_box():
    frame = fit_frame(BOUNDS, 120, 120, pad=10)
    assert frame.scale == pytest.approx(50.0)           # height: 100 px / 2°
    assert (frame.width, frame.height) == (120, 120)
    assert frame.xy(12, 59) == (60.0, 110.0)
    assert frame.xy(11, 60) == (35.0, 60.0)


def test_polygon_path_draws_the_exterior_and_its_hole():
    frame = fit_frame(BOUNDS, 120, pad=10)
    path = polygon_path(Polygon(SQUARE.exterior.coords, [HOLE]), frame)
    assert path == ("M10.0,210.0L110.0,210.0L110.0,10.0L10.0,10.0L10.0,210.0Z"
                    "M35.0,160.0L85.0,160.0L85.0,60.0L35.0,160.0Z")


def test_multipolygon_path_has_one_ring_per_part():
    frame = fit_frame(BOUNDS, 120, pad=10)
    left = Polygon([(10, 59), (11, 59), (11, 60)])
    right = Polygon([(11, 60), (12, 60), (12, 61)])
    path = polygon_path(MultiPolygon([left, right]), frame)
    assert path == ring_path(left.exterior.coords, frame) + ring_path(right.exterior.coords,
                                                                      frame)
    assert path.count("M") == 2 and path.count("Z") == 2


def test_degenerate_bounds_do_not_divide_by_zero():
    frame = fit_frame((106.6, -6.2, 106.6, -6.2), 100, 80, pad=5)
    assert frame.xy(106.6, -6.2) == (5.0, 5.0)
    assert math.isfinite(frame.scale)


def test_delta_ring_roundtrip_drops_repeated_points():
    ring = [(106.6, -6.2), (106.60001, -6.20001), (106.7, -6.1), (106.6, -6.2)]
    encoded = delta_ring(ring)
    assert encoded == [1066000, -62000, 1000, 1000, -1000, -1000]   # 2nd point rounds away
    assert list(ring_points(encoded)) == [(106.6, -6.2), (106.7, -6.1), (106.6, -6.2)]


def test_compact_geometry_and_outline_paths_of_two_squares():
    frame = gpd.GeoDataFrame(
        {"kode": ["1", "2"], "nama": ["A", "B"], "kode_kecamatan": ["k", "k"],
         "nama_kecamatan": ["K", "K"]},
        geometry=[Polygon([(106.60, -6.20), (106.61, -6.20), (106.61, -6.19), (106.60, -6.19)]),
                  Polygon([(106.61, -6.20), (106.62, -6.20), (106.62, -6.19), (106.61, -6.19)])],
        crs="EPSG:4326")
    geometry = compact_geometry(frame)
    assert geometry.bounds == [106.6, -6.2, 106.62, -6.19]
    assert [k["kode"] for k in geometry.kelurahan] == ["1", "2"]
    assert geometry.kelurahan[0]["lon"] == pytest.approx(106.605, abs=1e-5)
    assert geometry.kelurahan[0]["lat"] == pytest.approx(-6.195, abs=1e-5)
    assert [len(parts) for parts in geometry.outlines] == [1, 1]
    svg = fit_frame(geometry.bounds, 220, 120, pad=10)
    paths = outline_paths(geometry, svg)
    assert len(paths) == 2
    assert paths[0].startswith("M10.0,110.0L") and paths[1].endswith("Z")
    assert paths[1] == ring_path(frame.geometry[1].exterior.coords, svg)
