"""OGC API - Features serves only what is public, and hostile text stays text.

- Only the ACTIVE version of a program is served; rows that are not matched (or have no
  coordinates) are not features, exactly as in the layer downloads.
- A dataset title and a kelurahan name with HTML and JSON-breaking text are escaped in
  the HTML pages and valid, unchanged strings in the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

from geoapp.imports.staging import ImportRequest, import_file
from geoapp.web import create_app

HOSTILE = '</script><script>alert("x")</script>\\"}],"x":{"<b>'
TINY = Path(__file__).resolve().parents[1] / "data" / "boundaries" / "tiny_kelurahan.geojson"

KWT_CSV = (
    "Nama KWT,Kelurahan,Kecamatan,Jumlah Anggota,Bibit Diterima,Lintang,Bujur\n"
    "KWT Mawar <i>Baru</i>,Sukarasa,Tangerang,20,100,-6.1769,106.6339\n"
    "KWT Tanpa Titik,Sukarasa,Tangerang,10,50,,\n"
    "KWT Entah,Kelurahan Tidak Ada,Antah Berantah,5,10,-6.2,106.6\n"
)


def _import_kwt(app) -> None:
    from geoapp.web.db import get_db

    with app.app_context():
        import_file(get_db(), ImportRequest(program="kwt", data=KWT_CSV.encode(),
                                            filename="kwt_baru.csv", title=HOSTILE))


def test_only_the_active_version_and_its_public_rows(sample_app):
    client = sample_app.test_client()
    before = client.get("/ogc/collections/kwt-titik/items?limit=1000").get_json(force=True)
    assert before["numberMatched"] == 44
    _import_kwt(sample_app)
    meta = client.get("/ogc/collections/kwt-titik").get_json(force=True)
    assert meta["geoapp:datasetVersion"] == 2 and meta["geoapp:sample"] is False
    assert "(Data contoh)" not in meta["title"]
    page = client.get("/ogc/collections/kwt-titik/items?limit=1000").get_json(force=True)
    assert page["numberMatched"] == 1          # no coordinates / unmatched: not features
    (feature,) = page["features"]
    assert feature["properties"]["nama"] == "KWT Mawar <i>Baru</i>"
    assert feature["properties"]["dataset_version"] == 2
    download = client.get("/api/layers/kwt-titik.geojson").get_json(force=True)
    assert [f["properties"] for f in download["features"]] == [feature["properties"]]


def test_hostile_dataset_title_is_escaped_in_html_and_valid_in_json(sample_app):
    _import_kwt(sample_app)
    client = sample_app.test_client()
    listing = json.loads(client.get("/ogc/collections").get_data(as_text=True))  # valid JSON
    meta = json.loads(client.get("/ogc/collections/kwt-titik").get_data(as_text=True))
    assert meta in listing["collections"]
    assert f"Dataset: {HOSTILE} (versi 2)." in meta["description"]
    for url in ("/ogc/collections?f=html", "/ogc/collections/kwt-titik?f=html",
                "/ogc/collections/kwt-titik/items?f=html"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<i>Baru</i>" not in html
        assert "<b>" not in html
    html = client.get("/ogc/collections/kwt-titik?f=html").get_data(as_text=True)
    assert "&lt;/script&gt;&lt;script&gt;alert(" in html
    items = client.get("/ogc/collections/kwt-titik/items?f=html").get_data(as_text=True)
    assert "KWT Mawar &lt;i&gt;Baru&lt;/i&gt;" in items


def test_hostile_kelurahan_name_is_escaped_in_html_and_valid_in_json(tmp_path):
    data = json.loads(TINY.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["nama"] = HOSTILE
    data["features"][0]["properties"]["nama_kecamatan"] = "<img src=x onerror=alert(1)>"
    hostile = tmp_path / "hostile_kelurahan.geojson"
    hostile.write_text(json.dumps(data), encoding="utf-8")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "LOAD_SAMPLE_DATA": False, "BOUNDARIES": str(hostile)})
    try:
        client = app.test_client()
        page = json.loads(client.get("/ogc/collections/kelurahan/items").get_data(as_text=True))
        names = {f["id"]: f["properties"]["nama"] for f in page["features"]}
        assert names["32.99.01.1001"] == HOSTILE
        one = client.get("/ogc/collections/kelurahan/items/32.99.01.1001")
        assert json.loads(one.get_data(as_text=True))["properties"]["nama"] == HOSTILE
        for url in ("/ogc/collections/kelurahan/items?f=html",
                    "/ogc/collections/kelurahan/items/32.99.01.1001?f=html"):
            html = client.get(url).get_data(as_text=True)
            assert "<script>alert" not in html and "<img src=x" not in html
            assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert [c["id"] for c in client.get("/ogc/collections").get_json()["collections"]] \
            == ["kelurahan", "kecamatan"]          # no datasets: only the boundaries
    finally:
        app.extensions["geoapp_db"]["engine"].dispose()


def test_a_new_population_version_changes_per_1000_items(sample_app):
    """Per-1,000 layers depend on the penduduk version too: new ETag and Last-Modified."""
    from geoapp.web.db import get_db

    client = sample_app.test_client()
    url = "/ogc/collections/umkm-kelompok-1000/items/36.71.01.1001"
    first = client.get(url)
    assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}
                      ).status_code == 304
    csv = ("Kode Wilayah,Kelurahan,Kecamatan,Jumlah Penduduk\n"
           "36.71.01.1001,Sukarasa,Tangerang,1000\n")
    with sample_app.app_context():
        import_file(get_db(), ImportRequest(program="penduduk", data=csv.encode(),
                                            filename="penduduk.csv", title="Penduduk baru"))
    second = client.get(url, headers={"If-None-Match": first.headers["ETag"],
                                      "If-Modified-Since": first.headers["Last-Modified"]})
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    assert second.last_modified >= first.last_modified
    per_1000 = json.loads(second.get_data(as_text=True))["properties"]["kelompok_per_1000"]
    assert per_1000 == json.loads(first.get_data(as_text=True))["properties"]["kelompok"]
