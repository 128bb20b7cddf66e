"""Sessions are revocable and expire (issue #13, point 2).

A copy of a logged-in session cookie (e.g. taken from a shared computer) must stop working
when its user logs out, when the password is changed (admin page or ``geoapp set-password``),
when the account is disabled (and stay dead after it is enabled again), after the idle and
the absolute timeout, and in every worker process: the state lives in the database, so a
second app on the same instance (another worker) refuses the cookie too. Time is frozen
through ``geoapp.web.auth.now``; nothing sleeps.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sample_app import app_config

from geoapp.cli.main import main
from geoapp.store import create_account, find_user, set_password
from geoapp.web import create_app

PROTECTED = "/data/versions"
T0 = 1_800_000_000.0     # a fixed "now" (2027-01-15) for the frozen clock




def _make_app(instance, **overrides):
    return create_app(app_config(instance, **overrides))


def _dispose(app) -> None:
    app.extensions["geoapp_db"]["engine"].dispose()


@pytest.fixture
def app(instance):
    app = _make_app(instance)
    with app.extensions["geoapp_db"]["sessions"]() as session:
        set_password(session, "pat", "planner-pass", "planner")
        create_account(session, "ada", "admin-pass1", "admin", actor=None)
    yield app
    _dispose(app)


def login(client, token, username, password):
    response = client.post("/auth/login", data={"username": username, "password": password,
                                                "csrf_token": token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return token(client)


class Copy:
    """A copy of ``client``'s session cookie, replayed from a fresh browser on every use
    (a refused request clears the cookie of the browser that sent it, not the copy)."""

    def __init__(self, app, client) -> None:
        cookie = client.get_cookie("session")
        assert cookie is not None
        self.app, self.value = app, cookie.value

    def browser(self, app=None):
        browser = (app or self.app).test_client()
        browser.set_cookie("session", self.value)
        return browser

    def get(self, path: str, app=None):
        return self.browser(app).get(path)


def copied(app, client) -> Copy:
    return Copy(app, client)


def opens(client) -> bool:
    return client.get(PROTECTED).status_code == 200


def _user_id(app, username):
    with app.extensions["geoapp_db"]["sessions"]() as session:
        return find_user(session, username).id


def test_copied_cookie_is_refused_after_logout(app, token, clock):
    client = app.test_client()
    csrf = login(client, token, "pat", "planner-pass")
    thief = copied(app, client)
    assert opens(thief)                                   # the copy works while logged in
    assert client.post("/auth/logout", data={"csrf_token": csrf}).status_code == 302
    assert not opens(client)
    refused = thief.get(PROTECTED)
    assert refused.status_code == 302 and "/auth/login" in refused.headers["Location"]
    assert thief.get("/api/status").status_code == 200    # still a normal anonymous visitor
    assert not opens(thief)


def test_logout_ends_every_session_of_the_user(app, token, clock):
    laptop, phone = app.test_client(), app.test_client()
    csrf = login(laptop, token, "pat", "planner-pass")
    login(phone, token, "pat", "planner-pass")
    admin = app.test_client()
    login(admin, token, "ada", "admin-pass1")
    laptop.post("/auth/logout", data={"csrf_token": csrf})
    assert not opens(phone)
    assert opens(admin)                                   # other users keep their sessions
    login(phone, token, "pat", "planner-pass")            # a new login works again
    assert opens(phone)


def test_copied_cookie_is_refused_after_an_admin_password_reset(app, token, clock):
    client = app.test_client()
    login(client, token, "pat", "planner-pass")
    thief = copied(app, client)
    admin = app.test_client()
    csrf = login(admin, token, "ada", "admin-pass1")
    reset = admin.post(f"/admin/users/{_user_id(app, 'pat')}/password",
                       data={"csrf_token": csrf, "password": "sepeda-hijau-terbang"})
    assert reset.status_code == 302
    assert not opens(thief) and not opens(client)


def test_copied_cookie_is_refused_after_cli_set_password(app, instance, token, clock):
    client = app.test_client()
    login(client, token, "pat", "planner-pass")
    thief = copied(app, client)
    result = CliRunner().invoke(main, ["set-password", "pat", "--instance", str(instance),
                                       "--password", "sepeda-hijau-terbang"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert not opens(thief) and not opens(client)


def test_copied_cookie_stays_refused_after_disable_and_enable(app, token, clock):
    client = app.test_client()
    login(client, token, "pat", "planner-pass")
    thief = copied(app, client)
    admin = app.test_client()
    csrf = login(admin, token, "ada", "admin-pass1")
    pat = _user_id(app, "pat")
    assert admin.post(f"/admin/users/{pat}/disable", data={"csrf_token": csrf}).status_code == 302
    assert not opens(thief)
    assert admin.post(f"/admin/users/{pat}/enable", data={"csrf_token": csrf}).status_code == 302
    assert not opens(thief)                               # enabling revives no old session
    login(client, token, "pat", "planner-pass")
    assert opens(client)


def test_idle_timeout(app, token, clock):
    client = app.test_client()
    login(client, token, "pat", "planner-pass")
    clock.advance(119)
    assert opens(client)                                  # used within the idle time ...
    clock.advance(119)
    assert opens(client)                                  # ... which starts again each use
    thief = copied(app, client)
    clock.advance(121)
    assert not opens(client) and not opens(thief)
    assert app.config["SESSION_IDLE_MINUTES"] == 120     # the default: 2 hours


def test_absolute_timeout_even_when_active(app, token, clock):
    client = app.test_client()
    login(client, token, "pat", "planner-pass")
    for _ in range(11):
        clock.advance(60)
        assert opens(client)                              # active every hour for 11 hours
    clock.advance(59)
    assert opens(client)
    clock.advance(1)                                      # 12 hours after the login
    assert not opens(client)
    assert app.config["SESSION_MAX_MINUTES"] == 720      # the default: 12 hours


def test_timeouts_are_settings(instance, token, clock):
    app = _make_app(instance, SESSION_IDLE_MINUTES=5, SESSION_MAX_MINUTES=30)
    try:
        with app.extensions["geoapp_db"]["sessions"]() as session:
            set_password(session, "pat", "planner-pass", "planner")
        client = app.test_client()
        login(client, token, "pat", "planner-pass")
        clock.advance(4)
        assert opens(client)
        clock.advance(5)
        assert not opens(client)
        login(client, token, "pat", "planner-pass")
        for _ in range(7):
            clock.advance(4)
            assert opens(client)
        clock.advance(2)                                  # 30 minutes after the second login
        assert not opens(client)
    finally:
        _dispose(app)


def test_another_worker_refuses_the_cookie_after_logout(app, instance, token, clock):
    """Two apps on one instance stand for two worker processes (same DB and secret key)."""
    other_worker = _make_app(instance)
    try:
        client = app.test_client()
        csrf = login(client, token, "pat", "planner-pass")
        cookie = copied(app, client)
        assert opens(cookie.browser(other_worker))       # the same cookie works in both
        client.post("/auth/logout", data={"csrf_token": csrf})
        assert not opens(cookie.browser(other_worker))
        assert not opens(cookie.browser(app))
    finally:
        _dispose(other_worker)


def test_another_worker_refuses_the_cookie_after_disable(app, instance, token, clock):
    other_worker = _make_app(instance)
    try:
        client = app.test_client()
        login(client, token, "pat", "planner-pass")
        cookie = copied(app, client)
        admin = other_worker.test_client()
        csrf = login(admin, token, "ada", "admin-pass1")
        pat = _user_id(app, "pat")
        admin.post(f"/admin/users/{pat}/disable", data={"csrf_token": csrf})
        admin.post(f"/admin/users/{pat}/enable", data={"csrf_token": csrf})
        assert not opens(cookie.browser(app))
    finally:
        _dispose(other_worker)


def test_anonymous_requests_still_get_no_session_cookie(app, clock):
    client = app.test_client()
    for path in ("/", "/api/status", PROTECTED):
        response = client.get(path)
        assert "Set-Cookie" not in response.headers, path
