"""App factory, instance folder, secret key, headers, JSON and the error handler."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from flask import abort
from postgres import own_database

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.web import create_app
from geoapp.web.security import SECRET_FILE

REPO_ROOT = Path(__file__).resolve().parents[2]
BROKEN = Msg("test.broken", id="Kolom '{column}' tidak ada.", en="Column '{column}' is missing.")


@pytest.fixture
def app_routes(app):
    """Extra routes that raise, registered before the first request."""

    @app.get("/test/geoapp-error")
    def geoapp_error():
        raise GeoappError(BROKEN, 422, column="kelurahan<b>")

    @app.get("/api/test/geoapp-error")
    def api_geoapp_error():
        raise GeoappError(BROKEN, 422, column="kelurahan")

    @app.get("/test/crash")
    def crash():
        raise RuntimeError("secret internal detail /etc/passwd")

    @app.get("/api/test/nan")
    def nan():
        return {"a": float("nan"), "b": [float("inf"), -float("inf"), 1.5], "c": 0}

    @app.get("/test/teapot")
    def teapot():
        abort(418)

    return app


@pytest.mark.sqlite_only(reason="checks the SQLite file the app creates in its instance folder")
def test_instance_folder_created_with_database(tmp_path):
    inst = tmp_path / "fresh" / "inst"
    app = create_app({"INSTANCE_PATH": str(inst)})
    assert Path(app.instance_path) == inst.resolve()
    assert (inst / "geoapp.sqlite3").is_file()
    assert app.config["UPLOAD_DIR"] == str(inst.resolve() / "uploads")
    app.extensions["geoapp_db"]["engine"].dispose()


def test_instance_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOAPP_INSTANCE", str(tmp_path / "envinst"))
    app = create_app()
    assert Path(app.instance_path) == (tmp_path / "envinst").resolve()
    app.extensions["geoapp_db"]["engine"].dispose()


def test_secret_key_created_once_in_the_database_and_reused(app, tmp_path):
    assert not (Path(app.instance_path) / SECRET_FILE).exists()   # not on one server's disk
    assert len(app.secret_key) == 64
    again = create_app({"INSTANCE_PATH": app.instance_path})
    assert again.secret_key == app.secret_key
    other = create_app({"INSTANCE_PATH": str(tmp_path / "other"), **own_database()})
    assert other.secret_key != app.secret_key
    for a in (again, other):
        a.extensions["geoapp_db"]["engine"].dispose()


def test_secret_key_not_in_repository(app):
    assert not (REPO_ROOT / "instance" / SECRET_FILE).exists() or _ignored("instance/secret_key")
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert not [f for f in tracked.stdout.splitlines() if Path(f).name == SECRET_FILE]
    sources = [p for p in (REPO_ROOT / "geoapp").rglob("*.py")]
    assert not any(app.secret_key in p.read_text(encoding="utf-8") for p in sources)


def _ignored(rel: str) -> bool:
    out = subprocess.run(["git", "check-ignore", rel], cwd=REPO_ROOT, capture_output=True)
    return out.returncode == 0


def test_session_cookie_flags(app, client, token):
    token(client)
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure


def test_secure_cookie_setting(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SESSION_COOKIE_SECURE": True})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["geoapp_db"]["engine"].dispose()


@pytest.mark.parametrize("url", ["/", "/auth/login", "/api/status", "/nope"])
def test_security_headers_on_every_response(client, url):
    headers = client.get(url).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"


def test_index_page_lists_nothing_yet_and_has_no_external_assets(client):
    html = client.get("/").get_data(as_text=True)
    assert "Belum ada data" in html
    for ref in ('src="http', "href=\"http://", "<script src=\"//", "cdn"):
        assert ref not in html.replace('href="https://github.com', "").replace(
            'href="https://www.openstreetmap.org', "")
    assert "cahyadsn/wilayah_boundaries" in html and "OpenStreetMap" in html


def test_404_html_and_json(client):
    page = client.get("/does-not-exist")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "tidak ditemukan" in page.get_data(as_text=True)
    api = client.get("/api/does-not-exist")
    assert api.status_code == 404
    assert api.json == {"error": "http.not_found", "status": 404,
                        "message": "Halaman atau data tidak ditemukan. Periksa alamatnya."}


def test_404_json_when_client_prefers_json(client):
    r = client.get("/does-not-exist", headers={"Accept": "application/json"})
    assert r.mimetype == "application/json" and r.json["status"] == 404


def test_405_keeps_allow_header(client):
    r = client.put("/api/status")
    assert r.status_code == 405 and r.json["error"] == "http.method"
    assert "GET" in r.headers["Allow"] and "PUT" in r.json["message"]


def test_413_names_the_limit(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True,
                      "MAX_CONTENT_LENGTH": 1024 * 1024})
    r = app.test_client().post("/auth/login?lang=en", data={"username": "x" * (2 * 1024 * 1024)})
    assert r.status_code == 413
    assert "1 MB" in r.get_data(as_text=True)
    r = app.test_client().post("/api/programs/umkm/rollback",
                               data={"file": "x" * (2 * 1024 * 1024)})
    assert r.status_code == 413 and r.json["error"] == "http.too_large"
    app.extensions["geoapp_db"]["engine"].dispose()


def test_geoapp_error_as_html_escaped(app_routes):
    r = app_routes.test_client().get("/test/geoapp-error")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and r.mimetype == "text/html"
    assert "Kolom &#39;kelurahan&lt;b&gt;&#39; tidak ada." in html
    assert "kelurahan<b>" not in html


def test_geoapp_error_as_json_in_chosen_language(app_routes):
    r = app_routes.test_client().get("/api/test/geoapp-error?lang=en")
    assert r.status_code == 422
    assert r.json == {"error": "test.broken", "status": 422,
                      "message": "Column 'kelurahan' is missing."}


def test_500_is_generic_without_traceback(app_routes):
    client = app_routes.test_client()
    r = client.get("/test/crash")
    body = r.get_data(as_text=True)
    assert r.status_code == 500 and "Traceback" not in body and "/etc/passwd" not in body
    assert "kesalahan di server" in body
    r = client.get("/test/crash", headers={"Accept": "application/json"})
    assert r.json["status"] == 500 and "secret" not in r.get_data(as_text=True)


def test_other_http_errors_get_generic_message(app_routes):
    r = app_routes.test_client().get("/test/teapot", headers={"Accept": "application/json"})
    assert r.status_code == 418 and "418" in r.json["message"]


def test_json_turns_nan_and_infinity_into_null(app_routes):
    r = app_routes.test_client().get("/api/test/nan")
    text = r.get_data(as_text=True)
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"a": None, "b": [None, None, 1.5], "c": 0}


def test_static_stylesheet_served(client):
    r = client.get("/static/app.css")
    assert r.status_code == 200 and b".site-header" in r.data
