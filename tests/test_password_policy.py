"""The password policy (issue #13, point 5): one rule set for every way a password is set.

``store.save_account`` (behind the admin pages and ``geoapp set-password``) refuses common
passwords, simple patterns and passwords holding the username or the app's/city's name,
each with a message saying why and what to do; nothing is stored when it refuses.
"""

from __future__ import annotations

import pytest

from geoapp.core.errors import GeoappError
from geoapp.store import (
    authenticate,
    create_engine_for,
    find_user,
    init_db,
    list_events,
    save_account,
    session_factory,
)

COMMON = "users.password_common"
PATTERN = "users.password_pattern"
NAME = "users.password_has_name"

# (password, username, why it is refused)
WEAK = [
    ("password", "perencana", COMMON),
    ("12345678", "perencana", COMMON),
    ("PASSWORD", "perencana", COMMON),              # case does not help
    ("Password1", "perencana", COMMON),
    ("p@ssw0rd", "perencana", COMMON),              # look-alike digits undone
    ("iloveyou", "perencana", COMMON),
    ("sunshine2024!", "perencana", COMMON),         # common word with digits and a symbol
    ("!!dragon99", "perencana", COMMON),
    ("1qaz2wsx", "perencana", COMMON),
    ("bismillah", "perencana", COMMON),
    ("aaaaaaaa", "perencana", PATTERN),             # one character
    ("zzzzzzzzzzzz", "perencana", PATTERN),
    ("abababab", "perencana", PATTERN),             # fewer than four different characters
    ("abcdefgh", "perencana", PATTERN),             # alphabet sequence
    ("hgfedcba", "perencana", PATTERN),
    ("23456789", "perencana", PATTERN),             # digit sequence
    ("87654321", "perencana", PATTERN),
    ("90123456", "perencana", PATTERN),             # ... wrapping round 9 -> 0
    ("qwer7890", "perencana", PATTERN),             # keyboard run + digit run
    ("lkjh6789", "perencana", PATTERN),             # keyboard run backwards + digit run
    ("perencana", "perencana", NAME),               # the username itself
    ("perencana2024", "perencana", NAME),           # the username inside
    ("xx-PERENCANA-xx", "perencana", NAME),
    ("anacnerep-99", "perencana", NAME),            # the username backwards
    ("budi.santoso", "budi.santoso", NAME),
    ("geoapp-2026!", "perencana", NAME),            # the app's name
    ("Ge0app-kota!", "perencana", NAME),
    ("tangerang-kota", "perencana", NAME),          # the city's name
]

STRONG = [
    ("sepeda-hijau-terbang", "perencana"),
    ("Tiga Kata Acak", "perencana"),
    ("kopi susu di pasar baru", "perencana"),
    ("rahasia-123", "perencana"),
    ("x7#Lq9!vTz", "perencana"),
]


@pytest.fixture
def sessions(tmp_path):
    engine = create_engine_for(tmp_path / "geoapp.sqlite3")
    init_db(engine)
    yield session_factory(engine)
    engine.dispose()


@pytest.mark.parametrize("password,username,code", WEAK)
def test_weak_passwords_are_refused_and_nothing_is_stored(sessions, password, username, code):
    with sessions() as session:
        with pytest.raises(GeoappError) as err:
            save_account(session, username, password, "planner", actor="ada")
        assert err.value.status == 400 and err.value.code == code
        assert find_user(session, username) is None
        assert list_events(session).total == 0


@pytest.mark.parametrize("password,username,code", WEAK)
def test_weak_passwords_are_refused_as_new_password_too(sessions, password, username, code):
    with sessions() as session:
        save_account(session, username, "sepeda-hijau-terbang", "planner", actor="ada")
        with pytest.raises(GeoappError) as err:
            save_account(session, username, password, "admin", actor="ada")
        assert err.value.code == code
        assert authenticate(session, username, "sepeda-hijau-terbang").role == "planner"
        assert list_events(session).total == 1


@pytest.mark.parametrize("password,username", STRONG)
def test_good_passwords_are_accepted(sessions, password, username):
    with sessions() as session:
        save_account(session, username, password, "planner", actor="ada")
        assert authenticate(session, username, password) is not None


def test_messages_say_why_and_what_to_do_in_both_languages(sessions):
    with sessions() as session:
        cases = {}
        for password in ("password", "12345678", "aaaaaaaa", "perencana-1", "kurang"):
            with pytest.raises(GeoappError) as err:
                save_account(session, "perencana", password, "planner", actor=None)
            cases[password] = err.value
    assert "paling sering dipakai" in cases["password"].text("id")
    assert "most common passwords" in cases["password"].text("en")
    assert "tiga atau empat kata" in cases["12345678"].text("id")
    assert "pola sederhana" in cases["aaaaaaaa"].text("id")
    assert "simple pattern" in cases["aaaaaaaa"].text("en")
    assert "'perencana'" in cases["perencana-1"].text("id")
    assert "nama pengguna" in cases["perencana-1"].text("id")
    assert "Minimal 8 karakter" in cases["kurang"].text("id")


def test_too_long_passwords_are_refused(sessions):
    """The login form reads at most 256 characters: a longer password could never be used."""
    with sessions() as session:
        with pytest.raises(GeoappError) as err:
            save_account(session, "perencana", "sepeda-hijau-" * 30, "planner", actor=None)
        assert err.value.code == "users.password_too_long"
        save_account(session, "perencana", ("sepeda-hijau-" * 30)[:256], "planner", actor=None)


def test_the_bundled_list_has_ten_thousand_common_passwords():
    from geoapp.store.password_policy import common_passwords

    words = common_passwords()
    assert len(words) == 10_000
    assert {"password", "12345678", "qwerty", "iloveyou"} <= words
    assert all(word == word.strip().casefold() for word in words)
