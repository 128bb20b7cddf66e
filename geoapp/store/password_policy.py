"""The password rules: one function, :func:`check_password`, for every way a password is set.

``store.set_password`` calls it, so the admin pages (create, reset), ``geoapp set-password``
(through ``store.save_account``) and anything else that stores a password apply the same
rules. A password is refused when it is

- shorter than ``MIN_PASSWORD`` or longer than ``MAX_PASSWORD`` characters (the login form
  reads at most 256);
- one of the 10,000 most common passwords (``geoapp/data/common_passwords.txt``, see
  ``geoapp/data/README.md``), also after undoing look-alike digits (``p4ssw0rd``) and
  after removing digits and punctuation at its ends (``dragon2024!``);
- a simple pattern: fewer than four different characters (``aaaaaaaa``, ``abababab``),
  or at most two runs of repeated characters, alphabet or digit sequences
  (``12345678``, ``abcdefgh``, ``98765432``) and keyboard runs (``qwertyui``, ``1qaz2wsx``
  is in the list; ``asdf1234``);
- containing the username, or the app's or the city's name (``geoapp``, ``tangerang``).

The checks read the password in NFKC form, case-folded and without invisible format
characters, so full-width letters (``ｐａｓｓｗｏｒｄ``) or a zero-width space inside a
word do not get a weak password through. Each refusal is a :class:`GeoappError` (400)
saying what is wrong and what to do.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

MIN_PASSWORD = 8
MAX_PASSWORD = 256
MIN_DISTINCT = 4
MAX_PATTERN_RUNS = 2
MIN_BASE = 4                 # a common word inside digits/punctuation counts from 4 letters
CONTEXT_WORDS = ("geoapp", "tangerang")
LIST_FILE = "data/common_passwords.txt"

# Rows of a US/Indonesian keyboard (and the number pad); a run is consecutive keys of a row.
KEYBOARD_ROWS = ("`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./", "789456123")
_NEXT_KEY = {row[i]: row[i + 1] for row in KEYBOARD_ROWS for i in range(len(row) - 1)}
_LEET = str.maketrans({"@": "a", "4": "a", "8": "b", "3": "e", "1": "i", "!": "i", "0": "o",
                       "$": "s", "5": "s", "7": "t", "2": "z"})

TOO_SHORT = Msg(
    "users.bad_password",
    "The password is too short ({length} characters). Use at least {minimum}.",
)
TOO_LONG = Msg(
    "users.password_too_long",
    "The password is too long ({length} characters). Use at most {maximum}.",
)
COMMON = Msg(
    "users.password_common",
    "This password is one of the most common passwords (or one with a few digits or symbols "
    "added), so it is among the first ones tried by anyone guessing. Choose a longer one "
    "that is not a common word, e.g. three or four unrelated words.",
)
PATTERN = Msg(
    "users.password_pattern",
    "This password is a simple pattern: repeated characters, a sequence such as 12345678 "
    "or abcdefgh, or a run of neighbouring keys such as qwertyui. Choose a password that "
    "is not a pattern, e.g. three or four unrelated words.",
)
CONTAINS_NAME = Msg(
    "users.password_has_name",
    "The password contains '{word}' (the username, or the name of the app or the city), "
    "which is among the first things tried by anyone guessing. Choose a password without it.",
)


def normalise(text: str) -> str:
    """The form the rules read: NFKC, without format characters (Cf), case-folded."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf").casefold()


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords (lower case), read once."""
    text = resources.files("geoapp").joinpath(LIST_FILE).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def check_password(password: str | None, username: str | None = None) -> None:
    """Refuse a weak password with a :class:`GeoappError` (400) saying why; else return."""
    problem = password_problem(password or "", username or "")
    if problem is not None:
        msg, params = problem
        raise GeoappError(msg, 400, **params)


def password_problem(password: str, username: str = "") -> tuple[Msg, dict] | None:
    """The first rule ``password`` breaks, as (message, parameters); None when it is fine."""
    if len(password) < MIN_PASSWORD:
        return TOO_SHORT, {"length": len(password), "minimum": MIN_PASSWORD}
    if len(password) > MAX_PASSWORD:
        return TOO_LONG, {"length": len(password), "maximum": MAX_PASSWORD}
    word = contained_name(password, username)
    if word is not None:
        return CONTAINS_NAME, {"word": word}
    if is_common(password):
        return COMMON, {}
    if is_pattern(password):
        return PATTERN, {}
    return None


def contained_name(password: str, username: str = "") -> str | None:
    """The username (3+ characters, either way round) or a context word found in the password."""
    lowered = normalise(password)
    name = normalise(username.strip())
    if len(name) >= 3 and (name in lowered or name[::-1] in lowered
                           or (len(lowered) >= 3 and lowered in name)):
        return username.strip()
    for word in CONTEXT_WORDS:
        if word in lowered or word in lowered.translate(_LEET):
            return word
    return None


def _core(text: str) -> str:
    """``text`` without digits and punctuation at either end (``!!dragon2024`` -> ``dragon``)."""
    start, end = 0, len(text)
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    return text[start:end]


def is_common(password: str) -> bool:
    """Whether the password, or its letters between digits/symbols, is a common password."""
    common = common_passwords()
    lowered = normalise(password)
    candidates = {lowered, lowered.translate(_LEET)}
    for text in list(candidates):
        core = _core(text)
        if len(core) >= MIN_BASE:
            candidates.add(core)
    return any(text in common for text in candidates)


def _steps(a: str, b: str) -> frozenset[str]:
    """Every way ``b`` follows ``a``: 'same', 'up', 'down', 'key', 'key-back' (maybe none)."""
    if a == b:
        return frozenset({"same"})
    found = set()
    if a.isalnum() and b.isalnum() and a.isdigit() == b.isdigit():
        if ord(b) - ord(a) == 1 or (a, b) == ("9", "0"):
            found.add("up")
        if ord(a) - ord(b) == 1 or (a, b) == ("0", "9"):
            found.add("down")
    if _NEXT_KEY.get(a) == b:
        found.add("key")
    if _NEXT_KEY.get(b) == a:
        found.add("key-back")
    return frozenset(found)


def pattern_runs(password: str) -> int:
    """How many runs (repeats, sequences, keyboard runs) the password splits into, greedily.

    A run goes on while every step so far can be read the same way (``lkjh`` is a keyboard
    run backwards although ``lk`` and ``kj`` are also alphabet steps down).
    """
    text = normalise(password)
    runs, kinds = 1, None
    for a, b in zip(text, text[1:], strict=False):
        steps = _steps(a, b)
        common = steps if kinds is None else kinds & steps
        if common:
            kinds = common
            continue
        runs, kinds = runs + 1, None
    return runs


def is_pattern(password: str) -> bool:
    """Too few different characters, or made of at most two simple runs."""
    if len(set(normalise(password))) < MIN_DISTINCT:
        return True
    return pattern_runs(password) <= MAX_PATTERN_RUNS
