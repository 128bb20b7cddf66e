"""Interface language: Bahasa Indonesia by default, English through ``?lang=en``.

Templates and views write their texts in ENGLISH inside ``_()``; core texts are
``Msg``/``Note``/``GeoappError`` (English msgid, key as msgctxt) and templates render
them with ``tr``. Both use the same gettext catalogs (geoapp/translations: one per
language, ``en`` included), flask-babel for ``_()`` and ``geoapp.core.i18n`` for ``tr``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app, g, request, session
from flask_babel import Babel
from flask_babel import format_datetime as babel_format_datetime

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import TRANSLATIONS_DIR, Msg, Note

DATE_FORMATS = {"id": "d MMMM y HH.mm", "en": "d MMMM y HH:mm"}
babel = Babel()


def languages() -> list[str]:
    return list(current_app.config.get("LANGUAGES") or ["id", "en"])


def current_lang() -> str:
    """The request's language: the user's choice, else the DEFAULT_LANG setting."""
    if "lang" not in g:
        chosen = session.get("lang")
        default = current_app.config.get("DEFAULT_LANG", "id")
        g.lang = chosen if chosen in languages() else (default if default in languages() else "id")
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


def format_dt(value: datetime | None) -> str:
    """A stored (UTC) timestamp in the display time zone, e.g. ``27 November 2026 23.45``."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return babel_format_datetime(value, DATE_FORMATS.get(current_lang(), DATE_FORMATS["en"]))


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config.get("DEFAULT_LANG", "id"))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("TIMEZONE", "Asia/Jakarta"))
    babel.init_app(app, locale_selector=current_lang)
    app.before_request(remember_lang_choice)
    app.jinja_env.globals.update(tr=tr, current_lang=current_lang, languages=languages)
    app.jinja_env.filters["datetime"] = format_dt
    app.jinja_env.filters["number"] = format_number_here


def format_number_here(value: object, decimals: int = 0) -> str:
    """A number in the interface language's format (Indonesian: 1.234.567,5); '—' for none."""
    from geoapp.values.numbers import format_number

    return format_number(value, current_lang(), decimals)
