"""The SECRET_KEY setting: every app server of one database signs with the same key; empty
keeps the instance's secret_key file; a short key stops the start with a clear message."""

from __future__ import annotations

import pytest

from geoapp.core.errors import GeoappError
from geoapp.web import create_app

KEY = "k" * 40


def make(tmp_path, name, **config):
    return create_app({"INSTANCE_PATH": str(tmp_path / name), "TESTING": True,
                       "LOAD_SAMPLE_DATA": False, "CREATE_DEFAULT_PLANNER": False, **config})


def test_the_setting_signs_instead_of_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOAPP_SECRET_KEY", KEY)
    app = make(tmp_path, "a")
    assert app.config["SECRET_KEY"] == KEY
    assert not (tmp_path / "a" / "secret_key").exists()


def test_empty_keeps_the_instance_file(tmp_path, monkeypatch):
    monkeypatch.delenv("GEOAPP_SECRET_KEY", raising=False)
    app = make(tmp_path, "a")
    assert app.config["SECRET_KEY"] == (tmp_path / "a" / "secret_key").read_text().strip()
    assert len(app.config["SECRET_KEY"]) >= 32


def test_a_short_key_is_refused_by_name(tmp_path):
    with pytest.raises(GeoappError) as caught:
        make(tmp_path, "a", SECRET_KEY="geheim")
    assert caught.value.code == "security.short_secret"
    text = caught.value.text("en")
    assert "SECRET_KEY" in text and "received 6" in text and "geheim" not in text
