"""Review fixes: open redirect, huge ids, GDAL_SKIP, GDAL text, cookies, CSRF text, proxies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sample_app import app_config
from werkzeug.middleware.proxy_fix import ProxyFix

import geoapp
from geoapp.store import create_account, set_password
from geoapp.web import create_app
from geoapp.web.auth import is_local_path

HUGE = 99999999999999999999999            # far past SQLite's signed 64-bit INTEGER
SAFE = {"GET", "HEAD", "OPTIONS"}
REPO = Path(geoapp.__file__).resolve().parent.parent


def _sessions(app):
    return app.extensions["geoapp_db"]["sessions"]


def _login(client, token, username, password):
    r = client.post("/auth/login", data={"username": username, "password": password,
                                         "csrf_token": token(client)})
    assert r.status_code == 302, f"login of {username} failed"
    return token(client)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.delenv("GEOAPP_INSTANCE", raising=False)
    app = create_app(app_config(tmp_path / "instance"))
    with _sessions(app)() as session:
        set_password(session, "pat", "planner-pass", "planner")
        create_account(session, "ada", "admin-pass1", "admin", actor=None)
    yield app
    app.extensions["geoapp_db"]["engine"].dispose()


# --------------------------------------------------------------------------- 13 open redirect


@pytest.mark.parametrize("target", [
    "/\t/evil.com", "/\n/evil.com", "/\r/evil.com", "//evil.com", "/\\evil.com",
    "\\/evil.com", "https://evil.com", "http:/evil.com", "javascript:alert(1)",
    "evil.com", " /x", "/x\x00", "/x\x7f", "", None])
def test_only_plain_local_paths_are_followed(target):
    assert not is_local_path(target)


@pytest.mark.parametrize("target", ["/", "/kampung", "/data/versions?program=umkm&x=%2F"])
def test_local_paths_are_followed(target):
    assert is_local_path(target)


@pytest.mark.parametrize("raw_next", ["%2F%09%2Fevil.com", "%2F%0A%2Fevil.com",
                                      "%2F%5Cevil.com", "%2F%2Fevil.com"])
def test_login_never_redirects_off_site(app, token, raw_next):
    client = app.test_client()
    r = client.post(f"/auth/login?next={raw_next}",
                    data={"username": "pat", "password": "planner-pass",
                          "csrf_token": token(client)})
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_login_follows_a_local_next(app, token):
    client = app.test_client()
    r = client.post("/auth/login?next=%2Fkampung%3Fq%3Dx",
                    data={"username": "pat", "password": "planner-pass",
                          "csrf_token": token(client)})
    assert r.headers["Location"] == "/kampung?q=x"


# --------------------------------------------------------------------------- 16 huge ids


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items()
                if type(conv).__name__.endswith(("IntegerConverter", "IntConverter"))]
        if ints:
            yield rule, ints


def _huge_url(rule, ints) -> str:
    values = {name: "umkm" for name in rule.arguments}
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(HUGE)).replace(f"<{name}>", values[name])
    return path


def test_the_app_has_int_routes(app):
    assert len(list(_int_routes(app))) >= 5


def test_huge_ids_never_give_500(app, token):
    client = app.test_client()
    csrf = _login(client, token, "ada", "admin-pass1")           # admin: past every role check
    seen = []
    for rule, ints in _int_routes(app):
        url = _huge_url(rule, ints)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            r = client.open(url, method=method, data={"csrf_token": csrf, "title": "x"},
                            headers={"X-CSRFToken": csrf})
            seen.append((method, url, r.status_code))
    assert seen and all(code in (404, 405) for _, _, code in seen), seen   # never 500
    assert {code for method, _, code in seen if method in ("GET", "POST")} == {404}


@pytest.mark.parametrize("url", [
    f"/api/datasets/{HUGE}", "/api/datasets/9223372036854775808",
    f"/api/compare?a={HUGE}&b=1", "/api/compare?a=999999999999&b=1",
    f"/data/versions/compare?a={HUGE}&b=1", "/data/versions/compare?a=999999999999&b=1",
    f"/kampung/kelola/kampung-{HUGE}/ubah", f"/kampung/kelola/kampung-{HUGE}/hapus"])
def test_huge_ids_in_paths_and_parameters(app, token, url):
    client = app.test_client()
    _login(client, token, "ada", "admin-pass1")
    assert client.get(url).status_code in (400, 404)


@pytest.mark.parametrize("bad", [HUGE, 2**63, -1, True, "1"])
def test_store_treats_out_of_range_ids_as_missing(app, bad):
    from geoapp.core.errors import GeoappError
    from geoapp.store import get_dataset, require_dataset

    with _sessions(app)() as session:
        assert get_dataset(session, bad) is None
        with pytest.raises(GeoappError) as err:
            require_dataset(session, bad)
        assert err.value.status == 404


# --------------------------------------------------------------------------- 18 GDAL_SKIP


@pytest.mark.parametrize("preset", ["", "JPEG", "VRT,PNG"])
def test_gdal_skip_is_merged_into_a_preset_value(preset):
    code = ("import os, geoapp, pyogrio\n"
            "print(os.environ['GDAL_SKIP'])\n"
            "print(' '.join(sorted(pyogrio.list_drivers())))\n")
    env = {**os.environ, "GDAL_SKIP": preset}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True,
                         text=True, timeout=120, check=True).stdout.splitlines()
    names = out[0].split()
    for driver in geoapp.REQUIRED_GDAL_SKIP:
        assert names.count(driver) == 1, (driver, names)
    for kept in preset.replace(",", " ").split():
        assert kept in names
    drivers = set(out[1].split())
    assert "VRT" not in drivers and "OGR_VRT" not in drivers and "GeoJSON" in drivers


def test_merged_gdal_skip():
    merged = geoapp.merged_gdal_skip("JPEG  VRT,")
    assert merged.split()[:2] == ["JPEG", "VRT"]
    assert merged.split().count("VRT") == 1 and "WMS" in merged.split()


# --------------------------------------------------------------------------- 19 GDAL text


def test_gdal_error_text_is_logged_not_shown(monkeypatch, caplog):
    import pyogrio

    from geoapp.core.errors import GeoappError
    from geoapp.io.boundaries import load_boundaries

    secret = "'/vsimem/pyogrio_0123/secret.geojson' not recognized as a supported file format"

    def broken(*_args, **_kwargs):
        raise RuntimeError(secret)

    monkeypatch.setattr(pyogrio, "read_info", broken)
    raw = (REPO / "data" / "boundaries" / "kota_tangerang_kelurahan.geojson").read_bytes()
    with caplog.at_level("WARNING", logger="geoapp.io.boundaries"), \
            pytest.raises(GeoappError) as err:
        load_boundaries(raw, filename="x.geojson")
    assert err.value.status == 422
    shown = [err.value.text("id"), err.value.text("en"), str(err.value.as_dict("id"))]
    for text in shown:
        assert "vsimem" not in text and "not recognized" not in text
    assert "tidak dapat dibaca" in shown[0] and "could not be read" in shown[1]
    assert "vsimem" in caplog.text


# --------------------------------------------------------------------------- 20 cookies


@pytest.mark.parametrize("path", ["/", "/api/status", "/api/datasets", "/kampung",
                                  "/api/datasets?program=umkm"])
def test_anonymous_reads_set_no_cookie(app, path):
    r = app.test_client().get(path)
    assert r.status_code == 200
    assert "Set-Cookie" not in r.headers
    assert 'name="csrf-token"' not in r.get_data(as_text=True)


def test_login_page_and_logged_in_pages_keep_the_token(app, token):
    client = app.test_client()
    login_page = client.get("/auth/login")
    assert 'name="csrf-token"' in login_page.get_data(as_text=True)
    assert "Set-Cookie" in login_page.headers
    _login(client, token, "pat", "planner-pass")
    assert 'name="csrf-token"' in client.get("/").get_data(as_text=True)


# --------------------------------------------------------------------------- 23 CSRF text


@pytest.mark.parametrize("token_value, key", [(None, "http.csrf_missing"),
                                              ("forged", "http.csrf")])
def test_csrf_error_has_no_library_english(app, token_value, key):
    client = app.test_client()
    client.get("/auth/login")                                   # a session with a real token
    data = {"username": "pat", "password": "x"}
    if token_value:
        data["csrf_token"] = token_value
    page = client.post("/auth/login", data=data)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "token CSRF" in text
    for english in ("missing", "invalid", "does not match", "The CSRF"):
        assert english not in text
    api = client.post("/api/programs/umkm/rollback")
    assert api.status_code == 400 and api.get_json()["error"] == "http.csrf_missing"
    assert client.post("/auth/login", data=data, headers={"Accept": "application/json"}
                       ).get_json()["error"] == key
    client.get("/?lang=en")
    english = client.post("/auth/login", data=data).get_data(as_text=True)
    assert "CSRF token" in english and ("missing" in english or "does not match" in english)


# --------------------------------------------------------------------------- 17 proxies


def _limited(tmp_path, **settings):
    app = create_app(app_config(tmp_path / "instance", RATELIMIT_ENABLED=True,
                                LOGIN_RATE_LIMIT="1 per minute", **settings))
    return app


def _two_logins_from_different_forwarded_addresses(app, token) -> list[int]:
    codes = []
    for address in ("203.0.113.1", "203.0.113.2"):
        client = app.test_client()
        data = {"username": "u", "password": "p", "csrf_token": token(client)}
        codes.append(client.post("/auth/login", data=data,
                                 headers={"X-Forwarded-For": address}).status_code)
    return codes


def test_forwarded_addresses_are_ignored_by_default(tmp_path, monkeypatch, token):
    monkeypatch.delenv("GEOAPP_INSTANCE", raising=False)
    app = _limited(tmp_path)
    try:
        assert app.config["PROXY_FIX_X_FOR"] == 0 and not isinstance(app.wsgi_app, ProxyFix)
        assert app.config["RATELIMIT_STORAGE_URI"] == "geoapp+sql://"   # the database
        assert _two_logins_from_different_forwarded_addresses(app, token)[1] == 429
    finally:
        app.extensions["geoapp_db"]["engine"].dispose()


def test_proxy_fix_uses_the_forwarded_address(tmp_path, monkeypatch, token):
    monkeypatch.delenv("GEOAPP_INSTANCE", raising=False)
    app = _limited(tmp_path, PROXY_FIX_X_FOR=1)
    try:
        assert isinstance(app.wsgi_app, ProxyFix)
        assert 429 not in _two_logins_from_different_forwarded_addresses(app, token)
    finally:
        app.extensions["geoapp_db"]["engine"].dispose()


def test_proxy_and_storage_settings_come_from_the_environment(tmp_path):
    from geoapp.core.settings import load_settings

    values = load_settings(tmp_path, environ={"GEOAPP_PROXY_FIX_X_FOR": "2",
                                              "GEOAPP_RATELIMIT_STORAGE_URI": "redis://r:6379"})
    assert values["PROXY_FIX_X_FOR"] == 2 and values["RATELIMIT_STORAGE_URI"] == "redis://r:6379"
