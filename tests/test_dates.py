"""Dates shown to users (geoapp.values.dates): language, display time zone, UTC storage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from geoapp.values.dates import format_date, format_datetime

EVENING_UTC = datetime(2026, 3, 4, 18, 5)   # naive = UTC; 5 March 01.05 in Jakarta


@pytest.mark.parametrize(("lang", "expected"), [("id", "5 Maret 2026"), ("en", "5 March 2026")])
def test_format_date_uses_the_display_time_zone(lang, expected):
    assert format_date(EVENING_UTC, lang) == expected
    assert format_date(EVENING_UTC.replace(tzinfo=UTC), lang) == expected


def test_format_date_other_zone_and_plain_dates():
    assert format_date(EVENING_UTC, "en", tz="UTC") == "4 March 2026"
    assert format_date(date(2026, 1, 9), "id") == "9 Januari 2026"
    assert format_date(None, "id") == ""


def test_every_indonesian_month_name():
    months = [format_date(date(2026, m, 1), "id").split()[1] for m in range(1, 13)]
    assert months == ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                      "September", "Oktober", "November", "Desember"]


def test_format_datetime_language_and_zone():
    value = datetime(2026, 11, 27, 16, 45, tzinfo=UTC)
    assert format_datetime(value, "id") == "27 November 2026 23.45"
    assert format_datetime(value, "en") == "27 November 2026 23:45"
    assert format_datetime(value.replace(tzinfo=None), "id") == "27 November 2026 23.45"
    plus_two = value.astimezone(timezone(timedelta(hours=2)))
    assert format_datetime(plus_two, "en", tz="UTC") == "27 November 2026 16:45"
    assert format_datetime(None, "en") == ""
