"""A missing or corrupt boundary file stops start-up with one clear message naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from geoapp.cli.main import main
from geoapp.core.errors import GeoappError
from geoapp.web import create_app

REPO = Path(__file__).resolve().parents[2]


def bad_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "batas.geojson"
    if kind == "garbage":
        path.write_bytes(b"\x00\x01garbage\xff" * 20)
    elif kind == "truncated":
        path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    return path  # "missing": never written


@pytest.mark.parametrize("kind", ["missing", "garbage", "truncated"])
def test_create_app_names_the_bad_boundary_file(tmp_path, kind):
    path = bad_file(tmp_path, kind)
    with pytest.raises(GeoappError) as info:
        create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "BOUNDARIES": str(path),
                    "LOAD_SAMPLE_DATA": False})
    for lang in ("id", "en"):
        text = info.value.text(lang)
        assert str(path) in text and "BOUNDARIES" in text
    assert "geoapp cannot start" in info.value.text("en")


def test_a_good_boundary_file_starts(tmp_path):
    good = REPO / "data" / "boundaries" / "kota_tangerang_kelurahan.geojson"
    from geoapp.io.boundaries import load_boundaries

    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "BOUNDARIES": str(good),
                      "LOAD_SAMPLE_DATA": False})
    with app.app_context():
        assert len(load_boundaries().frame) == 104
    assert app.test_client().get("/api/status").status_code == 200
    app.extensions["geoapp_db"]["engine"].dispose()


def test_cli_serve_with_corrupt_boundaries_is_one_clean_line(tmp_path, monkeypatch):
    path = bad_file(tmp_path, "garbage")
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.toml").write_text(f'BOUNDARIES = "{path}"\n', encoding="utf-8")
    monkeypatch.setattr("waitress.serve", lambda *a, **k: pytest.fail("server must not start"))
    result = CliRunner().invoke(main, ["--lang", "en", "serve", "--instance", str(instance)])
    assert result.exit_code == 2
    assert str(path) in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_real_process_exits_non_zero_without_traceback(tmp_path):
    instance = tmp_path / "inst"
    missing = tmp_path / "tidak_ada.geojson"
    env = {**os.environ, "GEOAPP_BOUNDARIES": str(missing), "GEOAPP_LANG": "en"}
    env.pop("GEOAPP_INSTANCE", None)
    code = "from geoapp.cli.main import main; main()"
    done = subprocess.run([sys.executable, "-c", code, "serve", "--instance", str(instance),
                           "--port", "1"], env=env, capture_output=True, text=True, timeout=120,
                          cwd=REPO)
    assert done.returncode != 0
    assert str(missing) in done.stderr and "Traceback" not in done.stderr + done.stdout
