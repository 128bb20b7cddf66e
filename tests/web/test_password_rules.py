"""The password policy on the admin pages and ``geoapp set-password`` (issue #13, point 5).

Both front ends call the one service (``store.save_account``), so both refuse the same
passwords with the same bilingual message, and neither stores anything when refusing.
"""

from __future__ import annotations

import html

import pytest
from click.testing import CliRunner
from sample_app import app_config

from geoapp.cli.main import main
from geoapp.store import authenticate, create_account, find_user, list_events
from geoapp.web import create_app


@pytest.fixture
def app(instance):
    app = create_app(app_config(instance))
    with app.extensions["geoapp_db"]["sessions"]() as session:
        create_account(session, "ada", "admin-pass1", "admin", actor=None)
        create_account(session, "pat", "planner-pass", "planner", actor="ada")
    yield app
    app.extensions["geoapp_db"]["engine"].dispose()


def _admin(app, token):
    client = app.test_client()
    client.post("/auth/login", data={"username": "ada", "password": "admin-pass1",
                                     "csrf_token": token(client)})
    return client, token(client)


def _page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _state(app):
    with app.extensions["geoapp_db"]["sessions"]() as session:
        return (find_user(session, "newbie") is not None, list_events(session).total)


@pytest.mark.parametrize("password,expected", [
    ("password", "paling sering dipakai"),
    ("12345678", "paling sering dipakai"),
    ("abcdefgh", "pola sederhana"),
    ("aaaaaaaa", "pola sederhana"),
    ("newbie2026", "memuat 'newbie'"),
    ("geoapp-kota", "memuat 'geoapp'"),
])
def test_admin_create_refuses_weak_passwords(app, token, password, expected):
    client, csrf = _admin(app, token)
    before = _state(app)
    refused = client.post("/admin/users", data={"csrf_token": csrf, "username": "newbie",
                                                "password": password, "role": "planner"})
    assert refused.status_code == 400
    assert expected in _page_text(refused)
    assert _state(app) == before == (False, before[1])


def test_admin_messages_in_english(app, token):
    client, csrf = _admin(app, token)
    refused = client.post("/admin/users?lang=en", data={"csrf_token": csrf, "username": "newbie",
                                                        "password": "password", "role": "planner"})
    assert refused.status_code == 400
    assert "one of the most common passwords" in _page_text(refused)


def test_admin_reset_refuses_weak_passwords_and_keeps_the_old_one(app, token):
    client, csrf = _admin(app, token)
    with app.extensions["geoapp_db"]["sessions"]() as session:
        pat = find_user(session, "pat").id
    for weak in ("password", "12345678", "qwertyuiop", "pat-pat-pat"):
        refused = client.post(f"/admin/users/{pat}/password",
                              data={"csrf_token": csrf, "password": weak})
        assert refused.status_code == 400, weak
    accepted = client.post(f"/admin/users/{pat}/password",
                           data={"csrf_token": csrf, "password": "sepeda-hijau-terbang"})
    assert accepted.status_code == 302
    with app.extensions["geoapp_db"]["sessions"]() as session:
        assert authenticate(session, "pat", "sepeda-hijau-terbang") is not None


@pytest.mark.parametrize("password,expected", [
    ("password", "paling sering dipakai"),
    ("12345678", "paling sering dipakai"),
    ("87654321", "pola sederhana"),
    ("kepala-2026", "memuat 'kepala'"),
])
def test_cli_set_password_refuses_weak_passwords(instance, password, expected):
    result = CliRunner().invoke(main, ["set-password", "kepala", "--instance", str(instance),
                                       "--password", password], catch_exceptions=False)
    assert result.exit_code == 2
    assert expected in result.output and "Traceback" not in result.output
    app = create_app(app_config(instance))
    try:
        with app.extensions["geoapp_db"]["sessions"]() as session:
            assert find_user(session, "kepala") is None
            assert list_events(session).total == 0
    finally:
        app.extensions["geoapp_db"]["engine"].dispose()
