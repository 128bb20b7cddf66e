"""Whole numbers typed by users (query strings, form fields, command-line options).

Only the ASCII digits 0-9 are accepted (and a leading ``-`` when negative values are
allowed). Python's ``str.isdigit`` also accepts ``²`` (which ``int`` then refuses) and
``int`` reads Arabic-Indic ``٣`` or fullwidth ``１`` as 3 and 1: neither may decide
which dataset, page or column a request means. Every integer a user sends goes through
``parse_int`` (or ``parse_optional_int`` / ``parse_int_list``), which answers a 400
``GeoappError`` naming the parameter, what was received and what is allowed.
"""

from __future__ import annotations

import re

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

BAD_INTEGER = Msg(
    "values.bad_integer",
    "'{name}' must be a whole number from {minimum} to {maximum}, written with the digits "
    "0-9; received '{value}'.",
)
MISSING_INTEGER = Msg(
    "values.missing_integer",
    "'{name}' is missing: give a whole number from {minimum} to {maximum}.",
)
BAD_INTEGER_LIST = Msg(
    "values.bad_integer_list",
    "'{name}' must be whole numbers from {minimum} to {maximum} separated by commas, "
    "written with the digits 0-9; received '{value}'.",
)

_ASCII_INT = re.compile(r"-?[0-9]+")  # fullmatch; no re.UNICODE digit classes (\d)
MAX_CHARS = 64   # longer texts (leading zeros included) never reach int(): out of every range
SHOWN = 40       # characters of a bad value repeated in the message


def ascii_int(text: object) -> int | None:
    """The integer written in ``text`` with ASCII digits only (spaces around allowed), else None."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int):
        return text
    clean = str(text).strip(" \t\r\n")
    if len(clean) > MAX_CHARS or not _ASCII_INT.fullmatch(clean):
        return None
    return int(clean)


def parse_int(text: object, name: str, *, minimum: int, maximum: int,
              msg: Msg | None = None, status: int = 400) -> int:
    """``text`` as an int in ``minimum..maximum``; GeoappError ``status`` otherwise.

    ``msg`` replaces the general message; it may use ``{name}``, ``{value}``,
    ``{minimum}`` and ``{maximum}``.
    """
    shown = "" if text is None else str(text)[:SHOWN]
    if not shown.strip():
        raise GeoappError(msg or MISSING_INTEGER, status, name=name, value=shown,
                          minimum=minimum, maximum=maximum)
    number = ascii_int(text)
    if number is None or not minimum <= number <= maximum:
        raise GeoappError(msg or BAD_INTEGER, status, name=name, value=shown,
                          minimum=minimum, maximum=maximum)
    return number


def parse_optional_int(text: object, name: str, *, minimum: int, maximum: int,
                       msg: Msg | None = None, status: int = 400) -> int | None:
    """Like ``parse_int``, but a missing or blank value is None (the parameter was not given)."""
    if text is None or not str(text).strip():
        return None
    return parse_int(text, name, minimum=minimum, maximum=maximum, msg=msg, status=status)


def parse_int_list(text: object, name: str, *, minimum: int, maximum: int,
                   msg: Msg | None = None, status: int = 400) -> list[int]:
    """Comma-separated whole numbers (at least one), each in ``minimum..maximum``."""
    raw = "" if text is None else str(text)
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    numbers = [ascii_int(p) for p in parts]
    if not numbers or any(n is None or not minimum <= n <= maximum for n in numbers):
        raise GeoappError(msg or BAD_INTEGER_LIST, status, name=name, value=raw[:SHOWN],
                          minimum=minimum, maximum=maximum)
    return [int(n) for n in numbers if n is not None]
