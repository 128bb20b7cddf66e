import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, Polygon
from test_maps_support import kelurahan_layer, payload_of

from geoapp.core.errors import GeoappError
from geoapp.maps import (
    PointLayerSpec,
    build_map,
    ecofarm_layer,
    kampung_tematik_layer,
    kwt_layer,
    render_map_html,
)


@pytest.fixture(scope="module")
def kel():
    return kelurahan_layer()


def kwt_frame():
    return gpd.GeoDataFrame(
        {"nama": ["KWT Melati", "KWT Mawar", "KWT Anggrek"], "anggota": [25, 12, np.nan],
         "bibit": [1500.0, 0.0, 2750.5]},
        geometry=[Point(106.63, -6.18), None, Point(106.65, -6.2)], crs=4326)


def test_kwt_popup_fields_and_skipped_points_counted(kel):
    fmap = build_map(kelurahan=kel, point_layers=[kwt_layer(kwt_frame())], tiles=None)
    data = payload_of(fmap.get_root().render())
    layer = data["pts"][0]
    assert layer["fields"] == ["Nama", "Anggota", "Bibit"]
    assert layer["p"][0] == [-6.18, 106.63, 0, ["KWT Melati", "25", "1.500"]]
    assert layer["p"][1][3] == ["KWT Anggrek", None, "2.750,50"]
    assert len(layer["p"]) == 2
    assert "1 dari 3 titik" in layer["note"]
    assert [n.key for n in fmap.geoapp_notes] == ["map_skipped_points"]


def test_ecofarm_has_its_own_icon(kel):
    eco = gpd.GeoDataFrame({"nama": ["Eco A"]}, geometry=[Point(106.6, -6.2)], crs=4326)
    data = payload_of(render_map_html(kelurahan=kel, tiles=None, point_layers=[
        kwt_layer(kwt_frame()), ecofarm_layer(eco)]))
    icons = {p["key"]: p["themes"][0]["shape"] for p in data["pts"]}
    assert icons == {"kwt-titik": "leaf", "ecofarm-titik": "sprout"}


def test_kampung_tematik_clustered_with_theme_icons(kel):
    frame = gpd.GeoDataFrame(
        {"nama": [f"K{i}" for i in range(12)],
         "tema": [f"Tema {i % 10}" for i in range(11)] + [None]},
        geometry=[Point(106.6 + i / 1000, -6.2) for i in range(12)], crs=4326)
    page = render_map_html(kelurahan=kel, tiles=None, point_layers=[kampung_tematik_layer(frame)])
    layer = payload_of(page)["pts"][0]
    assert layer["cluster"] is True
    assert "/static/vendor/markercluster/leaflet.markercluster.js" in page
    labels = [t["label"] for t in layer["themes"]]
    assert labels[:10] == sorted(f"Tema {i}" for i in range(10)) and labels[-1] == "Tanpa tema"
    styles = {(t["color"], t["shape"]) for t in layer["themes"][:10]}
    assert len(styles) == 10
    assert layer["p"][11][2] == 10


def test_projected_points_and_polygons_become_lonlat(kel):
    frame = gpd.GeoDataFrame(
        {"nama": ["a", "b"]},
        geometry=[Point(106.6, -6.2), Polygon([(106.6, -6.2), (106.61, -6.2), (106.61, -6.21)])],
        crs=4326).to_crs(32748)
    spec = PointLayerSpec("eco", "Eco", frame, ["nama"])
    layer = payload_of(render_map_html(kelurahan=kel, tiles=None, point_layers=[spec]))["pts"][0]
    assert layer["p"][0][:2] == pytest.approx([-6.2, 106.6], abs=1e-5)
    assert len(layer["p"]) == 2


@pytest.mark.parametrize(("change", "code"), [
    ({"icon": "fa-star"}, "map_bad_icon"),
    ({"color": "red;background:url(x)"}, "map_bad_color"),
    ({"popup_fields": {"tidak_ada": "X"}}, "map_missing_point_column"),
    ({"theme_column": "tema"}, "map_missing_point_column"),
    ({"frame": [1, 2]}, "map_bad_frame"),
])
def test_bad_point_specs_are_user_errors(kel, change, code):
    spec = PointLayerSpec(**{**kwt_layer(kwt_frame()).__dict__, **change})
    with pytest.raises(GeoappError) as err:
        build_map(kelurahan=kel, point_layers=[spec], tiles=None)
    assert err.value.code == code
