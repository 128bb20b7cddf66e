"""geoapp.figures.printmap / printing: the A4 print layout and the palettes it shares with
the screen (geoapp.maps.palettes is the one source), and the PNG downloads' palettes."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image
from shapely.geometry import Point, box

from geoapp.core.errors import GeoappError
from geoapp.figures import LAYERS, LayerData
from geoapp.figures.png import render_layer_png
from geoapp.figures.printing import layer_print, parse_bbox
from geoapp.figures.printmap import render_print
from geoapp.maps.classify import classify
from geoapp.maps.legend import legend_entries
from geoapp.maps.palettes import program_palette, sequential_colors, theme_styles
from geoapp.maps.points import point_payload
from geoapp.maps.presets import kampung_tematik_layer

PRINTED = datetime(2026, 3, 5, 10, 0)


def _frame(values) -> gpd.GeoDataFrame:
    n = len(values)
    return gpd.GeoDataFrame(
        {"kode": [f"36.71.01.{1001 + i}" for i in range(n)], "nama": [f"K{i}" for i in range(n)],
         "kode_kecamatan": ["36.71.01"] * n, "value": np.asarray(values, dtype=float)},
        geometry=[box(106.60 + i * 0.01, -6.20, 106.61 + i * 0.01, -6.19) for i in range(n)],
        crs="EPSG:4326")


def _layer(key: str, values, sample=True, source="Sumber: uji v1, diimpor 1 Maret 2026"):
    return LayerData(LAYERS[key], _frame(values), 1, 1, sample, source)


def _points(themes) -> LayerData:
    frame = gpd.GeoDataFrame({"nama": [f"P{i}" for i in range(len(themes))], "tema": themes},
                             geometry=[Point(106.605 + i * 0.01, -6.195)
                                       for i in range(len(themes))], crs="EPSG:4326")
    return LayerData(LAYERS["kampung-tematik"], frame, 2, 3, False, "Sumber: kampung v3")


def _pdf_text(pdf: bytes, tmp_path) -> str:
    assert pdf.startswith(b"%PDF")
    assert shutil.which("pdftotext"), "install poppler-utils (see .ci/run)"
    path = tmp_path / "map.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         check=True, timeout=60)
    return " ".join(out.stdout.decode("utf-8").split())


def _colors(png: bytes) -> set[str]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {"#{:02x}{:02x}{:02x}".format(*c) for _, c in image.getcolors(maxcolors=1 << 20)}


def test_pdf_has_title_legend_unit_source_and_sample_label(tmp_path):
    pm = layer_print(_layer("blk-peserta", [10, 20, 30, np.nan, 50]), lang="id",
                     subtitle="Tahun 2021")
    text = _pdf_text(render_print(pm, "pdf", lang="id", printed=PRINTED), tmp_path)
    assert "Peserta pelatihan BLK per kelurahan" in text
    assert "Legenda" in text and "Satuan: Peserta pelatihan per kelurahan" in text
    cls = classify(np.array([10, 20, 30, np.nan, 50]), "quantiles", 5)
    for entry in legend_entries(cls, "count", "id"):
        assert f"{entry['text']} ({entry['n']})" in text
    assert "Tidak ada data (1)" in text
    assert "Sumber: uji v1, diimpor 1 Maret 2026" in text
    assert "Data contoh" in text and "Dicetak 5 Maret 2026" in text
    assert "Tahun 2021" in text and "km" in text


def test_pdf_in_english_and_without_sample_label(tmp_path):
    pm = layer_print(_layer("umkm-kelompok-1000", [1.5, 2.5, 3.5], sample=False), lang="en")
    text = _pdf_text(render_print(pm, "pdf", lang="en", printed=PRINTED), tmp_path)
    assert "Legend" in text and "per 1,000 residents" in text
    assert "Sample data" not in text and "Printed 5 March 2026" in text


def test_hostile_title_is_text_in_the_pdf(tmp_path):
    hostile = "$\\frac{1}{0}$ <script>alert(1)</script> %s {x}"
    pm = layer_print(_layer("umkm-nilai", [1, 2, 3], source=hostile), lang="id",
                     title=hostile, subtitle=hostile)
    text = _pdf_text(render_print(pm, "pdf", lang="id", printed=PRINTED), tmp_path)
    assert "$\\frac{1}{0}$ <script>alert(1)</script>" in text


def test_png_is_a4_landscape_with_the_screen_palette():
    pm = layer_print(_layer("blk-peserta", [1, 2, 3, 4, 5]), lang="id", k=5)
    png = render_print(pm, "png", lang="id", printed=PRINTED)
    image = Image.open(io.BytesIO(png))
    width, height = image.size                     # A4 landscape at 150 dpi
    assert height == 1240 and abs(width - 1754) <= 1
    assert set(sequential_colors("YlOrRd", 5)) <= _colors(png)


def test_blk_png_download_uses_the_screen_palette():
    """BLK is YlOrRd on screen (maps.palettes.PROGRAM_PALETTES), so in the PNG too."""
    assert program_palette("blk") == "YlOrRd"
    colors = _colors(render_layer_png(_layer("blk-peserta", [1, 2, 3, 4, 5]), k=5))
    assert set(sequential_colors("YlOrRd", 5)) <= colors
    assert not set(sequential_colors("YlGnBu", 5)[1:]) & colors


def test_theme_colours_of_png_match_the_screen():
    themes = ["Kampung Hijau", "Kampung Batik", "Kampung Hijau", "Kampung Sehat"]
    data = _points(themes)
    payload, _ = point_payload(kampung_tematik_layer(data.frame, "id"), "id")
    screen = {t["label"]: t["color"] for t in payload["themes"]}
    assert screen == {t: c for t, (c, _) in theme_styles(themes).items()}
    colors = _colors(render_layer_png(data, outline=_frame([1, 2, 3, 4])))
    assert set(screen.values()) <= colors


def test_bbox_is_the_extent():
    assert parse_bbox(None) is None and parse_bbox("") is None
    assert parse_bbox("106.6,-6.2,106.7,-6.1") == (106.6, -6.2, 106.7, -6.1)


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "106.7,-6.2,106.6,-6.1", "nan,1,2,3",
                                  "0,0,200,1", "1,2,3,4,5"])
def test_bad_bbox_is_a_user_error(text):
    with pytest.raises(GeoappError) as err:
        parse_bbox(text)
    assert err.value.status == 400 and "bbox" in err.value.text("en")
    assert "bbox" in err.value.text("id")


def test_bad_format_is_a_user_error():
    pm = layer_print(_layer("blk-peserta", [1, 2]), lang="id")
    with pytest.raises(GeoappError) as err:
        render_print(pm, "svg")
    assert "pdf, png" in err.value.text("en")


def test_hostile_text_in_a_png_download_is_text():
    hostile = "Rp $^_{$ dan $\\frac{1}{0}$"     # mathtext would raise ValueError
    data = _layer("umkm-nilai", [1, 2, 3], source=hostile)
    assert render_layer_png(data, title=hostile)[:4] == b"\x89PNG"
    assert render_layer_png(_points(["$x^_$", "Kampung $^$"]), outline=_frame([1]))[:4] == b"\x89PNG"


# a quantile interpolated between these rupiah sums is 52528999.99999999 (52.529.000)
NOISY_QUANTILE = [7811000, 74812000, 40548000, 45326000, 9610000, 62634000, 57331000]


def test_printed_legend_shows_the_screen_breaks_without_an_off_by_one():
    from geoapp.maps.choropleth import choropleth_payload
    from geoapp.maps.specs import ChoroplethSpec

    data = _layer("umkm-nilai", NOISY_QUANTILE)
    cls = classify(np.array(NOISY_QUANTILE, dtype=float), "quantiles", 5)
    assert any(0 < round(b) - b < 1e-6 for b in cls.bins)      # the float noise is there
    printed = [item.label for item in layer_print(data, lang="id").legend]
    assert any("Rp 52.529.000" in label for label in printed), printed
    assert not any("Rp 52.528.999" in label for label in printed), printed
    spec = ChoroplethSpec(key="umkm-nilai", title="Nilai", column="value", kind="rupiah",
                          palette=program_palette("umkm"), scheme="quantiles", k=5)
    screen = choropleth_payload(data.frame, spec, "id")["legend"]["entries"]
    assert printed == [f"{e['text']} ({e['n']})" for e in screen]


def test_whole_bounds_floor_real_fractions_and_round_float_noise():
    from geoapp.maps.legend import whole_bound
    assert whole_bound(52528999.99999999) == 52529000
    assert whole_bound(30517499.999999996) == 30517500
    assert whole_bound(30517499.5) == 30517499          # holds the same whole numbers
    assert whole_bound(58.4) == 58 and whole_bound(-2.5) == -3 and whole_bound(7.0) == 7
