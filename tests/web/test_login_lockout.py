"""Per-account login lockout (issue #13, point 5).

Five wrong passwords for one username within 15 minutes lock it for 15 minutes (then 30,
60, ... up to a day), whatever address they come from; the right password is refused
while locked; a success does not count and clears the count; unknown usernames get the
very same answers; the counters are in the database, so they survive a restart and are
shared by every worker process (two apps on one instance here). The per-address limit
counts failed attempts only. Time is frozen through ``geoapp.web.auth.now``.
"""

from __future__ import annotations

import html
import re

import pytest
from sample_app import app_config

from geoapp.store import set_password
from geoapp.web import create_app

T0 = 1_800_000_000.0     # 2027-01-15 08:00 UTC = 15.00 in Asia/Jakarta
_ERROR = re.compile(r'<p class="form-error" role="alert">(.*?)</p>', re.S)
WRONG = "Nama pengguna atau kata sandi salah"
LOCKED = "dihentikan sementara"




def _make_app(instance, **overrides):
    return create_app(app_config(instance, **overrides))


def _dispose(app) -> None:
    app.extensions["geoapp_db"]["engine"].dispose()


@pytest.fixture
def app(instance):
    app = _make_app(instance)
    with app.extensions["geoapp_db"]["sessions"]() as session:
        set_password(session, "pat", "planner-pass", "planner")
    yield app
    _dispose(app)


def attempt(app, token, username, password, *, address="127.0.0.1", lang=None):
    """One login attempt from a fresh browser: (status, the form's error text or '')."""
    client = app.test_client()
    response = client.post("/auth/login", query_string={"lang": lang} if lang else None,
                           environ_base={"REMOTE_ADDR": address},
                           data={"username": username, "password": password,
                                 "csrf_token": token(client)})
    found = _ERROR.search(response.get_data(as_text=True))
    return response.status_code, html.unescape(found.group(1)) if found else ""


def fail(app, token, times, username="pat", **kw):
    return [attempt(app, token, username, "salah-sekali", **kw) for _ in range(times)]


def test_five_wrong_passwords_lock_the_account(app, token, clock):
    answers = fail(app, token, 4)
    assert all(status == 200 and WRONG in text for status, text in answers)
    status, text = fail(app, token, 1)[0]
    assert status == 200 and LOCKED in text
    assert "15 Januari 2027 15.15" in text and "sekitar 15 menit" in text
    status, text = attempt(app, token, "pat", "planner-pass")      # even the right password
    assert status == 200 and LOCKED in text
    assert "sekitar 15 menit" in text


def test_the_lock_holds_for_every_address(app, token, clock):
    for k in range(5):
        attempt(app, token, "pat", "salah-sekali", address=f"10.0.0.{k + 1}")
    status, text = attempt(app, token, "pat", "planner-pass", address="10.9.9.9")
    assert status == 200 and LOCKED in text


def test_unknown_usernames_get_the_same_answers(app, token, clock):
    known = fail(app, token, 6, "pat")
    unknown = fail(app, token, 6, "hantu")
    assert known == unknown
    assert LOCKED in unknown[-1][1]


def test_english_message(app, token, clock):
    fail(app, token, 5)
    status, text = attempt(app, token, "pat", "planner-pass", lang="en")
    assert "Too many wrong passwords" in text and "in about 15 minutes" in text
    assert "15 January 2027 15:15" in text


def test_lock_expires_and_grows(app, token, clock):
    fail(app, token, 5)
    clock.advance(14)
    assert LOCKED in attempt(app, token, "pat", "planner-pass")[1]
    clock.advance(1)                                                 # 15 minutes: free again
    fail(app, token, 4)
    status, text = fail(app, token, 1)[0]                            # second lock in a row
    assert LOCKED in text and "sekitar 30 menit" in text
    clock.advance(29)
    assert LOCKED in attempt(app, token, "pat", "planner-pass")[1]
    clock.advance(1)
    assert attempt(app, token, "pat", "planner-pass")[0] == 302     # free, and it resets
    fail(app, token, 5)
    assert "sekitar 15 menit" in attempt(app, token, "pat", "planner-pass")[1]


def test_successes_do_not_count_and_clear_the_count(app, token, clock):
    for _ in range(3):
        fail(app, token, 4)
        assert attempt(app, token, "pat", "planner-pass")[0] == 302


def test_failures_outside_the_window_are_forgotten(app, token, clock):
    fail(app, token, 4)
    clock.advance(16)
    fail(app, token, 4)
    assert attempt(app, token, "pat", "planner-pass")[0] == 302


def test_the_lock_survives_a_restart(instance, app, token, clock):
    fail(app, token, 5)
    _dispose(app)
    restarted = _make_app(instance)
    try:
        status, text = attempt(restarted, token, "pat", "planner-pass")
        assert status == 200 and LOCKED in text
        clock.advance(15)
        assert attempt(restarted, token, "pat", "planner-pass")[0] == 302
    finally:
        _dispose(restarted)


def test_two_workers_share_the_count(instance, app, token, clock):
    other_worker = _make_app(instance)
    try:
        for k in range(5):
            fail(other_worker if k % 2 else app, token, 1)
        for worker in (app, other_worker):
            status, text = attempt(worker, token, "pat", "planner-pass")
            assert status == 200 and LOCKED in text
    finally:
        _dispose(other_worker)


def test_lockout_settings(instance, token, clock):
    off = _make_app(instance, LOGIN_LOCKOUT_FAILURES=0)
    try:
        with off.extensions["geoapp_db"]["sessions"]() as session:
            set_password(session, "pat", "planner-pass", "planner")
        fail(off, token, 12)
        assert attempt(off, token, "pat", "planner-pass")[0] == 302
    finally:
        _dispose(off)
    strict = _make_app(instance, LOGIN_LOCKOUT_FAILURES=2, LOGIN_LOCKOUT_MINUTES=60)
    try:
        fail(strict, token, 2)
        assert "sekitar 60 menit" in attempt(strict, token, "pat", "planner-pass")[1]
        assert strict.config["LOGIN_LOCKOUT_WINDOW_MINUTES"] == 15
    finally:
        _dispose(strict)


def test_the_address_limit_counts_failed_attempts_only(instance, token, clock):
    limited = _make_app(instance, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    try:
        with limited.extensions["geoapp_db"]["sessions"]() as session:
            set_password(session, "pat", "planner-pass", "planner")
        client = limited.test_client()
        for _ in range(5):                                   # five logins in a row: all fine
            response = client.post("/auth/login", data={"username": "pat",
                                                        "password": "planner-pass",
                                                        "csrf_token": token(client)})
            assert response.status_code == 302
            client.post("/auth/logout", data={"csrf_token": token(client)})
        for _ in range(3):
            assert attempt(limited, token, "pat", "salah-sekali")[0] == 200
        assert attempt(limited, token, "pat", "salah-sekali")[0] == 429
    finally:
        _dispose(limited)
