"""Hostile account input: weak passwords on the admin form, hostile login names and lockout.

Every weak password is refused on the real admin form with a 400 and a message saying why
(Indonesian by default, English with ``?lang=en``), no account or audit event is stored
and no data changes. Hostile usernames at the login form never give a 500, never log
anyone in, are counted by the per-account lockout like any other name (case, width and
surrounding spaces do not give extra tries) and get the same answers as a real account.
"""

from __future__ import annotations

import html
import re

import pytest
from badinput_support import csrf, snapshot

from geoapp.store import create_account, list_accounts, list_events
from geoapp.web.db import get_db

ADMIN = ("kepala", "sepeda-hijau-terbang")
_FORM_ERROR = re.compile(r'class="form-error" role="alert"(?: data-testid="admin-error")?>'
                         r"(.*?)</p>", re.S)

COMMON = ("paling sering dipakai", "one of the most common passwords")
PATTERN = ("pola sederhana", "simple pattern")
NAME = ("memuat 'baru'", "contains 'baru'")
LONG = ("terlalu panjang", "too long")

WEAK_PASSWORDS = [
    ("common", "password", COMMON),
    ("common-digits", "12345678", COMMON),
    ("common-capitalised", "Password123", COMMON),
    ("common-leet", "P@55w0rd", COMMON),
    ("common-fullwidth", "ｐａｓｓｗｏｒｄ１", COMMON),
    ("common-zero-width", "pass\u200bword1", COMMON),
    ("common-wrapped", "***sunshine***", COMMON),
    ("one-character", "        ", PATTERN),
    ("one-character-nbsp", "\u00a0" * 12, PATTERN),
    ("zero-width-only", "\u200b" * 10, PATTERN),
    ("sequence-letters", "abcdefghij", PATTERN),
    ("sequence-down", "9876543210", PATTERN),
    ("keyboard-run", "zxcvbnm,./", COMMON + PATTERN),
    ("keyboard-and-digits", "wert3210", PATTERN),
    ("two-characters", "a1a1a1a1a1", PATTERN),
    ("username-inside", "baru-2026!", NAME),
    ("username-backwards", "urab-kota-99", NAME),
    ("app-name", "geoapp-admin", ("memuat 'geoapp'", "contains 'geoapp'")),
    ("city-name", "TANGERANG-kota", ("memuat 'tangerang'", "contains 'tangerang'")),
    ("ten-thousand-chars", "x7#Lq9!vTz" * 1000, LONG),
]


@pytest.fixture
def admin(hostile_app):
    with hostile_app.app_context():
        create_account(get_db(), *ADMIN, "admin", actor=None)
    client = hostile_app.test_client()
    client.post("/auth/login", data={"username": ADMIN[0], "password": ADMIN[1],
                                     "csrf_token": csrf(client)})
    return client


def _error(response) -> str:
    found = _FORM_ERROR.search(response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else ""


def _accounts_and_events(app):
    with app.app_context():
        session = get_db()
        return [a.username for a in list_accounts(session)], list_events(session).total


@pytest.mark.parametrize("password,expected", [c[1:] for c in WEAK_PASSWORDS],
                         ids=[c[0] for c in WEAK_PASSWORDS])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_weak_password_refused_on_the_admin_form(hostile_app, admin, password, expected, lang):
    before, accounts = snapshot(hostile_app), _accounts_and_events(hostile_app)
    query = "?lang=en" if lang == "en" else ""
    response = admin.post("/admin/users" + query,
                          data={"csrf_token": csrf(admin), "username": "baru",
                                "password": password, "role": "planner"})
    assert response.status_code == 400
    text = _error(response)
    assert any(word in text for word in expected), text
    assert f'lang="{lang}"' in response.get_data(as_text=True)
    assert _accounts_and_events(hostile_app) == accounts
    assert snapshot(hostile_app) == before


HOSTILE_NAMES = [
    ("sql", "'; DROP TABLE users;--"),
    ("sql-or", "pat' OR '1'='1"),
    ("template", "{{7*7}}"),
    ("rtl-override", "\u202etap"),
    ("nul", "pat\x00admin"),
    ("max-length", "x" * 64),
    ("unicode", "pérencana-ñ-中文"),
]


def _attempt(app, username, password):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": username, "password": password,
                                                "csrf_token": csrf(client)})
    return response.status_code, _error(response)


@pytest.mark.parametrize("username", [c[1] for c in HOSTILE_NAMES],
                         ids=[c[0] for c in HOSTILE_NAMES])
def test_hostile_usernames_are_counted_and_locked_like_real_ones(hostile_app, username, clock):
    """(The clock is frozen: the lockout message names the minute it ends.)"""
    before, accounts = snapshot(hostile_app), _accounts_and_events(hostile_app)
    answers = [_attempt(hostile_app, username, "salah-sekali") for _ in range(6)]
    assert all(status == 200 for status, _ in answers)
    assert "salah" in answers[0][1]
    assert "dihentikan sementara" in answers[-1][1]
    with hostile_app.app_context():
        create_account(get_db(), "pat", "sepeda-hijau-terbang", "planner", actor=None)
    real = [_attempt(hostile_app, "pat", "salah-sekali") for _ in range(6)]
    assert real == answers                 # a real account answers exactly like a hostile name
    assert _accounts_and_events(hostile_app)[0] == sorted(accounts[0] + ["pat"])
    assert snapshot(hostile_app) == before


def test_case_width_and_spaces_share_one_counter(hostile_app):
    with hostile_app.app_context():
        create_account(get_db(), "pat", "sepeda-hijau-terbang", "planner", actor=None)
    for variant in ("PAT", " pat ", "Pat", "ｐａｔ", "pAt"):
        _attempt(hostile_app, variant, "salah-sekali")
    status, text = _attempt(hostile_app, "pat", "sepeda-hijau-terbang")
    assert status == 200 and "dihentikan sementara" in text


def test_overlong_username_is_a_form_error_not_a_crash(hostile_app):
    for username in ("x" * 65, "x" * 10_000):
        client = hostile_app.test_client()
        response = client.post("/auth/login", data={"username": username, "password": "p" * 9,
                                                    "csrf_token": csrf(client)})
        assert response.status_code == 200
        assert "Keluar" not in client.get("/").get_data(as_text=True)
