"""The compare page's maps: two years or two versions, never A = B, the change map (difference
and percent change on a diverging palette centred on zero), appearing/disappearing kelurahan
and the printed change map."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from test_versions_compare import login, second_umkm_version

from geoapp.figures.change import Side, kelurahan_change
from geoapp.maps.diverging import diverging_classes
from geoapp.maps.palettes import ZERO_FILL, diverging_colors
from geoapp.web.db import get_db


def _payload(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="compare-data">(.*?)</script>', html,
                  re.S)
    assert m, "no compare data"
    return json.loads(m.group(1))


def test_default_is_the_two_newest_years_never_a_equals_b(sample_app, token):
    client = login(sample_app, token)
    r = client.get("/data/versions/compare?program=umkm")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert re.search(r'name="year_a".*?<option selected>2020</option>', html, re.S)
    assert re.search(r'name="year_b".*?<option selected>2021</option>', html, re.S)
    data = _payload(html)
    assert len(data["features"]) == 104
    assert data["labels"]["a"] != data["labels"]["b"]
    assert 'data-testid="map-a"' in html and 'data-testid="map-change"' in html
    assert "Data contoh — bukan data resmi" in html
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/compare.js" in html
    assert '/data/versions/compare/print.pdf?' in html


def test_two_versions_list_kelurahan_that_appear_and_disappear(sample_app, token):
    old, new = second_umkm_version(sample_app)
    client = login(sample_app, token)
    html = client.get(f"/data/versions/compare?a={old}&b={new}&measure=kelompok"
                      "&show=pct&view=swipe").get_data(as_text=True)
    assert 'data-view="swipe"' in html and 'data-testid="compare-summary"' in html
    with sample_app.app_context():
        change = kelurahan_change(get_db(), Side(old), Side(new), measure="kelompok")
    assert {k["kode"] for k in change.disappeared} and not change.appeared
    assert len(change.disappeared) == sum(1 for v in change.frame["a"] if v == v) - 2
    for k in change.disappeared[:3]:
        assert k["kode"] in html
    cipondoh = change.frame[change.frame["kode"] == "36.71.05.1001"].iloc[0]
    assert cipondoh["b"] == 2500 and cipondoh["diff"] == 2500 - cipondoh["a"]


def test_same_sides_and_bad_parameters_are_clear_errors(sample_app, token):
    client = login(sample_app, token)
    for query, word in [("a=1&b=1", "A"), ("a=1&b=1&year_a=2020&year_b=2020", "A"),
                        ("a=1&b=1&year_a=1999&year_b=2020", "1999"),
                        ("program=umkm&show=ratio", "show"), ("program=umkm&view=x", "view"),
                        ("a=1&b=1&year_a=2020&year_b=2021&measure=zz", "zz"),
                        ("program=nope", "program")]:
        for lang in ("id", "en"):
            r = client.get(f"/data/versions/compare?{query}&lang={lang}")
            body = r.get_data(as_text=True)
            assert r.status_code == 400, query
            assert word in body and "Traceback" not in body


def test_change_classes_are_centred_on_zero():
    classes = diverging_classes(np.array([-30.0, -5.0, 0.0, 10.0, 30.0, np.nan]))
    down, up = diverging_colors(3)
    assert classes.fills == [down[0], down[2], ZERO_FILL, up[0], up[2], None]
    lows = [row[0] for row in classes.rows]
    assert lows[0] == -30 and classes.rows[-1][1] == 30
    assert (0.0, 0.0) in [(r[0], r[1]) for r in classes.rows]


def test_change_map_prints(sample_app, token, tmp_path):
    client = login(sample_app, token)
    r = client.get("/data/versions/compare/print.pdf?a=1&b=1&year_a=2020&year_b=2021"
                   "&show=pct&lang=en")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert shutil.which("pdftotext")
    path = tmp_path / "change.pdf"
    path.write_bytes(r.data)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   check=True).stdout.decode().split())
    assert "change in Aid groups, 2020 → 2021" in text or "2020 → 2021" in text
    assert "percent change" in text and "(increase)" in text and "Sample data" in text
    assert "kelurahan disappear" in text
    png = client.get("/data/versions/compare/print.png?a=1&b=1&year_a=2020&year_b=2021")
    assert png.status_code == 200 and png.data[:4] == b"\x89PNG"


def test_hostile_title_is_escaped_on_the_compare_page(sample_app, token):
    old, new = second_umkm_version(sample_app)      # titled "UMKM <b>baru</b>"
    client = login(sample_app, token)
    html = client.get(f"/data/versions/compare?a={old}&b={new}").get_data(as_text=True)
    assert "<b>baru</b>" not in html and "UMKM &lt;b&gt;baru&lt;/b&gt;" in html


@pytest.mark.parametrize("path", ["/data/versions/compare?program=umkm",
                                  "/data/versions/compare/print.pdf?program=umkm"])
def test_compare_needs_a_planner(sample_app, path):
    r = sample_app.test_client().get(path)
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]


def test_versions_page_never_preselects_a_equal_to_b(sample_app, token):
    old, new = second_umkm_version(sample_app)
    client = login(sample_app, token)
    html = client.get("/data/versions").get_data(as_text=True)
    form = html[html.index('data-testid="compare-form"'):]
    chosen_a = re.search(r'name="a"[^>]*>.*?<option value="(\d+)" selected', form, re.S)
    chosen_b = re.search(r'name="b"[^>]*>.*?<option value="(\d+)" selected', form, re.S)
    assert chosen_a and chosen_b      # the two newest of the program with two versions
    assert (int(chosen_a.group(1)), int(chosen_b.group(1))) == (old, new)
    assert 'data-testid="compare-link"' in html
