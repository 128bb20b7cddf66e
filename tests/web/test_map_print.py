"""GET /map/print.pdf|png and ``geoapp render``: the printed map of the active (sample) data."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import sample_app as samples
from click.testing import CliRunner
from PIL import Image

from geoapp.cli.main import main
from geoapp.maps.palettes import sequential_colors


def _text(pdf: bytes, tmp_path) -> str:
    assert pdf.startswith(b"%PDF")
    assert shutil.which("pdftotext"), "install poppler-utils (see .ci/run)"
    path = tmp_path / "print.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                         timeout=60)
    return " ".join(out.stdout.decode("utf-8").split())


def test_pdf_of_the_map_page_choices(shared_sample_client, tmp_path):
    r = shared_sample_client.get("/map/print.pdf?layer=blk&scheme=equal_interval&k=4"
                                 "&points=kampung-tematik&kecamatan=36.71.01")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = _text(r.data, tmp_path)
    assert "Peserta pelatihan BLK per kelurahan" in text
    assert "Legenda" in text and "Satuan: Peserta pelatihan per kelurahan" in text
    assert "Sumber: Pelatihan BLK Kelurahan v1" in text and "diimpor" in text
    assert "Data contoh" in text and "Dicetak" in text
    assert "Interval sama, 4 kelas" in text and "Kecamatan Tangerang" in text
    assert "Kampung tematik:" in text


def test_png_of_the_current_view_in_english(shared_sample_client):
    r = shared_sample_client.get("/map/print.png?layer=blk-peserta&k=5&lang=en"
                                 "&bbox=106.60,-6.22,106.66,-6.16")
    assert r.status_code == 200 and r.mimetype == "image/png"
    image = Image.open(io.BytesIO(r.data)).convert("RGB")
    assert image.size[1] == 1240
    colors = {"#{:02x}{:02x}{:02x}".format(*c) for _, c in image.getcolors(maxcolors=1 << 20)}
    assert set(sequential_colors("YlOrRd", 5)) <= colors


def test_pdf_follows_the_variant_and_the_default_layer(shared_sample_client, tmp_path):
    r = shared_sample_client.get("/map/print.pdf?v_umkm=umkm-nilai&lang=en")
    text = _text(r.data, tmp_path)
    assert "Business-aid amount per kelurahan (Rp)" in text
    assert "Aid amount per kelurahan, rupiah (Rp)" in text and "Sample data" in text


@pytest.mark.parametrize(("query", "words"), [
    ("bbox=1,2,3", "bbox"),
    ("layer=nope", "layer"),
    ("k=12", "'k'"),
    ("points=umkm", "points"),
    ("year=1999", "year"),
    ("foo=1", "foo"),
])
def test_bad_parameters_are_clear_errors(shared_sample_client, query, words):
    for lang in ("id", "en"):
        r = shared_sample_client.get(f"/map/print.pdf?{query}&lang={lang}",
                                     headers={"Accept": "application/json"})
        assert r.status_code == 400
        body = r.get_data(as_text=True)
        assert words in body and "Traceback" not in body


def test_unknown_format_is_an_error(shared_sample_client):
    r = shared_sample_client.get("/map/print.svg")
    assert r.status_code == 400 and b"pdf, png" in r.data


def test_geoapp_render_writes_the_same_print(sample_template, tmp_path):
    instance = samples.copy_instance(sample_template, tmp_path / "instance")
    runner = CliRunner()
    out = tmp_path / "peta.pdf"
    result = runner.invoke(main, ["render", "--instance", str(instance), "-o", str(out),
                                  "--layer", "umkm", "--points", "kwt-titik"])
    assert result.exit_code == 0, result.output
    text = _text(out.read_bytes(), tmp_path)
    assert "Legenda" in text and "Data contoh" in text and "Sumber: Bantuan" in text
    png = tmp_path / "peta.png"
    result = runner.invoke(main, ["--lang", "en", "render", "--instance", str(instance),
                                  "-o", str(png), "--layer", "blk", "--k", "5"])
    assert result.exit_code == 0, result.output
    assert Image.open(png).size[1] == 1240


def test_geoapp_render_errors_are_one_line(sample_template, tmp_path):
    instance = samples.copy_instance(sample_template, tmp_path / "instance")
    runner = CliRunner()
    result = runner.invoke(main, ["--lang", "en", "render", "--instance", str(instance),
                                  "-o", str(tmp_path / "x.png"), "--bbox", "9,9"])
    assert result.exit_code == 2 and "bbox" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(main, ["render", "--instance", str(instance),
                                  "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 2 and "--format" in result.output
    assert not (tmp_path / "x.txt").exists()


def test_render_help_is_translated():
    result = CliRunner().invoke(main, ["render", "--help"])
    assert result.exit_code == 0 and "Cetak peta data aktif" in result.output


def test_the_same_print_is_drawn_once_per_day(shared_sample_client, monkeypatch):
    from geoapp.web import print_view

    calls = []
    real = print_view.print_map
    monkeypatch.setattr(print_view, "print_map",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    url = "/map/print.png?layer=kwt&k=3&scheme=fisher_jenks"
    first, second = shared_sample_client.get(url), shared_sample_client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and len(calls) == 1


def test_geoapp_render_without_data_says_so(tmp_path):
    result = CliRunner().invoke(main, ["--lang", "en", "render", "--instance",
                                       str(tmp_path / "empty"), "-o", str(tmp_path / "m.pdf")])
    assert result.exit_code == 2 and "no program has an active dataset" in result.output
    assert not (tmp_path / "m.pdf").exists()


def test_filters_that_do_not_apply_are_said_not_applied(shared_sample_client, tmp_path):
    r = shared_sample_client.get("/map/print.pdf?layer=blk&year=2021&program=umkm:Tangerang BISA"
                                 "&lang=en")
    assert r.status_code == 200
    text = _text(r.data, tmp_path)
    assert "2021 not applied" in text and "does not apply to this layer" in text


def test_geoapp_render_to_an_impossible_path_is_one_line(sample_template, tmp_path):
    instance = samples.copy_instance(sample_template, tmp_path / "instance")
    (tmp_path / "blocker").write_text("a file, not a folder\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "render", "--instance", str(instance),
                                       "-o", str(tmp_path / "blocker" / "peta.pdf")])
    assert result.exit_code == 2 and "blocker" in result.output
    assert isinstance(result.exception, SystemExit)


def test_print_urls_keep_the_map_page_choices(shared_sample_app, shared_sample_client):
    from geoapp.web.print_view import print_urls

    with shared_sample_app.test_request_context("/"):
        urls = print_urls({"scheme": "fisher_jenks", "k": "4", "v_umkm": "umkm-nilai",
                           "layer": "umkm", "zoom": "13", "year": ""})
    assert urls["pdf"].startswith("/map/print.pdf?") and "zoom" not in urls["pdf"]
    assert "v_umkm=umkm-nilai" in urls["png"] and "year" not in urls["png"]
    assert shared_sample_client.get(urls["pdf"]).status_code == 200
