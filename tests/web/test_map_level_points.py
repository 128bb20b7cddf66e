"""Point layers (KWT, ecofarm, kampung tematik) on the national / province map, on a Banten
instance (WILAYAH=36) with hand-made places: the places under one area, checked area codes,
the cap with its note and the page's checkboxes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geoapp.imports.staging import ImportRequest, import_file
from geoapp.web import create_app, map_level_points

HOSTILE = '</script><img src=x onerror="window.__xss=1">'     # the first KWT's name
# three KWT at the representative points of their shipped desa shapes (see the README there)
KWT = (Path(__file__).resolve().parents[1] / "data" / "records" / "kwt_banten_points.csv"
       ).read_text(encoding="utf-8")


def _app(tmp_path, wilayah="36", kwt=True):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True,
                      "WILAYAH": wilayah, "CREATE_DEFAULT_PLANNER": False})
    if kwt:
        with app.app_context():
            from geoapp.web.db import get_db

            import_file(get_db(), ImportRequest(program="kwt", data=KWT.encode(),
                                                filename="kwt.csv", title="KWT"))
    return app


@pytest.fixture()
def banten(tmp_path):
    app = _app(tmp_path)
    yield app.test_client()
    app.extensions["geoapp_db"]["engine"].dispose()


def _points(client, query=""):
    response = client.get("/api/levels/points/kwt-titik.json" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.data)


def test_places_under_an_area(banten):
    whole = _points(banten)
    assert whole["total"] == whole["shown"] == 3 and whole["parent"] == ""
    assert [p[3][0] for p in whole["p"]] == [HOSTILE, "KWT Juhut", "KWT Melati"]  # by kode
    assert whole["fields"][0] == "Nama" and whole["themes"][0]["shape"] == "leaf"
    assert [p[3][0] for p in _points(banten, "?parent=36.74")["p"]] == ["KWT Melati"]
    kec = _points(banten, "?parent=36.01.25")
    assert kec["total"] == 2 and kec["p"][0][:2] == [-6.29615, 106.12057]
    assert _points(banten, "?parent=36.02")["p"] == []            # an area without places
    assert _points(banten, "?parent=36")["total"] == 3            # the working area itself


@pytest.mark.parametrize("query, status", [
    ("?parent=32", 400),                     # another province
    ("?parent=36.01.25.1001", 400),          # a desa: places are asked for by area
    ("?parent=36.99", 400),                  # not a kabupaten/kota
    ("?parent=" + "3" * 80, 400),
    ("?parent=%3Cscript%3E", 400),
    ("?other=1", 400),
    ("?parent=36&parent=36", 400),
])
def test_bad_requests_are_named(banten, query, status):
    response = banten.get("/api/levels/points/kwt-titik.json" + query + "&lang=en"
                          if "?" in query else query)
    assert response.status_code == status
    body = json.loads(response.data)            # JSON: the value is data, quoted back
    assert body["message"] and body["status"] == status


def test_unknown_or_empty_layer_is_404(banten):
    for key in ("nope", "ecofarm-titik", "umkm-kelompok"):        # ecofarm: no data
        response = banten.get(f"/api/levels/points/{key}.json?lang=en")
        assert response.status_code == 404
        assert "kwt-titik" in json.loads(response.data)["message"]


def test_more_places_than_sent_are_counted_and_said(banten, monkeypatch):
    monkeypatch.setattr(map_level_points, "MAX_POINTS", 2)
    body = _points(banten, "?lang=en")
    assert body["total"] == 3 and body["shown"] == 2 and len(body["p"]) == 2
    assert [p[3][0] for p in body["p"]] == [HOSTILE, "KWT Melati"]    # first and last
    assert "2 of 3 places shown (an even sample)" in body["note"]
    assert "2 dari 3 tempat" in _points(banten, "?parent=36&lang=id")["note"]


def test_etag_answers_304(banten):
    first = banten.get("/api/levels/points/kwt-titik.json?parent=36.01")
    again = banten.get("/api/levels/points/kwt-titik.json?parent=36.01",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_page_offers_the_places_and_no_empty_state(banten):
    page = banten.get("/?lang=en").get_data(as_text=True)
    assert 'data-testid="levels-points-kwt-titik"' in page and "Places" in page
    assert 'data-testid="levels-empty"' not in page
    assert "/api/levels/points/KEY.json" in page


def test_a_province_without_places_has_no_checkboxes(tmp_path):
    app = _app(tmp_path, kwt=False)
    page = app.test_client().get("/?lang=en").get_data(as_text=True)
    assert 'data-testid="levels-points"' not in page and 'data-testid="levels-empty"' in page
    app.extensions["geoapp_db"]["engine"].dispose()
