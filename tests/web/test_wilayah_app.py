"""An instance on another working area (WILAYAH=36.74): its map, profiles and finder, the
empty state instead of the Kota Tangerang sample data."""

from __future__ import annotations

import pytest

from geoapp.core.errors import GeoappError
from geoapp.web import create_app
from geoapp.web.serve import bootstrap


@pytest.fixture
def tangsel(instance):
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "WILAYAH": "36.74",
                      "CREATE_DEFAULT_PLANNER": False})
    info = bootstrap(app)
    yield app, info
    app.extensions["geoapp_db"]["engine"].dispose()


def test_fresh_instance_gets_no_sample_data(tangsel):
    _, info = tangsel
    assert info["sample"] is None


def test_map_page_names_the_area_and_shows_the_empty_state(tangsel):
    app, _ = tangsel
    page = app.test_client().get("/?lang=en").get_data(as_text=True)
    assert "Kota Tangerang Selatan program map" in page
    assert 'data-testid="empty-state"' in page
    assert 'data-testid="sample-banner"' not in page
    assert "Serpong" in page                          # a kecamatan outline of 36.74


def test_profile_of_a_kelurahan_of_the_area(tangsel):
    app, _ = tangsel
    client = app.test_client()
    page = client.get("/kelurahan/36.74.01.1001?lang=en").get_data(as_text=True)
    assert "Ciater" in page and "Serpong" in page
    assert client.get("/kelurahan/36.71.01.1001").status_code == 404


def test_finder_and_boundaries_api(tangsel):
    app, _ = tangsel
    client = app.test_client()
    assert client.get("/kampung").status_code == 200
    batas = client.get("/api/batas.json")
    assert batas.status_code == 200
    body = batas.get_data(as_text=True)
    assert "36.74.01.1001" in body and "36.71.01.1001" not in body


def test_unknown_wilayah_setting_stops_start_up(instance):
    with pytest.raises(GeoappError) as err:
        create_app({"INSTANCE_PATH": str(instance), "WILAYAH": "99.99"})
    assert err.value.code == "wilayah.unknown"
