"""OGC API - Features at /ogc through Flask's test client, on the seeded sample data.

Real clients (GDAL, OWSLib) against a real server are in test_ogc_clients.py.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_spec_validator import validate

from geoapp.ogc import CRS84, EPSG4326, LIMIT_MAX

OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"


def get_json(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return json.loads(response.get_data(as_text=True))


def rel(doc, name):
    return [lk for lk in doc["links"] if lk["rel"] == name]


def local(href):
    """An absolute link of the test server as a path the test client can follow."""
    parts = urlsplit(href)
    return parts.path + ("?" + parts.query if parts.query else "")


def api_layer(client, key, query=""):
    return get_json(client, f"/api/layers/{key}.geojson{query}")


# --------------------------------------------------------------------------- documents


def test_landing_and_conformance(shared_sample_client):
    landing = get_json(shared_sample_client, "/ogc")
    assert rel(landing, "service-desc")[0]["type"] == OPENAPI
    assert local(rel(landing, "conformance")[0]["href"]).startswith("/ogc/conformance")
    assert local(rel(landing, "data")[0]["href"]).startswith("/ogc/collections")
    classes = get_json(shared_sample_client, "/ogc/conformance")["conformsTo"]
    for name in ("core", "geojson", "html", "oas30"):
        assert CONF + name in classes
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes


def test_openapi_document_is_valid_and_documents_the_limit(shared_sample_client):
    response = shared_sample_client.get("/ogc/api")
    assert response.status_code == 200 and response.content_type == OPENAPI
    doc = response.get_json(force=True)
    validate(doc)
    items = doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    limit = next(p for p in items if p["name"] == "limit")
    assert limit["schema"]["maximum"] == LIMIT_MAX
    names = {p["name"] for p in items}
    assert {"bbox", "bbox-crs", "crs", "offset", "kecamatan", "year", "program"} <= names


def test_collections_are_the_available_layers_and_the_boundaries(shared_sample_client):
    layers = get_json(shared_sample_client, "/api/layers")["layers"]
    found = get_json(shared_sample_client, "/ogc/collections")["collections"]
    assert [c["id"] for c in found] == [x["key"] for x in layers] + ["kelurahan", "kecamatan"]
    by_id = {c["id"]: c for c in found}
    for layer in layers:
        c = by_id[layer["key"]]
        assert c["geoapp:sample"] is True and c["title"].endswith("(Data contoh)")
        assert "data contoh" in c["geoapp:source"] and c["geoapp:datasetVersion"] == 1
        assert set(c["crs"]) == {CRS84, EPSG4326} and c["storageCrs"] == CRS84
    assert by_id["umkm-kelompok-km2"]["geoapp:unit"] == "Kelompok dibantu per km²"
    assert by_id["umkm-nilai"]["geoapp:unit"] == "Nilai bantuan (Rp) per kelurahan"
    assert by_id["kwt-titik"]["geoapp:unit"] is None
    assert by_id["kelurahan"]["geoapp:sample"] is False
    english = get_json(shared_sample_client, "/ogc/collections/kwt-titik?lang=en")
    assert english["title"].endswith("(sample data)")
    assert english["description"].startswith("Sample data, not official records.")


def test_unknown_collection_and_feature_are_json_404s(shared_sample_client):
    missing = get_json(shared_sample_client, "/ogc/collections/nope/items", 404)
    assert missing["code"] == "ogc.unknown_collection" and "kelurahan" in missing["description"]
    feature = get_json(shared_sample_client, "/ogc/collections/kelurahan/items/36.71.99.9999",
                       404)
    assert feature["code"] == "ogc.unknown_feature"


# --------------------------------------------------------------------------- items


@pytest.mark.parametrize("key", ["umkm-kelompok-km2", "penduduk", "kwt-titik",
                                 "kampung-tematik", "ecofarm-titik", "jobfair-lowongan"])
def test_items_are_the_layer_download(shared_sample_client, key):
    expected = api_layer(shared_sample_client, key)["features"]
    got = get_json(shared_sample_client, f"/ogc/collections/{key}/items?limit={LIMIT_MAX}")
    assert got["numberMatched"] == got["numberReturned"] == len(expected)
    for feature, want in zip(got["features"], expected, strict=True):
        assert feature["properties"] == want["properties"]
        assert feature["geometry"] == want["geometry"]
        if "luas_km2" in want["properties"]:
            assert feature["id"] == want["properties"]["kode"]


def test_paging_follows_next_and_prev_links(shared_sample_client):
    url = "/ogc/collections/kelurahan/items?limit=30"
    seen, pages = [], 0
    while url:
        page = get_json(shared_sample_client, url)
        assert page["numberMatched"] == 104
        seen += [f["id"] for f in page["features"]]
        pages += 1
        if pages > 1:
            prev = parse_qs(urlsplit(rel(page, "prev")[0]["href"]).query)
            assert int(prev.get("offset", ["0"])[0]) == (pages - 2) * 30
        nxt = rel(page, "next")
        url = local(nxt[0]["href"]) if nxt else None
    assert pages == 4 and len(seen) == len(set(seen)) == 104
    assert page["numberReturned"] == 14 and not rel(page, "next")


def test_limit_above_the_maximum_is_served_as_the_maximum(shared_sample_client):
    page = get_json(shared_sample_client, f"/ogc/collections/kelurahan/items?limit={10**6}")
    assert page["numberReturned"] == 104
    assert f"limit={LIMIT_MAX}" in rel(page, "self")[0]["href"]
    for bad in ("limit=0", "limit=x", "offset=-1", "f=xml", "bbox=1,2,3", "crs=EPSG:3857",
                "colour=red"):
        error = get_json(shared_sample_client, f"/ogc/collections/kelurahan/items?{bad}", 400)
        assert error["description"]


def _inside(feature, box):
    lon, lat = feature["geometry"]["coordinates"]
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def test_bbox_in_crs84_and_epsg4326(shared_sample_client):
    box = (106.60, -6.22, 106.66, -6.15)
    expected = [f for f in api_layer(shared_sample_client, "kampung-tematik")["features"]
                if _inside(f, box)]
    assert 0 < len(expected) < 48
    base = "/ogc/collections/kampung-tematik/items?limit=100&bbox="
    plain = get_json(shared_sample_client, base + ",".join(map(str, box)))
    swapped = ",".join(map(str, (box[1], box[0], box[3], box[2])))
    lat_first = get_json(shared_sample_client, f"{base}{swapped}&bbox-crs={EPSG4326}")
    for page in (plain, lat_first):
        assert page["numberMatched"] == len(expected)
        assert [f["properties"] for f in page["features"]] == [f["properties"] for f in expected]


def test_epsg4326_output_has_latitude_first(shared_sample_client):
    url = "/ogc/collections/kwt-titik/items?limit=3"
    plain = shared_sample_client.get(url)
    swapped = shared_sample_client.get(f"{url}&crs={EPSG4326}")
    assert plain.headers["Content-Crs"] == f"<{CRS84}>"
    assert swapped.headers["Content-Crs"] == f"<{EPSG4326}>"
    for a, b in zip(plain.get_json(force=True)["features"],
                    swapped.get_json(force=True)["features"], strict=True):
        assert b["geometry"]["coordinates"] == a["geometry"]["coordinates"][::-1]
        assert b["id"] == a["id"]
    one = get_json(shared_sample_client,
                   f"/ogc/collections/kelurahan/items/36.71.01.1001?crs={EPSG4326}")
    lat, lon = one["geometry"]["coordinates"][0][0]
    assert -7 < lat < -6 and 106 < lon < 107


@pytest.mark.parametrize(("key", "ogc", "api"), [
    ("umkm-kelompok", "kecamatan=36.71.07", "kecamatan=36.71.07"),
    ("umkm-kelompok", "kecamatan=karawaci", "kecamatan=36.71.07"),
    ("umkm-nilai", "year=2020", "year=2020"),
    ("umkm-kelompok", "program=Tangerang%20BISA", "subprogram=Tangerang%20BISA"),
    ("kwt-titik", "kecamatan=36.71.01", "kecamatan=36.71.01"),
])
def test_property_filters_match_the_layer_api(shared_sample_client, key, ogc, api):
    expected = api_layer(shared_sample_client, key, "?" + api)["features"]
    got = get_json(shared_sample_client, f"/ogc/collections/{key}/items?limit=1000&{ogc}")
    assert [f["properties"] for f in got["features"]] == [f["properties"] for f in expected]
    assert ogc.split("=")[0] in rel(got, "self")[0]["href"]


def test_filters_a_collection_does_not_have_are_refused(shared_sample_client):
    error = get_json(shared_sample_client, "/ogc/collections/kwt-titik/items?year=2020", 400)
    assert error["code"] == "ogc.filter_not_here"
    error = get_json(shared_sample_client, "/ogc/collections/umkm-nilai/items?year=1999", 400)
    assert "2020" in error["description"]


def test_point_ids_are_stable_across_pages_and_filters(shared_sample_client):
    everything = get_json(shared_sample_client, "/ogc/collections/kwt-titik/items?limit=1000")
    ids = {f["id"]: f["properties"] for f in everything["features"]}
    assert len(ids) == everything["numberMatched"]
    page = get_json(shared_sample_client, "/ogc/collections/kwt-titik/items?limit=5&offset=5")
    subset = get_json(shared_sample_client,
                      "/ogc/collections/kwt-titik/items?kecamatan=36.71.02")["features"]
    for feature in page["features"] + subset:
        assert ids[feature["id"]] == feature["properties"]
        one = get_json(shared_sample_client, f"/ogc/collections/kwt-titik/items/{feature['id']}")
        assert one["properties"] == feature["properties"]


# --------------------------------------------------------------------------- HTTP


def test_items_have_etag_last_modified_and_answer_304(shared_sample_client):
    for url in ("/ogc/collections/kwt-titik/items", "/ogc/collections/kelurahan/items/36.71.01.1001"):
        first = shared_sample_client.get(url)
        assert first.content_type == "application/geo+json"
        assert first.headers["ETag"] and first.headers["Last-Modified"]
        again = shared_sample_client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and not again.data
        assert again.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_on_every_ogc_response(shared_sample_client):
    for url, status in (("/ogc", 200), ("/ogc/api", 200), ("/ogc/collections", 200),
                        ("/ogc/collections/nope", 404), ("/ogc/collections?f=html", 200)):
        response = shared_sample_client.get(url, headers={"Origin": "https://portal.example"})
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in shared_sample_client.get("/api/layers").headers
    preflight = shared_sample_client.options(
        "/ogc/collections/kwt-titik/items",
        headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "if-none-match"})
    assert preflight.status_code == 200
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("url", ["/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/api",
                                 "/ogc/collections/kwt-titik",
                                 "/ogc/collections/kwt-titik/items",
                                 "/ogc/collections/kelurahan/items/36.71.01.1001"])
def test_html_and_json_by_f_and_by_accept(shared_sample_client, url):
    sep = "&" if "?" in url else "?"
    for response in (shared_sample_client.get(f"{url}{sep}f=html"),
                     shared_sample_client.get(url, headers={"Accept": "text/html,*/*;q=0.8"})):
        assert response.status_code == 200 and response.mimetype == "text/html"
        assert "Content-Security-Policy" in response.headers
    for response in (shared_sample_client.get(f"{url}{sep}f=json"),
                     shared_sample_client.get(url, headers={"Accept": "application/json"}),
                     shared_sample_client.get(url)):
        assert response.status_code == 200
        assert response.mimetype in ("application/json", "application/geo+json",
                                     "application/vnd.oai.openapi+json")
        json.loads(response.get_data(as_text=True))


def test_html_pages_label_sample_data(shared_sample_client):
    page = shared_sample_client.get("/ogc/collections/kwt-titik/items?f=html&limit=2")
    text = page.get_data(as_text=True)
    assert "Data contoh" in text and "KWT Kenanga Lestari" in text
    english = shared_sample_client.get("/ogc/collections?f=html&lang=en").get_data(as_text=True)
    assert "(sample data)" in english


@pytest.mark.parametrize("value", ["²", "٣", "１", "-1", "1e3", "1" * 30, ""])
@pytest.mark.parametrize("name", ["limit", "offset"])
def test_hostile_integers_are_a_400_naming_the_parameter(shared_sample_client, name, value):
    response = shared_sample_client.get("/ogc/collections/kelurahan/items",
                                        query_string={name: value, "lang": "en"})
    if value == "":
        assert response.status_code == 200      # empty means "not given"
        return
    assert response.status_code == 400
    error = response.get_json()
    assert name in error["description"] and value[:20] in error["description"]


def test_a_page_writes_only_its_own_features(shared_sample_app):
    """Feature texts are written when a page asks for them (83,253 national desa are not
    all written for a first page of ten), and a later page reuses what was written."""
    from geoapp import figures
    from geoapp.ogc.features import feature_set
    from geoapp.ogc.service import get_collection
    from geoapp.web.db import get_active, get_db

    client = shared_sample_app.test_client()
    with shared_sample_app.test_request_context():
        session, active = get_db(), get_active()
        found = get_collection(session, active, "kelurahan", "en")
        features = feature_set(session, active, found, figures.Filters(), CRS84)
        features.written.clear()                 # other tests of the module asked for pages
    first = get_json(client, "/ogc/collections/kelurahan/items?f=json&limit=3&offset=7")
    with shared_sample_app.test_request_context():
        session, active = get_db(), get_active()
        found = get_collection(session, active, "kelurahan", "en")
        again = feature_set(session, active, found, figures.Filters(), CRS84)
        assert again is features                  # the cached set the page used
        assert sorted(features.written) == [7, 8, 9] and len(features.ids) == 104
        assert [json.loads(t)["id"] for t in features.texts([7, 8, 9])] == \
            [f["id"] for f in first["features"]]
    whole = get_json(client, "/ogc/collections/kelurahan/items?f=json&limit=200")
    assert len(whole["features"]) == 104 and whole["features"][7:10] == first["features"]
