"""Interface language: Bahasa Indonesia by default, English through ``?lang=en``.

Templates and views write their texts in ENGLISH inside ``_()``; core texts are
``Msg``/``Note``/``GeoappError`` (English msgid, key as msgctxt) and templates render
them with ``tr``. Both use the same gettext catalogs (geoapp/translations: one per
language, ``en`` included), flask-babel for ``_()`` and ``geoapp.core.i18n`` for ``tr``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_babel import Babel

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import TRANSLATIONS_DIR, Msg, Note
from geoapp.core.settings import BY_NAME
from geoapp.values.dates import format_datetime
from geoapp.values.numbers import format_number

babel = Babel()


def setting_default(name: str) -> Any:
    """A setting's default from the settings table (``core.settings.SETTINGS``)."""
    default = BY_NAME[name].default
    return list(default) if isinstance(default, list) else default


def _setting(name: str, app: Flask | None = None) -> Any:
    """The app's value of a setting, else its default."""
    return (app or current_app).config.get(name, setting_default(name))


def languages() -> list[str]:
    return list(current_app.config.get("LANGUAGES") or setting_default("LANGUAGES"))


def current_lang() -> str:
    """The request's language: the user's choice, else the DEFAULT_LANG setting."""
    if "lang" not in g:
        chosen = session.get("lang")
        default = _setting("DEFAULT_LANG")
        g.lang = chosen if chosen in languages() else (
            default if default in languages() else setting_default("DEFAULT_LANG"))
    return g.lang


def remember_lang_choice() -> None:
    """``?lang=xx`` (before each request) stores a supported choice in the session."""
    wanted = request.args.get("lang")
    if wanted and wanted in languages():
        session["lang"] = wanted
        g.pop("lang", None)


def tr(text: Msg | Note | GeoappError | str | None, **params: object) -> str:
    """Render a core text (``Msg``/``Note``/``GeoappError``) in the current language."""
    lang = current_lang()
    if text is None:
        return ""
    if isinstance(text, Msg):
        return text.text(lang, **params)
    if isinstance(text, (Note, GeoappError)):
        return text.text(lang)
    return str(text)


def display_timezone() -> str:
    """The TIMEZONE setting: the time zone dates are shown in."""
    return str(_setting("TIMEZONE"))


def format_dt(value: datetime | None, zone: bool = False) -> str:
    """A stored (UTC) timestamp in the TIMEZONE setting, e.g. ``27 November 2026 23.45``;
    ``zone``: with the zone's abbreviation (``27 November 2026 23.45 WIB``)."""
    return format_datetime(value, current_lang(), display_timezone(), zone=zone)


def format_dt_zone(value: datetime | None) -> str:
    """The pages' ``datetime`` filter: a timestamp with its zone (``... 23.45 WIB``)."""
    return format_dt(value, zone=True)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", _setting("DEFAULT_LANG", app))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", _setting("TIMEZONE", app))
    babel.init_app(app, locale_selector=current_lang)
    app.before_request(remember_lang_choice)
    app.jinja_env.globals.update(tr=tr, current_lang=current_lang, languages=languages)
    app.jinja_env.filters["datetime"] = format_dt_zone
    app.jinja_env.filters["number"] = format_number_here


def format_number_here(value: object, decimals: int = 0) -> str:
    """A number in the interface language's format (Indonesian: 1.234.567,5); '—' for none."""
    return format_number(value, current_lang(), decimals)
