"""Language switch, translated templates, Msg rendering and Indonesian dates."""

from __future__ import annotations

from datetime import UTC, datetime

from geoapp.core.i18n import Msg
from geoapp.web.i18n import format_dt, tr


def test_default_language_is_indonesian(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in html and ">Masuk<" in html and ">Peta<" in html


def test_switch_to_english_sticks_and_back(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert ">Log in<" in html and ">Masuk<" not in html
    assert ">Log in<" in client.get("/auth/login").get_data(as_text=True)  # remembered
    assert ">Masuk<" in client.get("/?lang=id").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    assert ">Masuk<" in client.get("/?lang=xx").get_data(as_text=True)


def test_switch_link_visible(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/login?lang=en"' in html


def test_default_lang_setting(tmp_path):
    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path), "DEFAULT_LANG": "en"})
    assert ">Log in<" in app.test_client().get("/").get_data(as_text=True)
    app.extensions["geoapp_db"]["engine"].dispose()


def test_msg_and_dates_render_in_current_language(app):
    msg = Msg("t.x", id="Halo {nama}", en="Hello {nama}")
    when = datetime(2026, 11, 27, 16, 45, tzinfo=UTC)
    with app.test_request_context("/"):
        assert tr(msg, nama="Budi") == "Halo Budi"
        assert format_dt(when) == "27 November 2026 23.45"
        assert format_dt(when.replace(tzinfo=None)) == "27 November 2026 23.45"  # stored UTC
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert tr(msg, nama="Budi") == "Hello Budi"
        assert format_dt(when) == "27 November 2026 23:45"
        assert tr(None) == ""


def test_timezone_setting_and_defaults_from_the_settings_table():
    from flask import Flask

    from geoapp.core.settings import BY_NAME
    from geoapp.web import i18n

    when = datetime(2026, 11, 27, 16, 45, tzinfo=UTC)
    bare = Flask("bare")                     # no settings loaded: the table's defaults apply
    bare.secret_key = "test"
    i18n.init_app(bare)
    with bare.test_request_context("/"):
        assert i18n.current_lang() == BY_NAME["DEFAULT_LANG"].default == "id"
        assert i18n.languages() == BY_NAME["LANGUAGES"].default
        assert format_dt(when) == "27 November 2026 23.45"     # Asia/Jakarta
    bare.config["TIMEZONE"] = "Asia/Makassar"
    with bare.test_request_context("/"):
        assert format_dt(when) == "28 November 2026 00.45"
