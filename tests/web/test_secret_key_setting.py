"""The SECRET_KEY setting: every app server of one database signs with the same key; empty
= a key generated once and stored in the database (an instance's old secret_key file is
adopted); a short key stops the start with a clear message."""

from __future__ import annotations

import pytest
from postgres import own_database

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


def test_empty_generates_one_key_in_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv("GEOAPP_SECRET_KEY", raising=False)
    database = str(tmp_path / "shared.sqlite3")
    first = make(tmp_path, "a", DATABASE=database)
    second = make(tmp_path, "b", DATABASE=database)   # another server, same database
    assert len(first.config["SECRET_KEY"]) >= 32
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert not (tmp_path / "a" / "secret_key").exists() and not (tmp_path / "b" / "secret_key").exists()
    other = make(tmp_path, "c", **own_database())    # another database: another key
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_an_old_instance_key_file_is_adopted(tmp_path, monkeypatch):
    monkeypatch.delenv("GEOAPP_SECRET_KEY", raising=False)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "secret_key").write_text("f" * 64 + "\n", encoding="ascii")
    assert make(tmp_path, "a").config["SECRET_KEY"] == "f" * 64   # logins stay valid
    (tmp_path / "a" / "secret_key").unlink()
    assert make(tmp_path, "a").config["SECRET_KEY"] == "f" * 64   # now from the database


def test_a_short_key_is_refused_by_name(tmp_path):
    with pytest.raises(GeoappError) as caught:
        make(tmp_path, "a", SECRET_KEY="geheim")
    assert caught.value.code == "security.short_secret"
    text = caught.value.text("en")
    assert "SECRET_KEY" in text and "received 6" in text and "geheim" not in text
