"""The BOUNDARIES setting drives every default boundary load (matching, map, layers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoapp.core.errors import GeoappError
from geoapp.io.boundaries import default_files, load_boundaries, load_city, load_kecamatan
from geoapp.web import create_app

TINY = Path(__file__).resolve().parents[1] / "data" / "boundaries" / "tiny_kelurahan.geojson"


def test_configured_boundaries_become_the_default_everywhere(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "LOAD_SAMPLE_DATA": False, "BOUNDARIES": str(TINY)})
    from geoapp.imports.pipeline import gazetteer_for

    with app.app_context():
        frame = load_boundaries().frame
        assert len(frame) == 4 and frame["kode"].str.startswith("32.99").all()
        kecamatan = load_kecamatan()
        assert set(kecamatan["kode"]) == set(frame["kode_kecamatan"])
        assert len(load_city()) == 1
        assert gazetteer_for(None).kode == list(frame["kode"])   # uploads match against it too
    batas = app.test_client().get("/api/batas.json")
    assert batas.status_code == 200 and b"32.99" in batas.data


def test_each_app_keeps_its_own_boundary_set(tmp_path):
    tiny = create_app({"INSTANCE_PATH": str(tmp_path / "a"), "TESTING": True,
                       "LOAD_SAMPLE_DATA": False, "BOUNDARIES": str(TINY)})
    bundled = create_app({"INSTANCE_PATH": str(tmp_path / "b"), "TESTING": True,
                          "LOAD_SAMPLE_DATA": False})
    with tiny.app_context():
        assert len(load_boundaries().frame) == 4
        with bundled.app_context():                  # nested: the inner app's set, then back
            assert len(load_boundaries().frame) == 104 and len(load_kecamatan()) == 13
        assert len(load_kecamatan()) == 2
    assert default_files().bundled                   # outside any app: nothing left bound
    assert b"32.99" in tiny.test_client().get("/api/batas.json").data
    assert b"32.99" not in bundled.test_client().get("/api/batas.json").data
    for app in (tiny, bundled):
        app.extensions["geoapp_db"]["engine"].dispose()


# --------------------------------------------------------------------------- relative values
# One rule for the web app and the CLI: a BOUNDARIES value is a file or a folder (holding
# kota_tangerang_kelurahan.geojson), and a relative value is relative to the instance folder.

RELATIVE_VALUES = {"folder": "kota_lain", "file": "kota_lain/batas_kelurahan.geojson"}


def instance_with_tiny_set(tmp_path: Path, value: str) -> Path:
    """An instance folder holding the tiny set where the relative ``value`` points."""
    instance = tmp_path / "inst"
    target = instance / value
    if not target.suffix:
        target = target / "kota_tangerang_kelurahan.geojson"
    target.parent.mkdir(parents=True)
    target.write_bytes(TINY.read_bytes())
    return instance


@pytest.mark.parametrize("where", ["config.toml", "environment"])
@pytest.mark.parametrize("kind", sorted(RELATIVE_VALUES))
def test_web_app_takes_a_relative_folder_or_file(tmp_path, monkeypatch, kind,
                                                 where):
    monkeypatch.chdir(tmp_path)   # the working directory is NOT the base
    value = RELATIVE_VALUES[kind]
    instance = instance_with_tiny_set(tmp_path, value)
    if where == "config.toml":
        (instance / "config.toml").write_text(f'BOUNDARIES = "{value}"\n', encoding="utf-8")
    else:
        monkeypatch.setenv("GEOAPP_BOUNDARIES", value)
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "LOAD_SAMPLE_DATA": False})
    try:
        assert app.config["BOUNDARIES"] == str(instance / value)
        with app.app_context():
            assert list(load_boundaries().frame["kode"].str[:5].unique()) == ["32.99"]
            assert len(load_kecamatan()) == 2 and len(load_city()) == 1   # dissolved outlines
        batas = app.test_client().get("/api/batas.json")
        assert batas.status_code == 200 and b"32.99.01.1001" in batas.data
    finally:
        app.extensions["geoapp_db"]["engine"].dispose()


@pytest.mark.parametrize("kind", sorted(RELATIVE_VALUES))
def test_cli_takes_the_same_relative_folder_or_file(tmp_path, monkeypatch, kind):
    from click.testing import CliRunner

    from geoapp.cli.main import main

    monkeypatch.chdir(tmp_path)
    value = RELATIVE_VALUES[kind]
    instance = instance_with_tiny_set(tmp_path, value)
    aliases = str(tmp_path / "aliases.csv")
    monkeypatch.setenv("GEOAPP_INSTANCE", str(instance))
    monkeypatch.setenv("GEOAPP_BOUNDARIES", value)
    ok = CliRunner().invoke(main, ["--lang", "en", "alias", "add", "Kebon", "3299011001",
                                   "--aliases", aliases])
    assert ok.exit_code == 0, ok.output
    assert "32.99.01.1001" in ok.output
    monkeypatch.delenv("GEOAPP_BOUNDARIES")   # control: the bundled set has no 32.99 codes
    refused = CliRunner().invoke(main, ["--lang", "en", "alias", "add", "Kebon", "3299011001",
                                        "--aliases", aliases])
    assert refused.exit_code != 0


def test_a_relative_folder_without_the_kelurahan_file_names_it(tmp_path):
    instance = tmp_path / "inst"
    (instance / "kosong").mkdir(parents=True)
    (instance / "config.toml").write_text('BOUNDARIES = "kosong"\n', encoding="utf-8")
    with pytest.raises(GeoappError) as info:
        create_app({"INSTANCE_PATH": str(instance), "LOAD_SAMPLE_DATA": False})
    expected = str(instance / "kosong" / "kota_tangerang_kelurahan.geojson")
    assert expected in info.value.text("en") and "BOUNDARIES" in info.value.text("en")
