"""Settings: declared once, overridden by config.toml, environment and explicit values."""

from __future__ import annotations

import pytest

from geoapp.core.errors import GeoappError
from geoapp.core.settings import (
    BY_NAME,
    SETTINGS,
    default_instance_path,
    defaults,
    describe,
    environment_value,
    load_settings,
    resolve_path,
)


def test_defaults_and_instance_relative_paths(tmp_path):
    values = load_settings(tmp_path, environ={})
    assert values["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024 and values["DEFAULT_LANG"] == "id"
    assert values["DATABASE"] == str(tmp_path / "geoapp.sqlite3")
    assert values["ALIASES"] == str(tmp_path / "aliases.csv")
    assert values["BOUNDARIES"] == ""


def test_precedence_file_then_env_then_overrides(tmp_path):
    (tmp_path / "config.toml").write_text('MAX_ROWS = 100\nDEFAULT_LANG = "en"\nLANGUAGES = ["id"]\n')
    values = load_settings(tmp_path, environ={"GEOAPP_MAX_ROWS": "200"})
    assert values["MAX_ROWS"] == 200 and values["DEFAULT_LANG"] == "en"
    assert values["LANGUAGES"] == ["id"]
    values = load_settings(tmp_path, {"MAX_ROWS": 5}, environ={"GEOAPP_MAX_ROWS": "200"})
    assert values["MAX_ROWS"] == 5


def test_environment_types(tmp_path):
    env = {"GEOAPP_SESSION_COOKIE_SECURE": "yes", "GEOAPP_LANGUAGES": "id, en",
           "GEOAPP_DATABASE": "/srv/geo.db"}
    values = load_settings(tmp_path, environ=env)
    assert values["SESSION_COOKIE_SECURE"] is True and values["LANGUAGES"] == ["id", "en"]
    assert values["DATABASE"] == "/srv/geo.db"


@pytest.mark.parametrize("env", [{"GEOAPP_MAX_ROWS": "banyak"}, {"GEOAPP_MAX_ROWS": "-1"},
                                 {"GEOAPP_SESSION_COOKIE_SECURE": "mungkin"}])
def test_bad_environment_value_names_setting(tmp_path, env):
    with pytest.raises(GeoappError) as err:
        load_settings(tmp_path, environ=env)
    name = next(iter(env))
    assert name in err.value.text("en") and "Allowed" in err.value.text("en")


def test_unknown_or_broken_config_file(tmp_path):
    (tmp_path / "config.toml").write_text("MAX_ROWZ = 1\n")
    with pytest.raises(GeoappError) as err:
        load_settings(tmp_path, environ={})
    assert "MAX_ROWZ" in err.value.text("en") and "MAX_ROWS" in err.value.text("en")
    (tmp_path / "config.toml").write_text("MAX_ROWS = = 1\n")
    with pytest.raises(GeoappError) as err:
        load_settings(tmp_path, environ={})
    assert "config.toml" in err.value.text("id")


def test_describe_lists_every_setting_once():
    rows = describe()
    assert [r["name"] for r in rows] == [s.name for s in SETTINGS]
    assert len({r["name"] for r in rows}) == len(rows)
    assert all(r["help"] and r["env"] == "GEOAPP_" + r["name"] for r in rows)
    assert {"DATABASE", "MAX_CONTENT_LENGTH", "MAX_ROWS", "TILE_URL", "UPLOAD_DIR"} <= {
        r["name"] for r in rows}


def test_every_default_is_a_valid_value_of_its_kind():
    for setting in SETTINGS:
        assert setting.kind.parse(setting.default) == setting.default, setting.name


def test_errors_and_listing_derive_from_the_kind(tmp_path):
    rows = {r["name"]: r for r in describe()}
    assert rows["MAX_ROWS"]["allowed"] == "a whole number >= 0"
    assert rows["SESSION_COOKIE_SECURE"]["allowed"] == "true/false"
    assert "instance folder" in rows["BOUNDARIES"]["help"]
    assert "instance folder" not in rows["TILE_URL"]["help"]
    (tmp_path / "config.toml").write_text("LANGUAGES = 3\nTILE_URL = [1]\n")
    with pytest.raises(GeoappError) as err:
        load_settings(tmp_path, environ={})
    assert "TILE_URL" in err.value.text("en") and "Allowed: text" in err.value.text("en")


def test_defaults_are_fresh_copies():
    first = defaults()
    first["LANGUAGES"].append("jv")
    assert defaults()["LANGUAGES"] == ["id", "en"]
    assert BY_NAME["LANGUAGES"].default == ["id", "en"]


def test_one_path_rule_for_every_source(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "config.toml").write_text('ALIASES = "data/alias.csv"\n')
    values = load_settings(tmp_path, {"UPLOAD_DIR": "~/up"},
                           environ={"GEOAPP_BOUNDARIES": "kota", "GEOAPP_DATABASE": "/srv/g.db"})
    assert values["ALIASES"] == str(tmp_path / "data" / "alias.csv")
    assert values["BOUNDARIES"] == str(tmp_path / "kota")
    assert values["UPLOAD_DIR"] == str(tmp_path / "home" / "up")
    assert values["DATABASE"] == "/srv/g.db"
    assert resolve_path("", tmp_path) == "" and resolve_path(None, tmp_path) == ""


def test_environment_value_and_default_instance(tmp_path):
    assert environment_value("BOUNDARIES", {}) is None
    assert environment_value("MAX_ROWS", {"GEOAPP_MAX_ROWS": "1_000"}) == 1000
    with pytest.raises(GeoappError):
        environment_value("MAX_ROWS", {"GEOAPP_MAX_ROWS": "banyak"})
    assert default_instance_path({"GEOAPP_INSTANCE": str(tmp_path)}) == tmp_path.resolve()
    assert default_instance_path({}).name == "instance"


def test_cli_listing_shows_every_setting_from_the_table():
    from click.testing import CliRunner

    from geoapp.cli.main import main

    result = CliRunner().invoke(main, ["settings"])
    assert result.exit_code == 0
    for setting in SETTINGS:
        assert f"{setting.name} = {setting.default!r}  (${setting.env})" in result.output
        assert setting.help in result.output
