"""A logged-in user changes their own password (``/auth/password``).

The current password is checked like a login (wrong ones count towards the lockout), the
new one goes through the same password policy as the admin pages and the CLI
(``store.save_account``, audited), and the change ends every other session of the user
while this browser stays logged in.
"""

from __future__ import annotations

import html
import re

import pytest
from sample_app import app_config

from geoapp.store import authenticate, event_details, list_events, set_password
from geoapp.web import auth, create_app

_ERROR = re.compile(r'<p class="form-error" role="alert">(.*?)</p>', re.S)


@pytest.fixture
def app(tmp_path, monkeypatch):
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE", "GEOAPP_MAX_CONTENT_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(auth, "now", lambda: 1_800_000_000.0, raising=False)
    app = create_app(app_config(tmp_path / "instance"))
    with app.extensions["geoapp_db"]["sessions"]() as session:
        set_password(session, "pat", "planner-pass", "planner")
    yield app
    app.extensions["geoapp_db"]["engine"].dispose()


def login(app, token):
    client = app.test_client()
    client.post("/auth/login", data={"username": "pat", "password": "planner-pass",
                                     "csrf_token": token(client)})
    return client


def change(client, token, current, new, repeat=None, lang=None):
    response = client.post("/auth/password", query_string={"lang": lang} if lang else None,
                           data={"current": current, "new": new,
                                 "repeat": new if repeat is None else repeat,
                                 "csrf_token": token(client)})
    found = _ERROR.search(response.get_data(as_text=True))
    return response, html.unescape(found.group(1)) if found else ""


def test_the_page_needs_a_login(app):
    response = app.test_client().get("/auth/password")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_own_change_keeps_this_session_and_ends_the_others(app, token):
    laptop, phone = login(app, token), login(app, token)
    assert "nav-password" in laptop.get("/").get_data(as_text=True)
    response, _ = change(laptop, token, "planner-pass", "sepeda-hijau-terbang")
    assert response.status_code == 302
    page = laptop.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kata sandi Anda sudah diganti" in page
    assert laptop.get("/data/versions").status_code == 200      # still logged in here
    assert phone.get("/data/versions").status_code == 302       # logged out elsewhere
    with app.extensions["geoapp_db"]["sessions"]() as session:
        assert authenticate(session, "pat", "sepeda-hijau-terbang") is not None
        event = list_events(session).events[0]
        assert (event.action, event.actor, event.target) == ("user.password", "pat", "pat")
        assert event_details(event) == {}


@pytest.mark.parametrize("new,expected", [
    ("password", "paling sering dipakai"),
    ("12345678", "paling sering dipakai"),
    ("abcdefgh", "pola sederhana"),
    ("pat-pat-pat-pat", "memuat 'pat'"),
    ("pendek", "terlalu pendek"),
])
def test_weak_new_passwords_are_refused(app, token, new, expected):
    client = login(app, token)
    response, text = change(client, token, "planner-pass", new)
    assert response.status_code == 400 and expected in text
    with app.extensions["geoapp_db"]["sessions"]() as session:
        assert authenticate(session, "pat", "planner-pass") is not None
        assert list_events(session).total == 0
    assert client.get("/data/versions").status_code == 200


def test_wrong_current_password_and_mismatch(app, token):
    client = login(app, token)
    response, text = change(client, token, "salah-sekali", "sepeda-hijau-terbang")
    assert response.status_code == 400 and "Kata sandi saat ini tidak benar" in text
    response, text = change(client, token, "planner-pass", "sepeda-hijau-terbang",
                            repeat="sepeda-hijau-terbaNg", lang="en")
    assert response.status_code == 400 and "The two new passwords are not the same" in text


def test_wrong_current_passwords_count_towards_the_lockout(app, token):
    client = login(app, token)
    for _ in range(5):
        change(client, token, "salah-sekali", "sepeda-hijau-terbang")
    response, text = change(client, token, "planner-pass", "sepeda-hijau-terbang")
    assert response.status_code == 400 and "dihentikan sementara" in text
    with app.extensions["geoapp_db"]["sessions"]() as session:
        assert authenticate(session, "pat", "planner-pass") is not None
