"""User text never reaches the page as live HTML/JS."""

import re

import geopandas as gpd
import pytest
from shapely.geometry import Point
from test_maps_support import ROOT, kecamatan_layer, kelurahan_layer, payload_of

from geoapp.maps import ChoroplethSpec, PointLayerSpec, render_map_html

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`+alert(1)+`",
    "</script><script>alert(1)</script>",
    "javascript:alert(1)",
    "\u2028alert(1)\u2029",
    "' onmouseover='alert(1)",
]
RAW_MARKERS = ["<img src=x", "</script><script>", "\u2028", "\u2029", "<script>alert",
               "' onmouseover"]


@pytest.fixture(scope="module")
def evil_page():
    kel = kelurahan_layer()
    kec = kecamatan_layer()
    for i, text in enumerate(PAYLOADS):
        kel.loc[i, "nama"] = text
        kel.loc[i, "nama_kecamatan"] = text
        kec.loc[i, "nama"] = text
    kel.loc[0, "kode"] = "javascript:alert(1)"
    kel.loc[1, "kode"] = "36.71.01.1002<x>"
    kel[PAYLOADS[0]] = kel["umkm"]
    specs = [ChoroplethSpec(f"l{i}", text, PAYLOADS[0], dataset_label=text)
             for i, text in enumerate(PAYLOADS)]
    pts = gpd.GeoDataFrame(
        {"nama": PAYLOADS, PAYLOADS[3]: PAYLOADS, "tema": PAYLOADS},
        geometry=[Point(106.6 + i / 100, -6.2) for i in range(len(PAYLOADS))], crs=4326)
    points = [PointLayerSpec("p1", PAYLOADS[0], pts, {"nama": PAYLOADS[3], PAYLOADS[3]: "x"},
                             cluster=True, theme_column="tema")]
    html = render_map_html(kelurahan=kel, kecamatan=kec, choropleths=specs,
                           point_layers=points, tiles=None)
    return html, kel


def test_no_payload_appears_raw(evil_page):
    html, _ = evil_page
    for marker in RAW_MARKERS:
        assert marker not in html
    assert html.count("<script") == html.count("</script>")


def test_every_script_block_closes_where_expected(evil_page):
    html, _ = evil_page
    blocks = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
    assert all("alert(1)" not in b or b.startswith("{") for b in blocks)


def test_payloads_survive_as_data(evil_page):
    html, _ = evil_page
    data = payload_of(html)
    assert data["kel"]["nama"][: len(PAYLOADS)] == PAYLOADS
    assert [c["title"] for c in data["chor"]] == PAYLOADS
    assert [c["label"] for c in data["chor"]] == PAYLOADS
    assert data["pts"][0]["title"] == PAYLOADS[0]
    assert {t["label"] for t in data["pts"][0]["themes"]} == {p.strip() for p in PAYLOADS}
    assert data["pts"][0]["fields"] == [PAYLOADS[3], "x"]


def test_profile_link_only_for_valid_kode(evil_page):
    html, kel = evil_page
    data = payload_of(html)
    assert data["kel"]["link"][:3] == [0, 0, 1]
    assert data["profile"] == "/kelurahan/"


def test_map_js_builds_text_safely():
    js = (ROOT / "geoapp" / "maps" / "static" / "geoapp" / "map.js").read_text()
    assert "innerHTML" not in js
    assert "eval(" not in js and "new Function" not in js and "insertAdjacentHTML" not in js
    overlays = re.findall(r"addOverlay\(([^;]+)\);", js)
    assert overlays and all("esc(" in call for call in overlays)
    assert "KODE_RE.test(kode)" in js


@pytest.mark.parametrize("text", PAYLOADS + ["a & b", "Rp 1.234 <> 'x'"])
def test_script_json_escapes_and_round_trips(text):
    import json

    from geoapp.maps.safejson import script_json

    out = script_json({"k": text, "list": [text]})
    for ch in "<>&'\u2028\u2029":
        assert ch not in out
    assert json.loads(out) == {"k": text, "list": [text]}
