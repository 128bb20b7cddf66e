"""Security headers on every response: CSP with a per-request nonce, and the other headers."""

from __future__ import annotations

import re

import pytest

from geoapp.web.security import build_csp, style_hashes, tile_source

PATHS = ("/", "/auth/login", "/api/status", "/static/app.css", "/no-such-page", "/kampung",
         "/kampung/print", "/sw.js", "/api/datasets/999")
_NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'(;|$)")
_SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_headers(client, path):
    response = client.get(path)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "geolocation=(self)" in headers["Permissions-Policy"]
    csp = _directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'" and len(csp["script-src"]) == 2
    assert _NONCE.search(headers["Content-Security-Policy"])
    for name in ("connect-src", "worker-src", "manifest-src", "frame-ancestors", "base-uri",
                 "form-action"):
        assert csp[name] == ["'self'"], name
    assert csp["object-src"] == ["'none'"]
    assert csp["img-src"][:2] == ["'self'", "data:"]
    assert "https://tile.openstreetmap.org" in csp["img-src"]
    joined = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in joined and "unsafe-eval" not in joined


def test_nonce_changes_per_request(client):
    first = _NONCE.search(client.get("/").headers["Content-Security-Policy"]).group(1)
    second = _NONCE.search(client.get("/").headers["Content-Security-Policy"]).group(1)
    assert first != second


@pytest.mark.parametrize("path", ["/", "/kelurahan/36.71.01.1001", "/kampung", "/auth/login",
                                  "/kampung/print"])
def test_inline_scripts_carry_the_nonce_and_no_inline_styles(shared_sample_client, path):
    response = shared_sample_client.get(path)
    assert response.status_code == 200
    nonce = _NONCE.search(response.headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    inline = 0
    for attrs in _SCRIPT.findall(html):
        if "src=" in attrs or 'type="application/json"' in attrs:
            continue
        inline += 1
        assert f'nonce="{nonce}"' in attrs, f"inline script without the nonce on {path}"
    if path == "/":
        assert inline == 1  # the Folium map script
    assert not re.search(r"\sstyle=\"", html), f"style attribute on {path} (blocked by CSP)"
    assert not re.search(r"\son[a-z]+=", html, re.I), f"inline event handler on {path}"
    for block in re.findall(r"<style>(.*?)</style>", html, re.S):
        assert style_hashes([f"<style>{block}</style>"])[0] in response.headers[
            "Content-Security-Policy"], f"<style> block on {path} is not hashed in the CSP"


def test_tile_source_from_the_setting():
    assert tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == \
        "https://tile.openstreetmap.org"
    assert tile_source("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png") == \
        "https://*.tile.example.org:8443"
    for bad in ("", None, "javascript:alert(1)", "//tile.example.org/{z}.png",
                "https://evil.org; script-src */x.png", "https://user@evil.org/{z}.png",
                "ftp://tile.example.org/{z}.png"):
        assert tile_source(bad) is None, bad


def test_build_csp_without_tiles_and_with_style_hashes():
    csp = _directives(build_csp("abc", tile_url="", styles=["'sha256-x'"]))
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["style-src"] == ["'self'", "'sha256-x'"]
    assert csp["script-src"] == ["'self'", "'nonce-abc'"]


def test_style_hashes_skip_template_blocks():
    assert style_hashes(["<style>{{ x }}</style>", "<p>no style</p>"]) == ()
    one = style_hashes(["<style>a{}</style>", "<style>a{}</style>"])
    assert len(one) == 1 and one[0].startswith("'sha256-")


def _login(client, token, username, password):
    return client.post("/auth/login", data={"username": username, "password": password,
                                            "csrf_token": token(client)})


def _make_user(app, username="alice", password="correct-horse", role="planner"):
    from geoapp.store import set_password

    with app.extensions["geoapp_db"]["sessions"]() as session:
        set_password(session, username, password, role)


def test_session_cookie_flags(app, client, token):
    _make_user(app)
    response = _login(client, token, "alice", "correct-horse")
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_secure_cookie_setting(tmp_path, token):
    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "LOAD_SAMPLE_DATA": False, "SESSION_COOKIE_SECURE": True})
    try:
        _make_user(app)
        client = app.test_client()
        response = _login(client, token, "alice", "correct-horse")
        cookie = next(c for c in response.headers.getlist("Set-Cookie")
                      if c.startswith("session="))
        assert "Secure" in cookie and "HttpOnly" in cookie
    finally:
        app.extensions["geoapp_db"]["engine"].dispose()
