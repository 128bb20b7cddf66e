"""Bundled files and the default instance folder (geoapp.core.resources)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoapp.core import resources
from geoapp.web import create_app

REPO = Path(__file__).resolve().parents[1]


def test_checkout_uses_the_top_level_folders():
    assert resources.templates_dir() == REPO / "templates"
    assert resources.boundaries_dir() == REPO / "data" / "boundaries"
    assert (resources.templates_dir() / "base.html").is_file()
    assert (resources.boundaries_dir() / "kota_tangerang_kelurahan.geojson").is_file()


def test_packaged_folder_wins_over_the_checkout(tmp_path, monkeypatch):
    packaged = tmp_path / "geoapp"
    (packaged / "_bundled" / "templates").mkdir(parents=True)
    monkeypatch.setattr(resources, "files", lambda package: packaged)
    assert resources.templates_dir() == packaged / "_bundled" / "templates"
    assert resources.boundaries_dir() == REPO / "data" / "boundaries"  # not packaged: checkout


def test_default_instance_is_instance_of_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("GEOAPP_INSTANCE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resources.instance_dir() == tmp_path.resolve() / "instance"
    monkeypatch.setenv("GEOAPP_INSTANCE", str(tmp_path / "env"))
    assert resources.instance_dir() == (tmp_path / "env").resolve()
    chosen = {"INSTANCE_PATH": str(tmp_path / "chosen")}
    assert resources.instance_dir(chosen) == (tmp_path / "chosen").resolve()


@pytest.mark.sqlite_only(reason="checks the SQLite file the app creates in its instance folder")
def test_app_without_config_creates_its_instance_in_the_working_directory(tmp_path, monkeypatch):
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    app = create_app()
    try:
        assert Path(app.instance_path) == tmp_path.resolve() / "instance"
        assert (tmp_path / "instance" / "geoapp.sqlite3").is_file()
    finally:
        app.extensions["geoapp_db"]["engine"].dispose()
