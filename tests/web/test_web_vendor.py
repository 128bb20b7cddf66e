"""/static/vendor/ serves exactly the files the maps module lists."""

from __future__ import annotations

import sys
import types

import pytest


@pytest.fixture
def fake_assets(tmp_path, monkeypatch):
    (tmp_path / "leaflet").mkdir()
    js = tmp_path / "leaflet" / "leaflet.js"
    js.write_text("/* leaflet */")
    (tmp_path / "secret.txt").write_text("do not serve")
    module = types.ModuleType("geoapp.maps.assets")
    module.vendor_files = lambda: {"leaflet/leaflet.js": js, "gone.js": tmp_path / "gone.js"}
    monkeypatch.setitem(sys.modules, "geoapp.maps.assets", module)
    return tmp_path


def test_serves_listed_file_with_long_cache(client, fake_assets):
    r = client.get("/static/vendor/leaflet/leaflet.js")
    assert r.status_code == 200 and r.data == b"/* leaflet */"
    assert "max-age=31536000" in r.headers["Cache-Control"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["secret.txt", "leaflet/../secret.txt", "..%2Fsecret.txt",
                                  "leaflet", "gone.js", "leaflet/leaflet.js/"])
def test_everything_else_is_404(client, fake_assets, name):
    assert client.get(f"/static/vendor/{name}").status_code == 404


def test_missing_maps_module_still_starts(client, monkeypatch):
    monkeypatch.setitem(sys.modules, "geoapp.maps.assets", None)  # import raises ImportError
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 404
    assert client.get("/").status_code == 200
