"""Dates and times as shown to users, in the interface language and a display time zone.

Stored timestamps are UTC; a naive ``datetime`` is taken to be UTC. Babel supplies the
month names (``5 Maret 2026`` / ``5 March 2026``); Indonesian writes the time ``23.45``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime

from geoapp.core.settings import BY_NAME

DISPLAY_TIMEZONE: str = BY_NAME["TIMEZONE"].default   # the TIMEZONE setting's default
DATE_PATTERN = "d MMMM y"
DATETIME_PATTERNS = {"id": "d MMMM y HH.mm", "en": "d MMMM y HH:mm"}


def _lang(lang: str) -> str:
    return "id" if lang == "id" else "en"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def format_date(value: date | datetime | None, lang: str, tz: str = DISPLAY_TIMEZONE) -> str:
    """``5 Maret 2026`` (English ``5 March 2026``), the day in ``tz``; '' for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return babel_format_datetime(_aware(value), DATE_PATTERN, tzinfo=tz, locale=_lang(lang))
    return babel_format_date(value, DATE_PATTERN, locale=_lang(lang))


def zone_abbreviation(value: datetime, tz: str = DISPLAY_TIMEZONE) -> str:
    """The zone's abbreviation at that moment: ``WIB`` (Asia/Jakarta), ``WITA``, ``WIT``,
    ``UTC``, ``CET``; the same in every language."""
    return _aware(value).astimezone(ZoneInfo(tz)).tzname() or tz


def format_datetime(value: datetime | None, lang: str, tz: str = DISPLAY_TIMEZONE,
                    *, zone: bool = False) -> str:
    """``27 November 2026 23.45`` (English ``27 November 2026 23:45``) in ``tz``; '' for None.
    ``zone``: append the zone's abbreviation (``27 November 2026 23.45 WIB``)."""
    if value is None:
        return ""
    lang = _lang(lang)
    text = babel_format_datetime(_aware(value), DATETIME_PATTERNS[lang], tzinfo=tz, locale=lang)
    return f"{text} {zone_abbreviation(value, tz)}" if zone else text
