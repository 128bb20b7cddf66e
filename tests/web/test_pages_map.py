"""The planners' map page ``/``: layers, legends, controls, downloads, errors, escaping."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event

from geoapp.store import activate, stage_import
from geoapp.web import create_app
from geoapp.web.db import get_db

XSS = "<img src=x onerror=alert(1)>"
AREA_KEYS = ["umkm-kelompok-km2", "blk-peserta", "kwt-bibit", "jobfair-lowongan"]
POINT_KEYS = ["kwt-titik", "ecofarm-titik", "kampung-tematik"]
_DATA_RE = re.compile(r'<script type="application/json" id="geoapp-data-[0-9a-f]+">(.*?)</script>',
                      re.S)


# ----------------------------------------------------------------- fixtures


@pytest.fixture
def sample_client(shared_sample_client):
    """Read-only client on the shared sample-data app (tests/web/conftest.py)."""
    return shared_sample_client


def _stage(session, program, title, headers, rows, sample=False):
    ds = stage_import(session, program=program, title=title, headers=headers, rows=rows,
                      ledger={}, report={}, source_sha256="", source_name="tiny.csv",
                      user="perencana", sample=sample)
    return activate(session, ds.id)


def umkm_rows():
    """Hand-made UMKM rows: two kelurahan of kecamatan Tangerang, one of Karawaci."""
    rows = [("36.71.01.1001", 4, 20_000_000, "Tangerang BISA", "2020"),
            ("36.71.01.1001", 0, 0, "Tangerang Emas", "2021"),
            ("36.71.01.1002", 0, 0, "Tangerang BISA", "2020"),
            ("36.71.07.1001", 6, 30_000_000, "Tangerang Emas", "2021")]
    return [{"cells": [kode, str(k), str(n), prog, year], "kode": kode, "status": "matched",
             "measures": {"Jumlah Kelompok": k, "Nilai Bantuan": n}} for kode, k, n, prog, year in rows]


UMKM_HEADERS = ["Kode", "Jumlah Kelompok", "Nilai Bantuan", "Program", "Tahun"]


@pytest.fixture
def tiny_app(tmp_path, monkeypatch):
    """UMKM and kampung tematik only (no population), with hostile names and titles."""
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True,
                      "LOAD_SAMPLE_DATA": False})
    with app.app_context():
        session = get_db()
        _stage(session, "umkm", f"Bantuan {XSS}", UMKM_HEADERS, umkm_rows())
        kampung = [{"cells": ["36.71.01.1001", f"Kampung {XSS}", f"Tema {XSS}"],
                    "kode": "36.71.01.1001", "status": "matched", "measures": {},
                    "lat": -6.176, "lon": 106.633}]
        _stage(session, "kampung", "Kampung tematik", ["Kode", "Nama Kampung", "Tema"], kampung)
    yield app
    app.extensions["geoapp_db"]["engine"].dispose()


# ----------------------------------------------------------------- helpers


def page(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def payload(html: str) -> dict:
    found = _DATA_RE.findall(html)
    assert len(found) == 1
    return json.loads(found[0])


def chor(data: dict, key: str) -> dict:
    return next(c for c in data["chor"] if c["key"] == key)


def values_by_kode(data: dict, key: str) -> dict[str, str | None]:
    return dict(zip(data["kel"]["kode"], chor(data, key)["v"], strict=True))


# ----------------------------------------------------------------- the page on sample data


def test_map_page_has_every_layer_legend_and_control_data(sample_client):
    html = page(sample_client)
    data = payload(html)
    assert [c["key"] for c in data["chor"]] == AREA_KEYS
    assert [p["key"] for p in data["pts"]] == POINT_KEYS
    titles = [c["title"] for c in data["chor"]] + [p["title"] for p in data["pts"]]
    assert "Kepadatan bantuan modal usaha (kelompok per km²)" in titles
    assert "Peserta pelatihan BLK per kelurahan" in titles
    assert "Lowongan job fair per kelurahan" in titles
    assert any(t.startswith("Lokasi Kelompok Wanita Tani") for t in titles)
    assert any(t.startswith("Lokasi ecofarm") for t in titles)
    assert any(t.startswith("Kampung tematik") for t in titles)
    for c in data["chor"]:
        assert c["legend"]["entries"] and c["legend"]["nodata"]["text"] == "Tidak ada data"
        assert "data contoh" in c["label"]  # the source line under each legend
    assert all("data contoh" in p["title"] for p in data["pts"])
    assert len(data["kel"]["kode"]) == 104 and data["geoUrl"] == "/api/batas.json"
    assert data["geo"] is None and data["kec"] is not None  # kecamatan labels on top
    assert 'data-testid="map"' in html and "geoappMap.init(" in html


def test_kampung_points_are_clustered_and_ecofarm_has_its_own_icon(sample_client):
    data = payload(page(sample_client))
    pts = {p["key"]: p for p in data["pts"]}
    assert pts["kampung-tematik"]["cluster"] is True
    assert len(pts["kampung-tematik"]["themes"]) > 1  # icons by theme
    assert pts["ecofarm-titik"]["themes"][0]["shape"] == "sprout"
    kwt_fields = pts["kwt-titik"]["fields"]
    assert kwt_fields[:3] == ["Nama", "Anggota", "Bibit"] and "Kelurahan" in kwt_fields


def test_geometry_payload_has_104_kelurahan(sample_client):
    response = sample_client.get("/api/batas.json")
    assert response.status_code == 200
    assert len(response.get_json()["kel"]["kode"]) == 104


def test_tooltip_values_are_indonesian_formatted_with_ranks(sample_client):
    data = payload(page(sample_client, "/?v_umkm=umkm-nilai"))
    nilai = chor(data, "umkm-nilai")
    shown = [v for v in nilai["v"] if v is not None]
    assert shown and all(re.fullmatch(r"Rp \d{1,3}(\.\d{3})*", v) for v in shown)
    ranks = [r for r in nilai["r"] if r is not None]
    assert min(ranks) == 1 and max(ranks) <= nilai["n"] == len(shown)
    assert data["t"]["rank"] == "peringkat {rank} dari {total}"
    assert data["profile"] == "/kelurahan/" and set(data["kel"]["link"]) == {1}
    # the popup lists every map program's figure: one choropleth per program
    assert {c["key"].split("-")[0] for c in data["chor"]} == {"umkm", "blk", "kwt", "jobfair"}


def test_scheme_and_k_change_the_classes(sample_client):
    k3 = chor(payload(page(sample_client, "/?k=3")), "umkm-kelompok-km2")
    k7 = chor(payload(page(sample_client, "/?k=7")), "umkm-kelompok-km2")
    assert len(k3["legend"]["entries"]) == 3 and len(k7["legend"]["entries"]) == 7
    assert max(k3["c"]) == 2 and max(k7["c"]) == 6
    quant = chor(payload(page(sample_client, "/?scheme=quantiles")), "blk-peserta")
    equal = chor(payload(page(sample_client, "/?scheme=equal_interval")), "blk-peserta")
    jenks = chor(payload(page(sample_client, "/?scheme=fisher_jenks")), "blk-peserta")
    assert quant["c"] != equal["c"] and equal["legend"] != jenks["legend"]


def test_measure_variant_switches_the_umkm_layer(sample_client):
    html = page(sample_client, "/?v_umkm=umkm-kelompok-1000&v_blk=blk-peserta-1000")
    keys = [c["key"] for c in payload(html)["chor"]]
    assert keys[:2] == ["umkm-kelompok-1000", "blk-peserta-1000"]
    assert 'value="umkm-kelompok-1000" selected' in html
    assert 'data-testid="download-umkm-kelompok-1000-csv"' in html


def test_kecamatan_filter_limits_the_kelurahan_with_values(sample_client):
    whole = payload(page(sample_client))
    html = page(sample_client, "/?kecamatan=36.71.07")
    data = payload(html)
    assert len(data["kel"]["kode"]) == 16 < len(whole["kel"]["kode"])
    assert all(k.startswith("36.71.07.") for k in data["kel"]["kode"])
    assert [v for v in chor(data, "blk-peserta")["v"] if v is not None]
    for layer in data["pts"]:
        assert all(p[0] < -6.1 for p in layer["p"])  # points still present...
    assert sum(len(p["p"]) for p in data["pts"]) < sum(len(p["p"]) for p in whole["pts"])
    assert 'href="/api/layers/blk-peserta.csv?kecamatan=36.71.07"' in html


def test_program_and_year_filters_change_the_values(sample_client):
    base = payload(page(sample_client))
    bisa = payload(page(sample_client, "/?program=umkm%3ATangerang+BISA"))
    assert values_by_kode(bisa, "umkm-kelompok-km2") != values_by_kode(base, "umkm-kelompok-km2")
    assert values_by_kode(bisa, "blk-peserta") == values_by_kode(base, "blk-peserta")
    html = page(sample_client, "/?year=2020")
    year = payload(html)
    assert values_by_kode(year, "umkm-kelompok-km2") != values_by_kode(base, "umkm-kelompok-km2")
    assert 'value="2020" selected' in html


def test_download_links_carry_the_filters(sample_client):
    html = unescape(page(sample_client, "/?year=2021&program=umkm%3ATangerang+Emas&k=4"))
    for key in AREA_KEYS + POINT_KEYS:
        for fmt in ("geojson", "csv", "gpkg", "png"):
            assert f'data-testid="download-{key}-{fmt}"' in html
    assert ('href="/api/layers/umkm-kelompok-km2.geojson?year=2021&subprogram=Tangerang+Emas"'
            in html)
    assert 'href="/api/layers/umkm-kelompok-km2.png?year=2021&subprogram=Tangerang+Emas' \
           '&scheme=quantiles&k=4"' in html
    # the sub-program is UMKM's; the sample BLK file has no year column
    assert 'href="/api/layers/blk-peserta.csv"' in html
    assert "Saringan tahun 2021 hanya berlaku untuk program yang punya kolom tahun" in html


@pytest.mark.parametrize("query, name", [
    ("scheme=jenks", "scheme"), ("k=1", "'k'"), ("k=10", "'k'"), ("k=abc", "'k'"),
    ("year=1999", "year"), ("kecamatan=36.71.99", "kecamatan"),
    ("program=umkm%3ANope", "program"), ("v_umkm=blk-peserta", "v_umkm"),
    ("kecamatan=%27%20OR%201%3D1--", "kecamatan"),
])
def test_invalid_parameters_give_a_clear_400_page(sample_client, query, name):
    response = sample_client.get(f"/?{query}")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert name in unescape(text) and "Traceback" not in text


def test_sample_data_is_labelled(sample_client):
    html = page(sample_client)
    assert html.count("Data contoh — bukan data resmi") >= 2
    assert 'data-testid="sample-banner"' in html


def test_controls_have_stable_test_ids(sample_client):
    html = page(sample_client)
    for testid in ("map-controls", "control-scheme", "control-k", "control-year",
                   "control-program", "control-kecamatan", "control-submit",
                   "control-variant-umkm", "control-variant-blk", "map"):
        assert f'data-testid="{testid}"' in html
    assert 'method="get"' in html and " onclick=" not in html and " onchange=" not in html


def test_no_external_url_except_the_tile_template(sample_client):
    html = page(sample_client)
    urls = set(re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+[^\s\"'<>)]*", html))
    allowed = {"https://tile.openstreetmap.org/{z}/{x}/{y}.png",
               "https://github.com/cahyadsn/wilayah_boundaries",  # footer credits (links)
               "https://www.openstreetmap.org/copyright"}
    assert urls <= allowed, urls - allowed
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith("//")


def test_english_titles(sample_client):
    data = payload(page(sample_client, "/?lang=en"))
    assert chor(data, "umkm-kelompok-km2")["title"] == "Business-aid density (groups per km²)"
    assert "sample data" in chor(data, "blk-peserta")["label"]


# ----------------------------------------------------------------- hand-made stores


def test_empty_state_when_no_dataset_is_active(client):
    html = page(client)
    assert 'data-testid="empty-state"' in html and "Belum ada data yang diimpor." in html
    data = payload(html)
    assert data["chor"] == [] and data["pts"] == [] and len(data["kel"]["kode"]) == 104
    assert "Data contoh" not in html and 'data-testid="control-variant-umkm"' not in html
    assert 'href="/auth/login"' in html


def test_per_1000_variant_only_with_population(tiny_app):
    client = tiny_app.test_client()
    html = page(client)
    assert 'value="umkm-kelompok-km2"' in html and 'value="umkm-nilai"' in html
    assert "umkm-kelompok-1000" not in html
    assert client.get("/?v_umkm=umkm-kelompok-1000").status_code == 400


def test_values_no_data_and_zero_are_distinct(tiny_app):
    data = payload(page(tiny_app.test_client(), "/?v_umkm=umkm-kelompok"))
    values = values_by_kode(data, "umkm-kelompok")
    assert values["36.71.01.1001"] == "4" and values["36.71.01.1002"] == "0"
    assert values["36.71.01.1003"] is None
    filtered = payload(page(tiny_app.test_client(),
                            "/?v_umkm=umkm-kelompok&program=umkm%3ATangerang+Emas&year=2021"))
    assert values_by_kode(filtered, "umkm-kelompok")["36.71.07.1001"] == "6"
    assert values_by_kode(filtered, "umkm-kelompok")["36.71.01.1001"] == "0"


def test_hostile_names_and_titles_are_escaped(tiny_app):
    html = page(tiny_app.test_client())
    assert XSS not in html and "<img" not in html
    assert "Bantuan &lt;img src=x onerror=alert(1)&gt;" in html  # the active data list
    data = payload(html)
    kampung = next(p for p in data["pts"] if p["key"] == "kampung-tematik")
    assert kampung["p"][0][3][0] == f"Kampung {XSS}"  # intact as data, set with textContent


def test_active_data_list_comes_from_the_active_versions_service(tiny_app):
    client = tiny_app.test_client()
    html = page(client)
    listed = re.findall(r"<li>(.*?) \((\w+), versi (\d+),", html)
    assert [(program, version) for _, program, version in listed] == [("umkm", "1"),
                                                                      ("kampung", "1")]
    engine = tiny_app.extensions["geoapp_db"]["engine"]
    seen: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        again = page(client)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert re.findall(r"<li>(.*?) \((\w+), versi (\d+),", again) == listed
    assert not [s for s in seen if "FROM datasets" in s], seen     # nothing changed: no query


def test_layer_radio_overlays_and_print_links_follow_the_query(sample_client):
    html = unescape(page(sample_client, "/?layer=blk&hide=kwt-titik,kecamatan&k=4"))
    assert re.search(r'<input type="radio" name="layer" value="blk"[^>]*checked', html)
    assert not re.search(r'<input type="radio" name="layer" value="umkm"[^>]*checked', html)
    assert not re.search(r'data-overlay="kwt-titik"[^>]*checked', html)
    assert re.search(r'data-overlay="ecofarm-titik"[^>]*checked', html)
    for fmt in ("pdf", "png"):      # the print takes the choices and the points shown
        href = re.search(rf'id="print-{fmt}"[^>]*href="([^"]+)"', html).group(1)
        url = urlsplit(href)
        assert url.path == f"/map/print.{fmt}"
        assert parse_qs(url.query) == {"layer": ["blk"], "k": ["4"],
                                       "points": ["ecofarm-titik,kampung-tematik"]}
    assert "Cetak / Unduh peta" in html and "Bagikan" in html
    assert payload(page(sample_client, "/?layer=blk"))["panel"] is True


def test_program_filter_of_another_layer_is_noted_without_javascript(sample_client):
    note = "'Tangerang BISA' hanya berlaku untuk"
    assert note in unescape(page(sample_client, "/?layer=blk&program=umkm%3ATangerang+BISA"))
    assert note not in unescape(page(sample_client, "/?program=umkm%3ATangerang+BISA"))


@pytest.mark.parametrize("query", ["layer=nope", "hide=kwt-titik,nope"])
def test_bad_layer_or_hide_is_a_clear_400(sample_client, query):
    response = sample_client.get(f"/?{query}")
    assert response.status_code == 400
    assert "nope" in response.get_data(as_text=True)
