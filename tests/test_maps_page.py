import importlib.util
import json
import re

import numpy as np
import pytest
from test_maps_support import ROOT, kecamatan_layer, kelurahan_layer, payload_of

from geoapp.core.errors import GeoappError
from geoapp.maps import ChoroplethSpec, build_map, render_map_html, vendor_files
from geoapp.maps.choropleth import style_of
from geoapp.maps.page import OSM_TILES

URL_RE = re.compile(r"https?://[^\s\"'<>)]+")
SPECS = [
    ChoroplethSpec("umkm", "Penerima UMKM", "umkm", "count", "YlGnBu", "quantiles", 5, "UMKM 2024"),
    ChoroplethSpec("blk", "Peserta BLK", "blk", "count", "PuBu", "fisher_jenks", 4),
    ChoroplethSpec("kwt", "Anggota KWT", "kwt", "number", "Greens", "equal_interval", 3),
    ChoroplethSpec("rp", "Bantuan UMKM", "bantuan_rp", "rupiah", "YlOrRd", "quantiles", 6),
]


@pytest.fixture(scope="module")
def kel():
    return kelurahan_layer()


@pytest.fixture(scope="module")
def kec():
    return kecamatan_layer()


@pytest.fixture(scope="module")
def html(kel, kec):
    return render_map_html(kelurahan=kel, kecamatan=kec, choropleths=SPECS, tiles=None)


def test_no_remote_url_without_tiles(html):
    assert URL_RE.findall(html) == []
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert ref.startswith("/static/vendor/")


def test_only_remote_url_is_the_tile_template(kel, kec):
    page = render_map_html(kelurahan=kel, kecamatan=kec, choropleths=SPECS)
    assert set(URL_RE.findall(page)) == {OSM_TILES}


def test_no_cdn_libraries(html):
    for name in ("jquery", "bootstrap", "awesome-markers", "font-awesome", "fontawesome",
                 "glyphicons", "cdnjs", "jsdelivr", "unpkg"):
        assert name not in html.lower()


def test_assets_follow_prefix_and_cluster_loaded_only_when_needed(kel):
    page = render_map_html(kelurahan=kel, choropleths=SPECS[:1], tiles=None,
                           asset_prefix="/app/static/v/")
    assert '<script src="/app/static/v/leaflet/leaflet.js">' in page
    assert '<script src="/app/static/v/geoapp/map.js">' in page
    assert "markercluster" not in page


@pytest.mark.parametrize("prefix", ["https://cdn.example/x", "//evil/x", "/a b", '/a"onload="x'])
def test_bad_asset_prefix_is_rejected(kel, prefix):
    with pytest.raises(GeoappError) as err:
        build_map(kelurahan=kel, asset_prefix=prefix, tiles=None)
    assert err.value.code == "map_bad_asset_prefix"


def test_vendor_files_exist_and_cover_page_links(html):
    files = vendor_files()
    assert {"leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/marker-icon.png",
            "markercluster/leaflet.markercluster.js", "geoapp/map.js", "geoapp/map.css"} <= set(files)
    for path in files.values():
        assert path.is_file() and path.stat().st_size > 0
    for ref in re.findall(r'(?:src|href)="/static/vendor/([^"]+)"', html):
        assert ref in files


def test_geometry_sent_once_for_104_kelurahan(html):
    data = payload_of(html)
    assert len(data["geo"]["kel"]["geom"]) == 104
    assert html.count(data["geo"]["kel"]["geom"][5][0][0]) == 1
    assert len(data["chor"]) == 4
    for chor in data["chor"]:
        assert len(chor["c"]) == len(chor["v"]) == len(chor["r"]) == 104
        assert "geom" not in chor


def test_more_choropleths_do_not_multiply_geometry(kel, kec):
    one = render_map_html(kelurahan=kel, kecamatan=kec, choropleths=SPECS[:1], tiles=None)
    four = render_map_html(kelurahan=kel, kecamatan=kec, choropleths=SPECS, tiles=None)
    geometry = len(json.dumps(payload_of(one)["geo"]))
    assert geometry > 20_000
    assert len(four) - len(one) < 0.3 * geometry


def test_boundaries_url_leaves_geometry_out(kel, kec):
    page = render_map_html(kelurahan=kel, kecamatan=kec, choropleths=SPECS, tiles=None,
                           boundaries_url="/api/batas/kelurahan.json?v=2")
    data = payload_of(page)
    assert data["geo"] is None
    assert data["geoUrl"] == "/api/batas/kelurahan.json?v=2"
    assert len(page) < 30_000


@pytest.mark.parametrize("url", ["https://evil.example/b.json", "//evil/b.json",
                                 "javascript:alert(1)", "/b.json\"><script>"])
def test_boundaries_url_must_be_an_app_path(kel, url):
    with pytest.raises(GeoappError) as err:
        build_map(kelurahan=kel, boundaries_url=url, tiles=None)
    assert err.value.code == "map_bad_boundaries_url"


def test_nan_and_zero_are_styled_differently(html, kel):
    chor = payload_of(html)["chor"][0]
    assert np.isnan(kel.loc[0, "umkm"]) and kel.loc[1, "umkm"] == 0
    assert chor["c"][0] == -1 and chor["c"][1] >= 0
    nan_style, zero_style = style_of(chor, 0), style_of(chor, 1)
    assert nan_style != zero_style
    assert nan_style["hatch"] and nan_style["dashArray"]
    assert chor["v"][0] is None and chor["v"][1] == "0"


def test_each_layer_has_its_own_legend_with_no_data_entry(html, kel):
    data = payload_of(html)
    for spec, chor in zip(SPECS, data["chor"], strict=True):
        legend = chor["legend"]
        assert len(legend["entries"]) == len(chor["styles"]) == spec.k
        assert legend["nodata"]["text"] == "Tidak ada data"
        counted = sum(e["n"] for e in legend["entries"]) + legend["nodata"]["n"]
        assert counted == 104
        assert legend["nodata"]["n"] == int(kel[spec.column].isna().sum())
    assert data["chor"][0]["label"] == "UMKM 2024"


def test_legend_texts_follow_language_and_kind(kel):
    page = render_map_html(kelurahan=kel, choropleths=SPECS[3:], tiles=None, lang="en")
    chor = payload_of(page)["chor"][0]
    assert chor["legend"]["nodata"]["text"] == "No data"
    assert all(e["text"].count("Rp ") == 2 for e in chor["legend"]["entries"])


def test_tooltip_values_and_ranks(kel):
    frame = kel.copy()
    frame["x"] = np.nan
    frame.loc[[2, 3, 4], "x"] = [1234567.0, 50.0, 1234567.0]
    specs = [ChoroplethSpec("x", "X", "x", "rupiah"), ChoroplethSpec("y", "Y", "x", "rate")]
    data = payload_of(render_map_html(kelurahan=frame, choropleths=specs, tiles=None))
    rp, rate = data["chor"]
    assert rp["v"][2:5] == ["Rp 1.234.567", "Rp 50", "Rp 1.234.567"]
    assert rate["v"][3] == "50,0"
    assert rp["r"][2:5] == [1, 3, 1] and rp["n"] == 3 and rp["r"][0] is None
    assert data["t"]["rank"] == "peringkat {rank} dari {total}"


def test_map_is_fitted_to_city_bounds(kel):
    data = payload_of(render_map_html(kelurahan=kel, tiles=None))
    (s, w), (n, e) = data["bounds"]
    assert -6.27 < s < -6.25 and -6.10 < n < -6.09 and 106.55 < w < 106.56 and 106.74 < e < 106.75


@pytest.mark.parametrize(("change", "code"), [
    ({"column": "tidak_ada"}, "map_missing_column"),
    ({"column": "nama"}, "map_not_numeric"),
    ({"kind": "persen"}, "map_bad_kind"),
    ({"palette": "Rainbow"}, "map_bad_palette"),
    ({"scheme": "jenks"}, "map_bad_scheme"),
    ({"k": 12}, "map_bad_k"),
    ({"key": "Bad Key!"}, "map_bad_key"),
])
def test_bad_specs_are_user_errors(kel, change, code):
    spec = ChoroplethSpec(**{**SPECS[0].__dict__, **change})
    with pytest.raises(GeoappError) as err:
        build_map(kelurahan=kel, choropleths=[spec], tiles=None)
    assert err.value.code == code
    assert err.value.text("id") and err.value.text("en")


def test_duplicate_layer_keys_are_rejected(kel):
    with pytest.raises(GeoappError) as err:
        build_map(kelurahan=kel, choropleths=[SPECS[0], SPECS[0]], tiles=None)
    assert err.value.code == "map_duplicate_key"


def test_kelurahan_layer_without_required_columns(kel):
    with pytest.raises(GeoappError) as err:
        build_map(kelurahan=kel.drop(columns=["nama_kecamatan"]), tiles=None)
    assert "nama_kecamatan" in err.value.text("id")


def test_projected_kelurahan_is_reprojected(kel):
    page = render_map_html(kelurahan=kel.to_crs(32748), choropleths=SPECS[:1], tiles=None)
    (s, w), _ = payload_of(page)["bounds"]
    assert -6.3 < s < -6.2 and 106.5 < w < 106.6


def _bench():
    path = ROOT / "benchmarks" / "bench_map_page_weight.py"
    spec = importlib.util.spec_from_file_location("bench_map_page_weight", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_page_weight_is_at_most_a_fifth_of_explore():
    result = _bench().measure_library()
    assert result["explore"] > 300_000
    assert result["ratio_inline"] <= 0.20
    assert result["ratio_url"] <= 0.20
