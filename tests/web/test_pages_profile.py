"""The kelurahan profile page ``/kelurahan/<kode>``."""

from __future__ import annotations

import re
from html import unescape

import pytest

from geoapp import figures
from geoapp.store import activate, stage_import
from geoapp.web import create_app
from geoapp.web.db import get_active, get_db
from geoapp.web.profile_view import percentile

XSS = "<img src=x onerror=alert(1)>"
KODE = "36.71.01.1001"


@pytest.fixture
def sample_client(shared_sample_client):
    """Read-only client on the shared sample-data app (tests/web/conftest.py)."""
    return shared_sample_client


def _stage(session, program, title, headers, rows):
    ds = stage_import(session, program=program, title=title, headers=headers, rows=rows,
                      ledger={}, report={}, source_sha256="", source_name="tiny.csv",
                      user="perencana")
    return activate(session, ds.id)


@pytest.fixture
def tiny_client(tmp_path, monkeypatch):
    """UMKM (0 in one kelurahan, nothing in others) and hostile KWT/ecofarm names."""
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True,
                      "LOAD_SAMPLE_DATA": False})
    with app.app_context():
        session = get_db()
        umkm = [{"cells": [k, str(n)], "kode": k, "status": "matched",
                 "measures": {"Jumlah Kelompok": n}}
                for k, n in ((KODE, 0), ("36.71.01.1002", 5), ("36.71.07.1001", 2))]
        _stage(session, "umkm", "UMKM", ["Kode", "Jumlah Kelompok"], umkm)
        kwt = [{"cells": [KODE, f"KWT {XSS}", "12", "300"], "kode": KODE, "status": "matched",
                "measures": {"Anggota": 12, "Bibit": 300}, "lat": -6.176, "lon": 106.633}]
        _stage(session, "kwt", f"KWT {XSS}", ["Kode", "Nama KWT", "Anggota", "Bibit"], kwt)
        eco = [{"cells": [KODE, f"Kebun {XSS}", f"Hidroponik {XSS}"], "kode": KODE,
                "status": "matched", "measures": {}}]
        _stage(session, "ecofarm", "Ecofarm", ["Kode", "Nama Lokasi", "Jenis"], eco)
    yield app.test_client()
    app.extensions["geoapp_db"]["engine"].dispose()


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def row_of(html: str, testid: str) -> list[str]:
    """The texts of one table row's cells: title, value, rank in kecamatan, rank in city."""
    match = re.search(rf'<tr data-testid="{testid}">(.*?)</tr>', html, re.S)
    assert match, testid
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]


def test_profile_shows_figures_with_ranks_and_places(sample_app):
    html = page(sample_app.test_client(), f"/kelurahan/{KODE}")
    with sample_app.app_context():
        profile = figures.kelurahan_profile(get_db(), get_active(), KODE)
    assert "Kelurahan Sukarasa" in html and "Kecamatan Tangerang" in html
    fig = next(f for f in profile["figures"] if f["layer"] == "umkm-kelompok")
    assert row_of(html, "figure-umkm-kelompok")[1:] == [
        f"{int(fig['value']):,}".replace(",", "."),
        f"peringkat {fig['rank_kecamatan']} dari {fig['ranked_kecamatan']}",
        f"peringkat {fig['rank_city']} dari {fig['ranked_city']}"]
    nilai = row_of(html, "figure-umkm-nilai")[1]
    assert re.fullmatch(r"Rp \d{1,3}(\.\d{3})+", nilai)  # Indonesian number format
    for program in ("kampung", "kwt", "ecofarm"):
        section = re.search(rf'data-testid="places-{program}">(.*?)</section>', html, re.S)
        assert section
        for place in profile["points"][program]:
            assert place["nama"] in unescape(section.group(1))
    assert profile["points"]["kampung"], "the sample has a kampung tematik in Sukarasa"
    assert "Data contoh — bukan data resmi" in html
    assert 'href="/"' in html and 'data-testid="back-to-map"' in html


def test_profile_has_light_csp_friendly_map_and_bar_chart(sample_client):
    html = page(sample_client, f"/kelurahan/{KODE}")
    outline = re.search(r'data-testid="profile-outline">(.*?)</figure>', html, re.S).group(1)
    assert outline.count('class="outline-self"') == 1
    assert outline.count('class="outline-other"') == 7  # the other kelurahan of Tangerang
    assert re.search(r'<path d="M[\d.,LMZ]+"', outline)
    bars = re.search(r'data-testid="profile-bars">(.*?)</section>', html, re.S).group(1)
    assert 'data-testid="bar-umkm"' in bars and "persentil peringkat" in bars
    assert "<script" not in html and " style=" not in html


def test_percentile_is_share_at_or_below():
    assert percentile(1, 104) == 100.0
    assert percentile(104, 104) == pytest.approx(100 / 104)
    assert percentile(None, 104) is None and percentile(1, 0) is None


def test_no_data_is_distinct_from_zero(tiny_client):
    zero = row_of(page(tiny_client, f"/kelurahan/{KODE}"), "figure-umkm-kelompok")
    assert zero[1:] == ["0", "peringkat 2 dari 2", "peringkat 3 dari 3"]
    none = row_of(page(tiny_client, "/kelurahan/36.71.01.1003"), "figure-umkm-kelompok")
    assert none[1:] == ["Tidak ada data", "", ""]


def test_unknown_kode_404_and_malformed_400(client):
    unknown = client.get("/kelurahan/36.71.99.9999")
    assert unknown.status_code == 404 and "36.71.99.9999" in unknown.get_data(as_text=True)
    for bad in ("abc", "36.71.01", "36.71.01.1001.5", "%3Cscript%3E"):
        response = client.get(f"/kelurahan/{bad}")
        assert response.status_code == 400, bad
        assert "36.71.01.1001" in response.get_data(as_text=True)  # shows the expected form
        assert "<script>" not in response.get_data(as_text=True)


def test_other_written_forms_redirect_to_the_dotted_kode(client):
    response = client.get("/kelurahan/3671011001")
    assert response.status_code == 301 and response.headers["Location"] == f"/kelurahan/{KODE}"


def test_profile_without_data(client):
    html = page(client, f"/kelurahan/{KODE}")
    assert "Belum ada data yang diimpor." in html and "Kelurahan Sukarasa" in html
    assert "Data contoh" not in html


def test_hostile_place_names_are_escaped(tiny_client):
    html = page(tiny_client, f"/kelurahan/{KODE}")
    assert XSS not in html and "<img" not in html
    assert "KWT &lt;img src=x onerror=alert(1)&gt;" in html
    assert "Hidroponik &lt;img src=x onerror=alert(1)&gt;" in html
    assert "Anggota: 12" in unescape(html) and "Bibit diterima: 300" in unescape(html)


def test_profile_in_english(sample_client):
    html = page(sample_client, f"/kelurahan/{KODE}?lang=en")
    assert "Program figures" in html and "rank " in html and "Back to the map" in html
