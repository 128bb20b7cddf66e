"""The national map's per-level layers (/api/levels/<level>.json) on the shipped national
data: bounded sizes, parent-code filtering, escaping, and sums that go up exactly."""

from __future__ import annotations

import json

import postgres
import pytest

from geoapp.core.errors import GeoappError
from geoapp.io.boundaries.national import read_desa
from geoapp.maps.levels import level_layer, rate_up, sum_up
from geoapp.web import create_app

BUDGET = 1_500_000          # the map page plus everything it loads, at any zoom


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """One national app (WILAYAH=ID) for the whole module."""
    instance = tmp_path_factory.mktemp("national") / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "WILAYAH": "ID",
                      "CREATE_DEFAULT_PLANNER": False, **postgres.shared_database()})
    yield app.test_client()
    app.extensions["geoapp_db"]["engine"].dispose()


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response, json.loads(response.data)


def test_national_view_is_small(client):
    prov_resp, prov = _get(client, "/api/levels/provinsi.json")
    kab_resp, kab = _get(client, "/api/levels/kabupaten.json")
    assert len(prov["features"]) == 38 and len(kab["features"]) == 513
    assert len(prov_resp.data) + len(kab_resp.data) < BUDGET / 3


def test_drill_down_filters_by_parent(client):
    _, kab = _get(client, "/api/levels/kabupaten.json?parent=36")
    assert {f["properties"]["kode"] for f in kab["features"]} >= {"36.71", "36.74"}
    assert all(f["properties"]["induk"] == "36" for f in kab["features"])
    _, kec = _get(client, "/api/levels/kecamatan.json?parent=36.71")
    assert len(kec["features"]) == 13
    response, desa = _get(client, "/api/levels/desa.json?parent=36.71")
    assert len(desa["features"]) == 104 and len(response.data) < BUDGET / 5
    assert all(f["properties"]["kode"].startswith("36.71.") for f in desa["features"])
    _, one_kec = _get(client, "/api/levels/desa.json?parent=36.71.01")
    assert 0 < len(one_kec["features"]) < 104


def test_largest_kabupaten_desa_layer_stays_in_budget(client):
    sizes = read_desa("ID")["kode"].str.slice(0, 5).value_counts()
    response, _ = _get(client, f"/api/levels/desa.json?parent={sizes.index[0]}")
    assert len(response.data) < BUDGET / 2


def test_cached_layer_answers_304(client):
    first = client.get("/api/levels/provinsi.json")
    again = client.get("/api/levels/provinsi.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", [
    "/api/levels/negara.json",
    "/api/levels/desa.json",                         # no parent: would be every desa
    "/api/levels/desa.json?parent=36",               # a province is too large a parent
    "/api/levels/kecamatan.json?parent=%3Cscript%3E",
    "/api/levels/kabupaten.json?parent=99",
])
def test_bad_requests_get_a_clear_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.mimetype == "application/json"      # never rendered as HTML
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Traceback" not in response.get_data(as_text=True)


def test_names_are_escaped_for_script_embedding():
    layer = level_layer("kabupaten", "36", "ID")
    from geoapp.maps.safejson import script_json
    text = script_json({"x": "</script><b>'&", **layer})
    assert "</script>" not in text and "<b>" not in text


def test_sums_go_up_exactly():
    values = {"36.71.01.1001": 3, "36.71.01.1002": 4, "36.71.02.1001": 5,
              "36.74.01.1001": 7, "36.74.01.1002": float("nan"), "11.01.01.2001": 1}
    assert sum_up(values, "kecamatan") == {"36.71.01": 7, "36.71.02": 5, "36.74.01": 7,
                                           "11.01.01": 1}
    assert sum_up(values, "kabupaten") == {"36.71": 12, "36.74": 7, "11.01": 1}
    assert sum_up(values, "provinsi") == {"36": 19, "11": 1}
    assert sum(sum_up(values, "provinsi").values()) == 20


def test_rates_are_recomputed_not_averaged():
    counts = {"36.71.01.1001": 10, "36.71.01.1002": 0}
    area = {"36.71.01.1001": 1.0, "36.71.01.1002": 9.0, "36.71.02.1001": 0.0}
    rates = rate_up(counts, area, "kecamatan")
    assert rates["36.71.01"] == pytest.approx(1.0)   # 10 / 10 km², not mean(10, 0) = 5
    assert rates["36.71.02"] is None                 # no area: no data, not zero
    assert rate_up({"36.71.01.1001": 3}, {"36.71.01.1001": 2000}, "provinsi",
                   per=1000)["36"] == pytest.approx(1.5)


def test_level_layer_rejects_unknown_level_in_core():
    with pytest.raises(GeoappError):
        level_layer("dusun", "", "ID")


def test_kota_tangerang_instance_gets_its_own_levels_only(instance):
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})   # WILAYAH 36.71
    client = app.test_client()
    _, prov = _get(client, "/api/levels/provinsi.json")
    assert [f["properties"]["kode"] for f in prov["features"]] == ["36"]
    _, kec = _get(client, "/api/levels/kecamatan.json?parent=36.71")
    assert len(kec["features"]) == 13
    assert client.get("/api/levels/kecamatan.json?parent=36.74").status_code == 400
    app.extensions["geoapp_db"]["engine"].dispose()


def test_national_map_page_is_light_and_names_the_country(client):
    response = client.get("/?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Map of Indonesia" in page
    assert 'data-start-level="provinsi"' in page and "map-levels.js" in page
    assert len(response.data) < 60_000
    assert client.get("/static/map-levels.js").status_code == 200


def test_province_instance_starts_at_its_kabupaten(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True, "WILAYAH": "36"})
    page = app.test_client().get("/?lang=en").get_data(as_text=True)
    assert "Map of Banten" in page and 'data-start-parent="36"' in page
    app.extensions["geoapp_db"]["engine"].dispose()


def test_instance_without_wilayah_keeps_the_full_map_page(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True, "WILAYAH": ""})
    response = app.test_client().get("/?lang=en")
    assert response.status_code == 200 and "map-levels.js" not in response.get_data(as_text=True)
    app.extensions["geoapp_db"]["engine"].dispose()


def test_rates_of_areas_without_numbers_are_no_data_not_zero():
    counts = {"36.71.01.1001": 4, "36.71.02.1001": float("nan")}
    area = {"36.71.01.1001": 2.0, "36.71.02.1001": 5.0}
    rates = rate_up(counts, area, "kecamatan")
    assert rates == {"36.71.01": pytest.approx(2.0), "36.71.02": None}
    residents = {"36.71.01.1001": 1000, "36.71.01.1002": None}
    # residents of part of a kecamatan are not its residents: no rate rather than a wrong one
    assert rate_up({"36.71.01.1001": 4}, residents, "kecamatan", 1000, complete=True) == {
        "36.71.01": None}
    assert rate_up({"36.71.01.1001": 4}, residents, "kecamatan", 1000)["36.71.01"] == 4.0
