"""Issue #10, the stateless app tier: two apps on one database (two ``create_app`` with the
same database, as two ``geoapp serve`` behind a load balancer) behave as one. A planner
uploads on one and previews, reviews and confirms on the other; an alias confirmed on one
is used by the other; the rate limit counts across both; both sign with one secret key.
Run on SQLite (one file) and, marked ``postgres``, on PostgreSQL (tests/postgres.py)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from postgres import pg_url  # noqa: F401  (fixture)
from shared_state import app_aliases, upload_tokens

from geoapp.store import set_password
from geoapp.web import create_app
from geoapp.web.db import get_db

DATA = Path(__file__).resolve().parent.parent / "data" / "upload"
SUDIMARA_BARAT = "36.71.06.1002"
GROUP_FORMS = re.compile(
    r'name="positions" value="([0-9,]+)">\s*<input type="hidden" name="kode" value="([0-9.]+)">')
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
COOKIE = "session"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    """One database URL for both apps."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def two_apps(database, tmp_path, monkeypatch):
    """Two apps (own instance folders, no SECRET_KEY setting) on ``database``."""
    for name in ("GEOAPP_SECRET_KEY", "GEOAPP_DATABASE_URL", "GEOAPP_INSTANCE"):
        monkeypatch.delenv(name, raising=False)
    apps = [create_app({"INSTANCE_PATH": str(tmp_path / name), "DATABASE_URL": database,
                        "TESTING": True, "LOAD_SAMPLE_DATA": False,
                        "CREATE_DEFAULT_PLANNER": False, "RATELIMIT_ENABLED": True,
                        "LOGIN_RATE_LIMIT": "3 per minute"})
            for name in ("a", "b")]
    with apps[0].app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
    yield apps
    for app in apps:
        app.extensions["geoapp_db"]["engine"].dispose()


class Balancer:
    """One browser behind a load balancer: each request goes to the app named, carrying
    the browser's one session cookie (whatever server set it last)."""

    def __init__(self, apps) -> None:
        self.clients = [app.test_client() for app in apps]
        self.cookie: str | None = None

    def send(self, server: int, method: str, url: str, **kw):
        client = self.clients[server]
        if self.cookie is not None:
            client.set_cookie(COOKIE, self.cookie)
        response = client.open(url, method=method, **kw)
        kept = client.get_cookie(COOKIE)
        self.cookie = kept.value if kept is not None else self.cookie
        return response

    def csrf(self, server: int) -> str:
        page = self.send(server, "GET", "/data/upload").get_data(as_text=True)
        return CSRF.search(page).group(1)

    def login(self, server: int, password: str = "rahasia-123"):
        page = self.send(server, "GET", "/auth/login").get_data(as_text=True)
        return self.send(server, "POST", "/auth/login", data={
            "username": "perencana", "password": password,
            "csrf_token": CSRF.search(page).group(1)})

    def upload(self, server: int, title: str = "UMKM 2020") -> str:
        data = (DATA / "messy_umkm.csv").read_bytes()
        sent = self.send(server, "POST", "/data/upload", data={
            "program": "umkm", "title": title, "file": (io.BytesIO(data), "messy_umkm.csv"),
            "csrf_token": self.csrf(server)}, content_type="multipart/form-data")
        assert sent.status_code == 302, sent.get_data(as_text=True)[:400]
        return sent.headers["Location"].rsplit("/", 1)[-1]


def test_upload_on_one_server_review_and_confirm_on_the_other(two_apps):
    first, second = two_apps
    browser = Balancer(two_apps)
    assert browser.login(0).status_code == 302
    token = browser.upload(0)
    assert upload_tokens(second) == [token]                 # the other server has it
    page = browser.send(1, "GET", f"/data/upload/{token}")  # preview on the other
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "messy_umkm.csv" in html
    positions = GROUP_FORMS.search(html).group(1)
    picked = browser.send(1, "POST", f"/data/upload/{token}/review", data={
        "action": "pick", "positions": positions, "kode": SUDIMARA_BARAT,
        "csrf_token": browser.csrf(1)})
    assert picked.status_code == 302
    html = browser.send(0, "GET", f"/data/upload/{token}").get_data(as_text=True)
    assert 'data-testid="decision"' in html                 # the decision, seen on the first
    done = browser.send(1, "POST", f"/data/upload/{token}/confirm",
                        data={"csrf_token": browser.csrf(1)})
    assert done.status_code == 302 and "/data/versions" in done.headers["Location"]
    assert upload_tokens(first) == upload_tokens(second) == []
    listing = browser.send(0, "GET", "/api/datasets").get_json()
    items = listing if isinstance(listing, list) else listing["datasets"]
    assert [(d["version"], d["state"]) for d in items if d["program"] == "umkm"] == [(1, "active")]


def test_an_alias_confirmed_on_one_server_is_used_by_the_other(two_apps):
    first, second = two_apps
    browser = Balancer(two_apps)
    browser.login(0)
    token = browser.upload(0)
    html = browser.send(0, "GET", f"/data/upload/{token}").get_data(as_text=True)
    browser.send(0, "POST", f"/data/upload/{token}/review", data={
        "action": "pick", "positions": GROUP_FORMS.search(html).group(1),
        "kode": SUDIMARA_BARAT, "csrf_token": browser.csrf(0)})
    assert browser.send(0, "POST", f"/data/upload/{token}/confirm",
                        data={"csrf_token": browser.csrf(0)}).status_code == 302
    assert app_aliases(second).lookup("Sudimara", "Ciledug") == SUDIMARA_BARAT
    again = browser.upload(1, title="UMKM 2021")            # the same file, on the other
    html = browser.send(1, "GET", f"/data/upload/{again}").get_data(as_text=True)
    assert not any(kode == SUDIMARA_BARAT for _, kode in GROUP_FORMS.findall(html))
    assert 'data-testid="no-review"' in html                # matched by the alias


def test_the_login_rate_limit_counts_across_servers(two_apps):
    browser = Balancer(two_apps)
    for server in (0, 1, 0):                                # 3 failed logins, limit 3/minute
        assert browser.login(server, password="salah-salah").status_code == 200
    assert browser.login(1, password="salah-salah").status_code == 429
    assert browser.login(0, password="salah-salah").status_code == 429


def test_both_servers_sign_with_one_generated_key(two_apps, tmp_path):
    first, second = two_apps
    assert first.secret_key == second.secret_key and len(first.secret_key) == 64
    assert not (tmp_path / "a" / "secret_key").exists()
    browser = Balancer(two_apps)
    assert browser.login(0).status_code == 302
    assert browser.send(1, "GET", "/data/upload").status_code == 200   # logged in on both
