"""The national map's figures on hand-made data in a Banten instance (WILAYAH=36):
desa values summed up to kecamatan, kabupaten/kota and provinsi, rates recomputed from
summed numerators and denominators (never averaged), no data kept apart from zero,
Indonesian number formatting, exports that reconcile with the desa sums, empty states."""

from __future__ import annotations

import csv
import io
import json

import pytest

from geoapp.imports.staging import ImportRequest, import_file
from geoapp.web import create_app

HOSTILE = '</script><img src=x onerror=alert(1)>"\''
# Kecamatan Karang Tanjung (36.01.25) has exactly 4 desa; Ciater is in Serpong (36.74.01).
UMKM = (
    "Kode Kelurahan,Kelurahan,Kecamatan,Jumlah Kelompok,Nilai Bantuan\n"
    "36.01.25.1001,Kadumerak,Karang Tanjung,2,1000000\n"
    "36.01.25.1002,Cigadung,Karang Tanjung,0,0\n"
    "36.01.25.1014,Juhut,Karang Tanjung,6,3000000\n"
    "36.74.01.1001,Ciater,Serpong,3,500000\n"
    "36.74.01.1001,Ciater,Serpong,1,250000\n"
)
PENDUDUK = (
    "Kode Kelurahan,Kelurahan,Kecamatan,Jumlah Penduduk\n"
    "36.01.25.1001,Kadumerak,Karang Tanjung,1000\n"
    "36.01.25.1002,Cigadung,Karang Tanjung,2000\n"
    "36.01.25.1003,Pagadungan,Karang Tanjung,3000\n"
    "36.01.25.1014,Juhut,Karang Tanjung,4000\n"
    "36.74.01.1001,Ciater,Serpong,5000\n"
)
AREA_36_01_25 = 3.366 + 4.900 + 5.578 + 9.307     # the four desa's luas_km2


@pytest.fixture(scope="module")
def banten(tmp_path_factory):
    """A Banten instance with hand-made UMKM and population data."""
    instance = tmp_path_factory.mktemp("banten") / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "WILAYAH": "36",
                      "CREATE_DEFAULT_PLANNER": False})
    with app.app_context():
        from geoapp.web.db import get_db

        for program, text in (("umkm", UMKM), ("penduduk", PENDUDUK)):
            import_file(get_db(), ImportRequest(program=program, data=text.encode(),
                                                filename=f"{program}.csv", title=HOSTILE))
    yield app.test_client()
    app.extensions["geoapp_db"]["engine"].dispose()


def _figures(client, level, parent, layer, **extra):
    query = "&".join(f"{k}={v}" for k, v in {"parent": parent, "layer": layer, **extra}.items())
    response = client.get(f"/api/levels/{level}/figures.json?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = json.loads(response.data)
    return body, dict(zip(body["kode"], body["chor"]["v"], strict=True))


def _values(client, level, parent, layer):
    """kode -> value from the machine CSV export (full precision)."""
    response = client.get(f"/api/levels/{level}/export.csv?parent={parent}&layer={layer}"
                          "&csv=machine")
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    return {r["kode"]: r for r in rows}


def test_counts_and_sums_go_up_from_desa(banten):
    kec = _values(banten, "kecamatan", "36.01", "umkm-kelompok")
    assert float(kec["36.01.25"]["value"]) == 8            # 2 + 0 + 6
    assert kec["36.01.01"]["value"] == ""                  # no rows: no data, not 0
    kab = _values(banten, "kabupaten", "36", "umkm-kelompok")
    assert float(kab["36.01"]["value"]) == 8 and float(kab["36.74"]["value"]) == 4
    assert kab["36.71"]["value"] == ""
    prov = _values(banten, "provinsi", "", "umkm-nilai")
    assert list(prov) == ["36"] and float(prov["36"]["value"]) == 4_750_000


def test_zero_is_data_and_stays_zero(banten):
    desa = _values(banten, "desa", "36.01.25", "umkm-kelompok")
    assert float(desa["36.01.25.1002"]["value"]) == 0      # a real zero
    assert desa["36.01.25.1003"]["value"] == ""            # no rows


def test_rates_are_recomputed_from_sums_not_averaged(banten):
    km2 = _values(banten, "kecamatan", "36.01", "umkm-kelompok-km2")["36.01.25"]
    assert float(km2["value"]) == pytest.approx(8 / AREA_36_01_25, rel=1e-9)
    assert float(km2["luas_km2"]) == pytest.approx(AREA_36_01_25)
    per_1000 = _values(banten, "kecamatan", "36.01", "umkm-kelompok-1000")
    # 8 groups / 10,000 residents; the mean of the desa rates (2, 0, 1.5) would be 1.17
    assert float(per_1000["36.01.25"]["value"]) == pytest.approx(0.8)
    assert float(per_1000["36.01.25"]["penduduk"]) == 10_000
    # Serpong: residents known for 1 of its 9 desa -> no rate rather than a wrong one
    serpong = _values(banten, "kecamatan", "36.74", "umkm-kelompok-1000")["36.74.01"]
    assert serpong["value"] == "" and float(serpong["kelompok"]) == 4


def test_figures_are_classified_and_formatted_in_indonesian(banten):
    body, shown = _figures(banten, "kabupaten", "36", "umkm-nilai")
    assert shown["36.01"] == "Rp 4.000.000" and shown["36.71"] is None
    chor = body["chor"]
    assert chor["legend"]["nodata"]["n"] == len(body["kode"]) - 2
    assert sum(e["n"] for e in chor["legend"]["entries"]) == 2 == chor["n"]
    assert chor["styles"][0]["fillColor"].startswith("#") and chor["nodata"]["hatch"]
    assert body["sample"] is False and body["empty"] is None
    _, rate = _figures(banten, "kecamatan", "36.01", "umkm-kelompok-km2", lang="id")
    assert rate["36.01.25"] == "0,3"                      # 8 / 23.151 km², one decimal


def test_several_parents_share_one_classification(banten):
    body, shown = _figures(banten, "kecamatan", "36.01,36.74", "umkm-kelompok",
                           scheme="equal_interval", k=2)
    assert shown["36.01.25"] == "8" and shown["36.74.01"] == "4"
    assert body["parents"] == ["36.01", "36.74"]
    classes = dict(zip(body["kode"], body["chor"]["c"], strict=True))
    assert classes["36.01.25"] == 1 and classes["36.74.01"] == 0


def test_exports_reconcile_with_the_desa_sums(banten):
    desa = _values(banten, "desa", "36.01", "umkm-nilai")
    kec = _values(banten, "kecamatan", "36.01", "umkm-nilai")
    total = sum(float(r["nilai"]) for r in desa.values() if r["nilai"])
    assert total == sum(float(r["nilai"]) for r in kec.values() if r["nilai"]) == 4_000_000
    geo = banten.get("/api/levels/kecamatan/export.geojson?parent=36.01&layer=umkm-nilai")
    assert geo.status_code == 200 and geo.mimetype == "application/geo+json"
    features = json.loads(geo.data)["features"]
    assert [f["properties"]["kode"] for f in features] == list(kec)
    assert sum(f["properties"]["nilai"] or 0 for f in features) == 4_000_000
    assert "geoapp_umkm-nilai_kecamatan_3601.geojson" in geo.headers["Content-Disposition"]


def test_hostile_dataset_title_stays_text_in_json(banten):
    body, _ = _figures(banten, "kabupaten", "36", "umkm-kelompok")
    assert json.loads(json.dumps(body))["chor"]["label"]     # valid JSON, label kept as data
    response = banten.get("/api/levels/kabupaten/figures.json?parent=36&layer=umkm-kelompok")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_area_without_data_says_what_to_do(banten):
    body, shown = _figures(banten, "kecamatan", "36.73", "umkm-kelompok", lang="en")
    assert body["chor"]["n"] == 0 and set(shown.values()) == {None}
    assert "Kota Serang" in body["empty"] and "geoapp import" in body["empty"]
    assert "--wilayah 36" in body["empty"]


@pytest.mark.parametrize(("path", "status"), [
    ("/api/levels/kabupaten/figures.json?parent=36&layer=kwt-bibit", 404),   # no kwt data
    ("/api/levels/kabupaten/figures.json?parent=36&layer=umkm-nilai&k=99", 400),
    ("/api/levels/kabupaten/figures.json?parent=36&layer=umkm-nilai&scheme=x", 400),
    ("/api/levels/kabupaten/figures.json?parent=36&layer=umkm-nilai&bogus=1", 400),
    ("/api/levels/kecamatan/figures.json?parent=36.01,32.01&layer=umkm-nilai", 400),
    ("/api/levels/desa/figures.json?parent=36&layer=umkm-nilai", 400),
    ("/api/levels/kecamatan/figures.json?parent=" + ",".join(["36.01"] * 3 + [
        f"36.{n:02d}" for n in range(1, 70)]) + "&layer=umkm-nilai", 400),
    ("/api/levels/kecamatan/export.gpkg?parent=36.01&layer=umkm-nilai", 404),
    ("/api/levels/kecamatan/export.csv?parent=36.01&layer=umkm-nilai&csv=excel", 400),
])
def test_bad_figure_requests_get_clear_errors(banten, path, status):
    response = banten.get(path + "&lang=en")
    assert response.status_code == status, response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_page_offers_the_layers_and_no_empty_state(banten):
    page = banten.get("/?lang=en").get_data(as_text=True)
    assert 'data-testid="levels-layer"' in page and 'value="umkm-kelompok-km2"' in page
    assert 'data-testid="levels-empty"' not in page
    assert "<img src=x" not in page


def test_page_without_data_says_how_to_get_some(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True, "WILAYAH": "36",
                      "CREATE_DEFAULT_PLANNER": False})
    page = app.test_client().get("/?lang=en").get_data(as_text=True)
    assert 'data-testid="levels-empty"' in page and "--wilayah 36" in page
    assert 'data-testid="levels-layer"' not in page
    app.extensions["geoapp_db"]["engine"].dispose()


def test_sample_data_is_labelled_as_sample_data(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True, "WILAYAH": "36",
                      "CREATE_DEFAULT_PLANNER": False})
    with app.app_context():
        from geoapp.web.db import get_db

        import_file(get_db(), ImportRequest(program="umkm", data=UMKM.encode(),
                                            filename="umkm.csv", title="contoh", sample=True))
    client = app.test_client()
    body, _ = _figures(client, "kabupaten", "36", "umkm-kelompok", lang="id")
    assert body["sample"] is True and "data contoh" in body["chor"]["label"].lower()
    export = client.get("/api/levels/kabupaten/export.csv?parent=36&layer=umkm-kelompok")
    assert "_contoh.csv" in export.headers["Content-Disposition"]
    page = client.get("/?lang=id").get_data(as_text=True)
    assert 'data-testid="levels-sample"' in page and "Data contoh" in page
    app.extensions["geoapp_db"]["engine"].dispose()


def test_small_rates_of_large_areas_are_not_shown_as_zero():
    from geoapp.maps.formatting import format_bound, format_value

    assert format_value(0.043, "rate", "id") == "0,043"       # a province's groups per km²
    assert format_bound(0.00012, "rate", "en") == "0.00012"
    assert format_value(0.25, "rate", "id") == "0,2" and format_value(0, "rate", "id") == "0,0"


def test_page_with_a_hostile_state_url_reflects_none_of_it(banten):
    """The map's state in the URL is read by map-levels.js only: the page never prints it."""
    query = ("layer=%3Cscript%3Ex%3C%2Fscript%3E&scheme=%3Cb%3E&k=abc&z=abc&c=999,999"
             "&level=%3Ci%3E&area=%3Cimg%20src%3Dx%3E")
    response = banten.get("/?lang=en&" + query)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>x" not in page and "<img src=x" not in page and "<b>" not in page
    assert 'data-testid="share-button"' in page and ">Share<" in page
    assert 'data-copied="Link copied."' in page
    assert ">Bagikan<" in banten.get("/?lang=id").get_data(as_text=True)


@pytest.mark.parametrize("extra", ["z=5", "c=-6.2,106.6", "area=36.74", "level=desa",
                                   "lang=%3Cscript%3E"])
def test_map_state_parameters_are_refused_by_the_figures_api(banten, extra):
    """Only parent, layer, scheme, k (and a known lang) reach the API: anything else is a
    400 naming the parameter, never silently used."""
    response = banten.get("/api/levels/kabupaten/figures.json?parent=36&layer=umkm-nilai&" + extra)
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_data(as_text=True)
    assert f"'{extra.split('=')[0]}'" in body
    assert response.mimetype == "application/json"          # an echoed value is never HTML


def test_level_csv_writes_yes_no_in_words_and_areas_are_rounded(banten):
    def rows(url, delimiter):
        text = banten.get(url).data.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))

    base = "/api/levels/kecamatan/export.csv?parent=36.01&layer=umkm-nilai"
    assert {r["sample"] for r in rows(base + "&csv=id", ";")} == {"tidak"}
    assert {r["sample"] for r in rows(base + "&csv=en", ",")} == {"no"}
    assert {r["sample"] for r in rows(base + "&csv=machine", ",")} == {"False"}
    city = rows("/api/layers/umkm-nilai.csv?csv=id", ";")     # the city export: same words
    assert city and {r["sample"] for r in city} == {"tidak"}
    for level, parent in (("kecamatan", "36.01"), ("kabupaten", "36"), ("provinsi", ""),
                          ("desa", "36.01")):
        geo = banten.get(f"/api/levels/{level}/export.geojson?parent={parent}&layer=umkm-nilai")
        assert geo.status_code == 200, (level, geo.get_data(as_text=True)[:200])
        areas = [f["properties"]["luas_km2"] for f in json.loads(geo.data)["features"]]
        assert areas and all(a is None or a == round(a, 3) for a in areas), (level, areas[:5])
        raw = geo.get_data(as_text=True)
        assert not __import__("re").search(r'"luas_km2": ?-?\d+\.\d{4,}', raw), level


def test_a_layer_whose_measure_column_is_missing_says_so(tmp_path):
    """Rows matched, but no column was read as 'kelompok' (header 'Jumlah Penerima'): the
    empty state names the missing column, not 'no matched rows'."""
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True,
                      "WILAYAH": "36", "CREATE_DEFAULT_PLANNER": False})
    text = ("Kode Kelurahan,Kelurahan,Kecamatan,Jumlah Penerima,Nilai Bantuan\n"
            "36.01.25.1001,Kadumerak,Karang Tanjung,2,1000000\n"
            "36.74.01.1001,Ciater,Serpong,3,500000\n")
    with app.app_context():
        from geoapp.web.db import get_db

        import_file(get_db(), ImportRequest(program="umkm", data=text.encode(),
                                            filename="umkm.csv", title="UMKM"))
    client = app.test_client()
    body, _ = _figures(client, "provinsi", "", "umkm-kelompok-km2", lang="en")
    assert body["chor"]["n"] == 0
    assert "2 matched rows" in body["empty"] and "'Groups aided'" in body["empty"]
    assert "none of its desa" not in body["empty"]
    body, _ = _figures(client, "provinsi", "", "umkm-kelompok-km2", lang="id")
    assert "2 baris cocok" in body["empty"] and "tidak ada kolomnya" in body["empty"]
    body, values = _figures(client, "provinsi", "", "umkm-nilai", lang="en")
    assert body["empty"] is None and values["36"] == "Rp 1,500,000"
    app.extensions["geoapp_db"]["engine"].dispose()
