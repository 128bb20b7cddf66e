"""Login attempts and uploads are rate-limited (429, bilingual); tests run without limits."""

from __future__ import annotations

import io

import pytest
from sample_app import app_config

from geoapp.store import set_password
from geoapp.web import create_app


@pytest.fixture
def limited_app(tmp_path, monkeypatch):
    monkeypatch.delenv("GEOAPP_INSTANCE", raising=False)
    app = create_app(app_config(tmp_path / "instance", RATELIMIT_ENABLED=True,
                                LOGIN_RATE_LIMIT="3 per minute", UPLOAD_RATE_LIMIT="2 per hour"))
    with app.extensions["geoapp_db"]["sessions"]() as session:
        set_password(session, "pat", "planner-pass", "planner")
    yield app
    app.extensions["geoapp_db"]["engine"].dispose()


def _attempt(client, token, password="wrong-password", **params):
    return client.post("/auth/login", query_string=params,
                       data={"username": "pat", "password": password, "csrf_token": token(client)})


def test_login_attempts_are_limited(limited_app, token):
    client = limited_app.test_client()
    for _ in range(3):
        assert _attempt(client, token).status_code == 200       # wrong password, form again
    refused = _attempt(client, token, password="planner-pass")   # even the right one now
    assert refused.status_code == 429
    text = refused.get_data(as_text=True)
    assert "Terlalu banyak percobaan" in text and "3 per 1 minute" in text
    assert int(refused.headers["Retry-After"]) >= 1
    english = _attempt(client, token, lang="en")
    assert english.status_code == 429 and "Too many attempts" in english.get_data(as_text=True)
    assert client.get("/auth/login").status_code == 200          # the form itself stays open


def test_the_limit_counts_per_client_address(limited_app, token):
    for _ in range(3):
        _attempt(limited_app.test_client(), token)
    other = limited_app.test_client()
    response = other.post("/auth/login", environ_base={"REMOTE_ADDR": "10.0.0.9"},
                          data={"username": "pat", "password": "planner-pass",
                                "csrf_token": token(other)})
    assert response.status_code == 302


def test_uploads_are_limited(limited_app, token):
    client = limited_app.test_client()
    client.post("/auth/login", data={"username": "pat", "password": "planner-pass",
                                     "csrf_token": token(client)})
    statuses = []
    for _ in range(3):
        form = {"program": "umkm", "title": "t", "csrf_token": token(client),
                "file": (io.BytesIO(b"not,a\n1,2\n"), "x.txt")}
        statuses.append(client.post("/data/upload", data=form,
                                    content_type="multipart/form-data").status_code)
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    assert client.get("/data/upload").status_code == 200


def test_api_clients_get_json(limited_app, token):
    client = limited_app.test_client()
    for _ in range(3):
        _attempt(client, token)
    response = client.post("/auth/login", headers={"Accept": "application/json"},
                           data={"username": "pat", "password": "x", "csrf_token": token(client)})
    assert response.status_code == 429
    assert response.get_json()["error"] == "security.rate_limited"


def test_tests_run_without_limits(app, client, token):
    assert app.config["RATELIMIT_ENABLED"] is False
    for _ in range(15):
        assert _attempt(client, token).status_code == 200


def test_limits_are_settings(tmp_path):
    app = create_app(app_config(tmp_path / "i"))
    try:
        assert app.config["LOGIN_RATE_LIMIT"] == "10 per minute"
        assert app.config["UPLOAD_RATE_LIMIT"] == "30 per hour"
    finally:
        app.extensions["geoapp_db"]["engine"].dispose()
