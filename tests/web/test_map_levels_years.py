"""The national map's year choice on a Banten instance (WILAYAH=36) with UMKM rows of two
years (a Tahun column): the figures, export and page take ``year`` like the city map's
endpoints (unknown year: a 400 naming the years held), all years are summed by default and
the payload says which years are shown."""

from __future__ import annotations

import csv
import io
import json

import pytest

from geoapp.imports.staging import ImportRequest, import_file
from geoapp.web import create_app

UMKM = (
    "Kode Kelurahan,Kelurahan,Kecamatan,Tahun,Jumlah Kelompok,Nilai Bantuan\n"
    "36.01.25.1001,Kadumerak,Karang Tanjung,2023,2,1000000\n"
    "36.01.25.1001,Kadumerak,Karang Tanjung,2024,5,4000000\n"
    "36.74.01.1001,Ciater,Serpong,2024,3,500000\n"
)
LAYERS = ("umkm-nilai", "umkm-kelompok", "umkm-kelompok-km2")


@pytest.fixture(scope="module")
def banten(tmp_path_factory):
    instance = tmp_path_factory.mktemp("banten_years") / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "WILAYAH": "36",
                      "CREATE_DEFAULT_PLANNER": False})
    with app.app_context():
        from geoapp.web.db import get_db

        import_file(get_db(), ImportRequest(program="umkm", data=UMKM.encode(),
                                            filename="umkm.csv", title="UMKM"))
    yield app.test_client()
    app.extensions["geoapp_db"]["engine"].dispose()


def _export(client, layer, query=""):
    response = client.get(f"/api/levels/provinsi/export.csv?layer={layer}&csv=machine{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response, list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_export_sums_every_year_or_the_one_chosen(banten):
    _, rows = _export(banten, "umkm-nilai")
    assert float(rows[0]["value"]) == 5_500_000                    # 2023 + 2024
    response, rows = _export(banten, "umkm-nilai", "&year=2024")
    assert float(rows[0]["value"]) == 4_500_000
    assert "_2024" in response.headers["Content-Disposition"]
    _, rows = _export(banten, "umkm-nilai", "&year=2023")
    assert float(rows[0]["value"]) == 1_000_000
    _, rows = _export(banten, "umkm-nilai", "&year=")             # empty: every year
    assert float(rows[0]["value"]) == 5_500_000


def test_every_layer_uses_the_same_years(banten):
    for year, groups in (("", 10), ("2023", 2), ("2024", 8)):
        _, kelompok = _export(banten, "umkm-kelompok", f"&year={year}")
        _, km2 = _export(banten, "umkm-kelompok-km2", f"&year={year}")
        assert float(kelompok[0]["value"]) == groups
        assert float(km2[0]["kelompok"]) == groups
        assert float(km2[0]["value"]) == pytest.approx(groups / float(km2[0]["luas_km2"]))


def test_figures_name_the_years_shown(banten):
    def figures(query):
        response = banten.get(f"/api/levels/kabupaten/figures.json?parent=36&layer=umkm-nilai{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return json.loads(response.data)

    body = figures("&lang=id")
    assert body["year"] is None and body["year_label"] == "Semua tahun (2023–2024)"
    shown = dict(zip(body["kode"], body["chor"]["v"], strict=True))
    assert shown["36.01"] == "Rp 5.000.000"
    body = figures("&lang=id&year=2024")
    assert body["year"] == "2024" and body["year_label"] == "Tahun 2024"
    assert dict(zip(body["kode"], body["chor"]["v"], strict=True))["36.01"] == "Rp 4.000.000"
    assert "year=2024" in body["links"]["csv"] and "year=2024" in body["links"]["geojson"]
    assert figures("&lang=en&year=2023")["year_label"] == "Year 2023"
    assert "year" not in figures("&lang=en")["links"]["csv"]


@pytest.mark.parametrize("path", ["figures.json?parent=36&", "export.csv?parent=36&"])
def test_unknown_year_is_a_clear_400(banten, path):
    response = banten.get(f"/api/levels/kabupaten/{path}layer=umkm-nilai&year=2019&lang=id")
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert "2019" in message and "2023, 2024" in message and "year" in message
    hostile = banten.get(f"/api/levels/kabupaten/{path}layer=umkm-nilai&year=%3Cb%3E")
    assert hostile.status_code == 400 and hostile.mimetype == "application/json"


def test_page_offers_the_years_of_each_layer(banten):
    html = banten.get("/?lang=id").get_data(as_text=True)
    assert 'data-testid="levels-year"' in html and '<option value="">Semua tahun</option>' in html
    assert '<option value="2023">2023</option>' in html
    assert 'value="umkm-nilai" data-years="2023,2024"' in html
