"""The BOUNDARIES setting drives every default boundary load (matching, map, layers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoapp.io.boundaries import configure_default, load_boundaries, load_city, load_kecamatan
from geoapp.web import create_app

TINY = Path(__file__).resolve().parents[1] / "data" / "boundaries" / "tiny_kelurahan.geojson"


@pytest.fixture
def reset_default():
    yield
    configure_default(None)


def test_configured_boundaries_become_the_default_everywhere(tmp_path, reset_default):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "LOAD_SAMPLE_DATA": False, "BOUNDARIES": str(TINY)})
    frame = load_boundaries().frame
    assert len(frame) == 4 and frame["kode"].str.startswith("32.99").all()
    kecamatan = load_kecamatan()
    assert set(kecamatan["kode"]) == set(frame["kode_kecamatan"])
    assert len(load_city()) == 1
    from geoapp.imports.pipeline import gazetteer_for

    assert gazetteer_for(None).kode == list(frame["kode"])   # uploads match against it too
    batas = app.test_client().get("/api/batas.json")
    assert batas.status_code == 200 and b"32.99" in batas.data


def test_an_app_without_the_setting_restores_the_bundled_set(tmp_path, reset_default):
    create_app({"INSTANCE_PATH": str(tmp_path / "a"), "TESTING": True, "LOAD_SAMPLE_DATA": False,
                "BOUNDARIES": str(TINY)})
    create_app({"INSTANCE_PATH": str(tmp_path / "b"), "TESTING": True, "LOAD_SAMPLE_DATA": False})
    assert len(load_boundaries().frame) == 104
    assert len(load_kecamatan()) == 13
