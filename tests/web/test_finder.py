"""The finder blueprint: page, data.json, exports with validated filters, print page, PWA."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from geoapp.places.distance import haversine_m
from geoapp.places.model import Place
from geoapp.web import finder

GPX = "{http://www.topografix.com/GPX/1/1}"
KML = "{http://www.opengis.net/kml/2.2}"
PAGE_WEIGHT_LIMIT = 200 * 1024
PAGE_FILES = ("/kampung", "/kampung/data.json", "/manifest.webmanifest", "/sw.js",
              "/static/app.css", "/static/finder/finder.js", "/static/finder/finder.css",
              "/static/finder/icon.svg", "/static/finder/icon-192.png")


def _data(client) -> dict:
    response = client.get("/kampung/data.json")
    assert response.status_code == 200
    return response.get_json()


def test_page_renders_with_sample_label_and_controls(shared_sample_client):
    response = shared_sample_client.get("/kampung")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="sample-banner"' in html
    assert 'rel="manifest"' in html and "finder/finder.js" in html
    for testid in ("search", "filter-kind", "filter-theme", "filter-kecamatan",
                   "filter-kelurahan", "nearest", "origin-kelurahan", "place-list",
                   "download-gpx", "download-kml", "download-geojson", "download-csv",
                   "print-link"):
        assert f'data-testid="{testid}"' in html
    assert 'name="viewport"' in html
    assert "Data per " in html                                          # date of the data


def test_data_json_has_places_kelurahan_and_sources(shared_sample_client):
    data = _data(shared_sample_client)
    assert data["sample"] is True
    assert {p["kind"] for p in data["places"]} == {"kampung", "kwt", "ecofarm"}
    assert len(data["kelurahan"]) == 104 and len(data["outlines"]) == 104
    assert data["updated_text"].startswith(tuple(str(d) for d in range(1, 32)))
    assert {s["kind"] for s in data["sources"]} == {"kampung", "kwt", "ecofarm"}
    first = data["places"][0]
    for key in ("id", "name", "kind", "theme", "kelurahan", "kecamatan", "kode", "address",
                "contact", "lat", "lon", "activity"):
        assert key in first
    with_activity = [p for p in data["places"] if p["activity"]]
    assert with_activity and all(a[0] in data["programs"] for a in with_activity[0]["activity"])


def test_data_json_has_phone_and_whatsapp_numbers(shared_sample_client):
    from geoapp.places.contacts import phone_number, whatsapp_number

    places = _data(shared_sample_client)["places"]
    for p in places:
        assert p["tel"] == phone_number(p["contact"]) and p["wa"] == whatsapp_number(p["contact"])
    with_wa = [p for p in places if p["wa"]]
    assert with_wa and all(re.fullmatch(r"628\d{8,11}", p["wa"]) for p in with_wa)


def test_search_export_finds_kecamatan(shared_sample_client):
    data = _data(shared_sample_client)
    in_cibodas = {p["name"] for p in data["places"] if p["kecamatan"] == "Cibodas"}
    response = shared_sample_client.get("/kampung/export.csv?q=Cibodas&csv=machine")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert in_cibodas and in_cibodas <= {r["name"] for r in rows}


def test_data_json_is_conditional(shared_sample_client):
    first = shared_sample_client.get("/kampung/data.json")
    again = shared_sample_client.get("/kampung/data.json",
                                     headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_data_json_rejects_unknown_params(shared_sample_client):
    response = shared_sample_client.get("/kampung/data.json?kind=kwt")
    assert response.status_code == 400 and response.get_json()["error"] == "places.bad_param"


def test_gpx_export_is_filtered(shared_sample_client):
    data = _data(shared_sample_client)
    expected = [p for p in data["places"] if p["kind"] == "kwt"]
    response = shared_sample_client.get("/kampung/export.gpx?kind=kwt")
    assert response.status_code == 200
    assert response.mimetype == "application/gpx+xml"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="tempat-kwt-\d{8}\.gpx"', disposition)
    wpts = ET.fromstring(response.data).findall(f"{GPX}wpt")
    assert len(wpts) == len(expected)
    assert sorted(w.find(f"{GPX}name").text for w in wpts) == sorted(p["name"] for p in expected)


def test_search_export_is_tolerant(shared_sample_client):
    for q in ("kampung bekelir", "Kampung  Bekelir", "kampung bekelri"):
        response = shared_sample_client.get("/kampung/export.kml", query_string={"q": q})
        marks = ET.fromstring(response.data).findall(f"{KML}Document/{KML}Placemark")
        names = [m.find(f"{KML}name").text for m in marks]
        assert names and all("Bekelir" in n for n in names), q


def test_geojson_and_csv_exports_with_near_point(shared_sample_client):
    data = _data(shared_sample_client)
    lat, lon = -6.18, 106.67
    located = [p for p in data["places"] if p["lat"] is not None]
    ranked = sorted(located, key=lambda p: haversine_m(lat, lon, p["lat"], p["lon"]))
    doc = json.loads(shared_sample_client.get(
        f"/kampung/export.geojson?lat={lat}&lon={lon}").data)
    assert [f["properties"]["name"] for f in doc["features"][:3]] == [p["name"] for p in ranked[:3]]
    assert len(doc["features"]) == len(data["places"])              # unlocated ones too
    assert all(f["geometry"] is None for f in doc["features"][len(located):])
    raw = shared_sample_client.get("/kampung/export.csv?kind=ecofarm").data
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == sum(p["kind"] == "ecofarm" for p in data["places"])


def test_csv_export_follows_the_interface_language(shared_sample_client):
    """Indonesian: ``;`` and a decimal comma (a spreadsheet set to Indonesian reads the
    numbers); English: ``,`` and ``.``; ``?csv=machine``: full precision."""
    def rows(url, delimiter):
        raw = shared_sample_client.get(url).data.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(raw), delimiter=delimiter))

    indo = rows("/kampung/export.csv", ";")
    located = [r for r in indo if r["lat"]]
    assert located and all(re.fullmatch(r"-6,\d{1,6}", r["lat"]) for r in located)
    english = rows("/kampung/export.csv?lang=en", ",")
    assert [r["lat"] for r in english] == [r["lat"].replace(",", ".") for r in indo]
    machine = rows("/kampung/export.csv?csv=machine", ",")
    assert [r["name"] for r in machine] == [r["name"] for r in indo]
    assert all(re.fullmatch(r"-6\.\d+", r["lat"]) for r in machine if r["lat"])
    bad = shared_sample_client.get("/kampung/export.csv?csv=excel")
    assert bad.status_code == 400 and "excel" in bad.get_data(as_text=True)


@pytest.mark.parametrize("url,code", [
    ("/kampung/export.xls", "place_exports.bad_format"),
    ("/kampung/export.gpx?foo=1", "places.bad_param"),
    ("/kampung/export.gpx?kind=pasar", "places.bad_value"),
    ("/kampung/export.gpx?kind=kwt&kind=kampung", "places.repeated_param"),
    ("/kampung/export.kml?theme=%3Cscript%3E", "places.bad_value"),
    ("/kampung/export.csv?kecamatan=Atlantis", "places.bad_value"),
    ("/kampung/export.csv?kelurahan=36.71.99.9999", "places.bad_value"),
    ("/kampung/export.geojson?lat=1e999&lon=106", "places.bad_coord"),
    ("/kampung/export.geojson?lat=-6.1", "places.bad_coord"),
])
def test_bad_params_are_400_json(shared_sample_client, url, code):
    response = shared_sample_client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == code and body["status"] == 400 and body["message"]
    assert response.mimetype == "application/json"                   # never rendered as HTML
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_print_page_lists_filtered_places_with_map(shared_sample_client):
    data = _data(shared_sample_client)
    expected = [p for p in data["places"] if p["kind"] == "ecofarm"]
    html = shared_sample_client.get("/kampung/print?kind=ecofarm").get_data(as_text=True)
    assert html.count('data-testid="print-row"') == len(expected)
    assert html.count('<circle class="pt ecofarm"') == len(expected)
    assert html.count('<path class="outline"') == 104
    assert 'data-testid="sample-banner"' in html


def test_places_without_location_are_listed_and_counted(shared_sample_client):
    data = _data(shared_sample_client)
    unlocated = [p for p in data["places"] if p["lat"] is None]
    assert unlocated and data["without_coordinates"] == len(unlocated)
    assert sum(s["without_coordinates"] for s in data["sources"]) == len(unlocated)
    assert all(p["lon"] is None for p in unlocated)
    html = shared_sample_client.get("/kampung").get_data(as_text=True)
    assert 'data-testid="unlocated-count"' in html
    assert f"{len(unlocated)} dari {len(data['places'])} tempat" in html
    target = unlocated[0]
    kml = ET.fromstring(shared_sample_client.get(
        "/kampung/export.kml", query_string={"q": target["name"]}).data)
    marks = {m.find(f"{KML}name").text: m for m in kml.iter(f"{KML}Placemark")}
    assert target["name"] in marks and marks[target["name"]].find(f"{KML}Point") is None
    assert "Lokasi belum tercatat" in marks[target["name"]].find(f"{KML}description").text
    gpx = ET.fromstring(shared_sample_client.get(
        "/kampung/export.gpx", query_string={"q": target["name"]}).data)
    assert target["name"] not in [w.find(f"{GPX}name").text for w in gpx.iter(f"{GPX}wpt")]
    assert "tanpa lokasi" in gpx.find(f"{GPX}metadata/{GPX}desc").text
    printed = shared_sample_client.get("/kampung/print", query_string={
        "q": target["name"], "lat": "-6.18", "lon": "106.67"}).get_data(as_text=True)
    assert 'data-testid="no-location"' in printed


def test_same_kelurahan_activity_is_kept_apart(shared_sample_client):
    data = _data(shared_sample_client)
    with_kel = [p for p in data["places"] if p["kelurahan_activity"]]
    assert with_kel
    for place in data["places"]:
        assert all(a[3] == 0 and a[2] == a[1] for a in place["kelurahan_activity"])
        assert all(a[3] == a[1] for a in place["activity"])          # within the radius
    html = shared_sample_client.get("/kampung/print").get_data(as_text=True)
    assert 'data-testid="same-kelurahan"' in html and "Tercatat di kelurahan yang sama" in html


def test_print_page_bad_param_is_html_error(shared_sample_client):
    response = shared_sample_client.get("/kampung/print?lat=abc&lon=1")
    assert response.status_code == 400 and response.mimetype == "text/html"


def test_manifest_and_service_worker(shared_sample_client):
    manifest = json.loads(shared_sample_client.get("/manifest.webmanifest").data)
    assert manifest["scope"] == "/kampung" and manifest["start_url"] == "/kampung"
    for icon in manifest["icons"]:
        assert shared_sample_client.get(icon["src"]).status_code == 200
    response = shared_sample_client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/kampung"
    body = response.get_data(as_text=True)
    config = json.loads(re.search(r"var CONFIG = (\{.*?\});", body).group(1))
    assert config["data"] == "/kampung/data.json" and "/kampung" in config["precache"]
    for url in config["precache"]:
        assert shared_sample_client.get(url).status_code == 200, url


def test_activity_radius_setting(sample_app):
    client = sample_app.test_client()
    small = {p["id"]: p for p in _data(client)["places"]}
    sample_app.config["FINDER_ACTIVITY_RADIUS_M"] = 5000
    large = {p["id"]: p for p in _data(client)["places"]}
    nearby_small = sum(a[3] for p in small.values() for a in p["activity"])
    nearby_large = sum(a[3] for p in large.values() for a in p["activity"])
    assert nearby_large > nearby_small
    assert _data(client)["radius_m"] == 5000


def test_hostile_names_are_escaped_on_the_print_page(sample_app, monkeypatch):
    real = finder.load_places

    def hostile(session, active, **kw):
        found = real(session, active, **kw)
        first = found.places[0]
        found.places[0] = Place(**{**first.__dict__, "name": "<img src=x onerror=alert(1)>",
                                   "address": "]]> & <b>"})
        return found

    monkeypatch.setattr(finder, "load_places", hostile)
    client = sample_app.test_client()
    html = client.get("/kampung/print").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>" not in html
    gpx = client.get("/kampung/export.gpx").data
    assert b"<img" not in gpx and ET.fromstring(gpx) is not None


def page_weight(client) -> dict[str, int]:
    """Bytes of everything the finder page loads (tiles excluded; there is no Leaflet)."""
    sizes = {}
    for url in PAGE_FILES:
        response = client.get(url)
        assert response.status_code == 200, url
        sizes[url] = len(response.data)
    return sizes


def test_page_weight_under_limit(shared_sample_client):
    sizes = page_weight(shared_sample_client)
    html = shared_sample_client.get("/kampung").get_data(as_text=True)
    assert "leaflet" not in html.lower()                                # nothing excluded
    assert sum(sizes.values()) < PAGE_WEIGHT_LIMIT, sizes


def test_kelurahan_geometry_is_per_app_state(shared_sample_app, sample_app):
    ours, theirs = (a.extensions[finder.EXT] for a in (shared_sample_app, sample_app))
    assert isinstance(ours, finder.FinderState) and ours is not theirs
    with shared_sample_app.app_context():
        first = ours.geometry()
        assert ours.geometry() is first                               # computed once per app
        assert len(first.kelurahan) == len(first.outlines) == 104
