"""geoapp.figures.png: static PNG maps of area and point layers."""

from __future__ import annotations

import struct
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from geoapp.core.errors import GeoappError
from geoapp.figures import LAYERS, LayerData
from geoapp.figures.png import render_layer_png

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == SIGNATURE and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def _area(values, sample=True) -> LayerData:
    n = len(values)
    frame = gpd.GeoDataFrame(
        {"kode": [f"36.71.01.{1001 + i}" for i in range(n)], "nama": [f"K{i}" for i in range(n)],
         "kode_kecamatan": ["36.71.01"] * n, "value": np.asarray(values, dtype=float)},
        geometry=[box(106.60 + i * 0.01, -6.20, 106.61 + i * 0.01, -6.19) for i in range(n)],
        crs="EPSG:4326")
    return LayerData(LAYERS["umkm-nilai"], frame, 1, 1, sample, "Sumber: uji v1 (data contoh)")


def _points(themes) -> LayerData:
    frame = gpd.GeoDataFrame({"nama": [f"P{i}" for i in range(len(themes))], "tema": themes},
                             geometry=[Point(106.605 + i * 0.01, -6.195)
                                       for i in range(len(themes))], crs="EPSG:4326")
    return LayerData(LAYERS["kampung-tematik"], frame, 2, 3, False, "Sumber: uji v3",
                     {"without_coordinates": 2})


def test_area_png_has_signature_and_sensible_size():
    png = render_layer_png(_area([1, 2, 3, np.nan, 0, 5]))
    width, height = _size(png)
    assert 600 <= width <= 1200 and 600 <= height <= 1200
    assert len(png) > 5000


def test_sample_label_changes_the_image():
    assert render_layer_png(_area([1, 2, 3])) != render_layer_png(_area([1, 2, 3], sample=False))


def test_language_changes_the_image():
    data = _area([1, 2, 3])
    assert render_layer_png(data, lang="id") != render_layer_png(data, lang="en")


def test_all_no_data_and_single_value_render():
    assert _size(render_layer_png(_area([np.nan, np.nan])))
    assert _size(render_layer_png(_area([4, 4, 4]), scheme="equal_interval", k=3))


def test_points_over_outline():
    outline = _area([1, 2, 3]).frame
    png = render_layer_png(_points(["A", "B", None]), outline=outline, lang="en")
    assert _size(png)[0] > 0
    assert _size(render_layer_png(replace(_points([]), ledger={}), outline=outline))


@pytest.mark.parametrize("options", [{"scheme": "natural"}, {"k": 12}, {"k": "5"},
                                     {"palette": "Jet"}])
def test_bad_options_are_user_errors(options):
    with pytest.raises(GeoappError) as err:
        render_layer_png(_area([1, 2, 3]), **options)
    assert err.value.status == 400
