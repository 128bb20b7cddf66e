"""Login, logout, roles, CSRF and the API's role checks."""

from __future__ import annotations

import pytest

from geoapp.store import set_password
from geoapp.web.db import get_db


@pytest.fixture
def users(app):
    with app.app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
        set_password(get_db(), "kepala", "rahasia-456", "admin")


def login(client, token, username, password, next_url=None):
    url = "/auth/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password,
                                  "csrf_token": token(client)})


def test_login_page_has_csrf_field(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'name="csrf_token"' in html and "Kata sandi" in html


def test_login_success_and_logout(client, token, users):
    r = login(client, token, "perencana", "rahasia-123")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "Keluar" in html and "perencana" in html
    r = client.post("/auth/logout", data={"csrf_token": token(client)})
    assert r.status_code == 302
    assert "Masuk" in client.get("/").get_data(as_text=True)


def test_login_failure_shows_error(client, token, users):
    r = login(client, token, "perencana", "salah-sekali")
    assert r.status_code == 200 and "Nama pengguna atau kata sandi salah" in r.get_data(as_text=True)
    r = login(client, token, "tidakada", "rahasia-123")
    assert "salah" in r.get_data(as_text=True)
    assert "Keluar" not in client.get("/").get_data(as_text=True)


def test_login_follows_only_local_next(client, token, users):
    r = login(client, token, "perencana", "rahasia-123", next_url="/api/status")
    assert r.headers["Location"] == "/api/status"
    client.post("/auth/logout", data={"csrf_token": token(client)})
    r = login(client, token, "perencana", "rahasia-123", next_url="//evil.example/")
    assert r.headers["Location"] == "/"


def test_csrf_rejects_form_without_token(client, users):
    r = client.post("/auth/login", data={"username": "perencana", "password": "rahasia-123"})
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)
    assert "Keluar" not in client.get("/").get_data(as_text=True)


def test_csrf_rejects_logout_without_token(client, token, users):
    login(client, token, "perencana", "rahasia-123")
    assert client.post("/auth/logout").status_code == 400
    assert "Keluar" in client.get("/").get_data(as_text=True)


def test_csrf_can_be_disabled_for_a_test(tmp_path):
    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
    r = app.test_client().post("/auth/login", data={"username": "perencana", "password": "rahasia-123"})
    assert r.status_code == 302
    app.extensions["geoapp_db"]["engine"].dispose()


def test_login_required_redirects_pages_and_blocks_api(app, client, token, users):
    from geoapp.web.auth import login_required

    @app.get("/test/planner-page")
    @login_required("planner")
    def planner_page():
        return "planner ok"

    @app.get("/test/admin-page")
    @login_required("admin")
    def admin_page():
        return "admin ok"

    @app.get("/api/test/admin")
    @login_required("admin")
    def admin_api():
        return {"ok": True}

    r = client.get("/test/planner-page")
    assert r.status_code == 302 and r.headers["Location"].startswith("/auth/login?next=")
    r = client.get("/api/test/admin")
    assert r.status_code == 401 and r.json["error"] == "auth.need_login"
    login(client, token, "perencana", "rahasia-123")
    assert client.get("/test/planner-page").get_data(as_text=True) == "planner ok"
    r = client.get("/api/test/admin")
    assert r.status_code == 403 and r.json["error"] == "auth.forbidden" and "admin" in r.json["message"]
    r = client.get("/test/admin-page")
    assert r.status_code == 403 and r.mimetype == "text/html"
    client.post("/auth/logout", data={"csrf_token": token(client)})
    login(client, token, "kepala", "rahasia-456")
    assert client.get("/test/planner-page").status_code == 200
    assert client.get("/api/test/admin").json == {"ok": True}


def test_deleted_user_session_is_anonymous(app, client, token, users):
    login(client, token, "perencana", "rahasia-123")
    with client.session_transaction() as sess:
        sess["user_id"] = 9999
    assert "Masuk" in client.get("/").get_data(as_text=True)
