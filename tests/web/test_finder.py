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


# --------------------------------------------------------------------------- paged list

REGIONS = [("36.71.01", "Tangerang", 60), ("32.73.01", "Sukasari", 45), ("34.04.01", "Gamping", 25)]


def _many_places() -> list[Place]:
    """130 hand-made places in three provinces (real kecamatan codes: Kota Tangerang,
    Kota Bandung, Kab. Sleman); names made up."""
    out = []
    for kec, kec_name, n in REGIONS:
        for i in range(n):
            out.append(Place(id=f"{kec}-{i}", name=f"Tempat {kec_name} {i:03d}", kind="kampung",
                             theme=None, kelurahan=f"Kel {i}", kecamatan=kec_name,
                             kode=f"{kec}.{1001 + i}", kode_kecamatan=kec, address=None,
                             contact=None, lat=None, lon=None))
    return out


@pytest.fixture
def national_client(tmp_path_factory, monkeypatch):
    """A whole-country app (WILAYAH=ID) whose places are the 130 above."""
    from geoapp.places.model import PlaceSet
    from geoapp.web import create_app

    instance = tmp_path_factory.mktemp("finder_national") / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "WILAYAH": "ID",
                      "CREATE_DEFAULT_PLANNER": False})
    monkeypatch.setattr(finder, "load_places", lambda *a, **kw: PlaceSet(_many_places()))
    yield app.test_client()
    app.extensions["geoapp_db"]["engine"].dispose()


def _items(html: str) -> list[str]:
    return re.findall(r'data-testid="list-item"><strong>([^<]+)</strong>', html)


def test_paged_list_shows_fifty_with_count_and_links(national_client):
    html = national_client.get("/kampung/daftar").get_data(as_text=True)
    assert len(_items(html)) == 50
    assert "1–50 dari 130" in html
    assert 'data-testid="list-next"' in html and 'data-testid="list-previous"' not in html
    next_url = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    second = national_client.get(next_url).get_data(as_text=True)
    assert "51–100 dari 130" in second and len(_items(second)) == 50
    assert set(_items(html)).isdisjoint(_items(second))
    last = national_client.get("/kampung/daftar?page=3&lang=en").get_data(as_text=True)
    assert "101–130 of 130" in last and 'data-testid="list-next"' not in last
    assert 'rel="prev" href="/kampung/daftar?lang=en&amp;page=2"' in last


def test_paged_list_narrows_by_provinsi_and_kabupaten(national_client):
    html = national_client.get("/kampung/daftar?provinsi=32").get_data(as_text=True)
    assert "1–45 dari 45" in html and all("Sukasari" in n for n in _items(html))
    kab_select = html.split('data-testid="list-kabupaten"')[1].split("</select>")[0]
    assert 'value="32.73"' in kab_select and 'value="36.71"' not in kab_select
    html = national_client.get("/kampung/daftar?kabupaten=Kabupaten+Sleman&q=Gamping"
                               ).get_data(as_text=True)
    assert "1–25 dari 25" in html and 'data-testid="list-next"' not in html
    assert 'value="34.04" selected' in html
    kept = national_client.get("/kampung/daftar?provinsi=36&page=2").get_data(as_text=True)
    assert "51–60 dari 60" in kept and "provinsi=36" in re.search(
        r'rel="prev" href="([^"]+)"', kept).group(1)


@pytest.mark.parametrize("query", ["provinsi=99", "kabupaten=Kota+Atlantis", "page=0",
                                   "page=abc", "provinsi=36&provinsi=32", "halaman=2"])
def test_paged_list_bad_params_are_clear_html_errors(national_client, query):
    response = national_client.get(f"/kampung/daftar?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and "<html" in html.lower()


def test_a_page_past_the_end_shows_the_last(national_client):
    html = national_client.get("/kampung/daftar?page=99").get_data(as_text=True)
    assert "101–130 dari 130" in html


def test_whole_country_finder_page_lists_no_desa_options(national_client):
    response = national_client.get("/kampung")
    html = response.get_data(as_text=True)
    assert 'data-testid="too-many-areas"' in html and 'data-testid="paged-list"' in html
    assert html.count("<option") < 100 and len(response.data) < 100_000


def test_city_finder_page_keeps_its_selects_and_links_the_list(shared_sample_client):
    html = shared_sample_client.get("/kampung").get_data(as_text=True)
    assert 'data-testid="too-many-areas"' not in html and 'href="/kampung/daftar"' in html
    assert html.count("<option") > 104
    listed = shared_sample_client.get("/kampung/daftar").get_data(as_text=True)
    assert 'data-testid="sample-banner"' in listed and "dari" in listed


def test_paged_list_escapes_names(sample_app, monkeypatch):
    from geoapp.places.model import PlaceSet

    hostile = Place(id="x", name="<script>alert(1)</script>", kind="kwt", theme="<b>t</b>",
                    kelurahan="<i>k</i>", kecamatan=None, kode="36.71.01.1001",
                    kode_kecamatan="36.71.01", address=None, contact=None, lat=None, lon=None)
    monkeypatch.setattr(finder, "load_places", lambda *a, **kw: PlaceSet([hostile]))
    html = sample_app.test_client().get("/kampung/daftar").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>t</b>" not in html and "<i>k</i>" not in html


def test_whole_country_data_holds_only_the_kelurahan_of_the_places(national_client):
    """Not 83,253 desa outlines: those holding places (a fraction of the 130 codes above
    are real desa codes), with the country's bounds when none is."""
    data = _data(national_client)
    codes = {p["kode"] for p in data["places"]}
    assert 0 < len(data["kelurahan"]) == len(data["outlines"]) <= len(codes)
    assert {k["kode"] for k in data["kelurahan"]} <= codes
    assert len(national_client.get("/kampung/data.json").data) < 500_000
    printed = national_client.get("/kampung/print?provinsi=36")
    assert printed.status_code == 400                  # the print page has no region filter
    assert national_client.get("/kampung/print?q=Gamping").status_code == 200


def test_whole_country_without_places_sends_no_outline_and_the_country_bounds(
        national_client, monkeypatch):
    from geoapp.places.model import PlaceSet

    monkeypatch.setattr(finder, "load_places", lambda *a, **kw: PlaceSet([]))
    data = _data(national_client)
    assert data["kelurahan"] == [] and data["outlines"] == []
    west, south, east, north = data["bounds"]
    assert 94 < west < 96 and 140 < east < 142 and south < -10 and north > 5
    listed = national_client.get("/kampung/daftar?lang=en").get_data(as_text=True)
    assert 'data-testid="list-item"' not in listed and "No place matches" not in listed
    assert "No places in Indonesia yet: no kampung tematik, KWT or ecofarm data" in listed
    page = national_client.get("/kampung?lang=id").get_data(as_text=True)
    assert "Belum ada tempat di Indonesia" in page          # finder.js's empty text


def test_a_filter_without_matches_still_says_so(shared_sample_client, client):
    listed = shared_sample_client.get("/kampung/daftar?lang=en&q=zzzz-nothing").get_data(as_text=True)
    assert "No place matches" in listed and "No places in" not in listed
    fresh = client.get("/kampung/daftar?lang=en").get_data(as_text=True)   # no data at all
    assert "No places in Kota Tangerang yet" in fresh and "No place matches" not in fresh
