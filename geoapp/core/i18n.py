"""User-facing texts: one gettext catalog per language, Bahasa Indonesia by default.

Modules declare their messages next to the code that uses them as ``Msg`` constants::

    NO_FILE = Msg("upload.no_file", "No file was chosen. Choose a CSV or XLSX file.")

The English text is the gettext ``msgid`` and the key is its ``msgctxt``: the key is
the stable code (``GeoappError.code``, ``Note.as_dict``) and lets two messages with the
same English read differently in another language. ``Msg.text(lang, **params)`` looks
the text up with ``pgettext(key, msgid)`` in the catalog of ``lang``
(geoapp/translations/<lang>/LC_MESSAGES/messages.mo) and fills the ``str.format``
placeholders. A text missing from a catalog falls back to the English msgid.

Every wording, English included, lives in the catalogs: fixing one needs no code
change, and a new language is a new catalog plus its code in ``LANGUAGES`` (see
geoapp/translations/README.md). The only texts given in code are ones rendered at run
time from other messages (``Msg(key, id="...", en="...")``): they bypass the catalog
for the languages they give.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LANGUAGES = ("id", "en")
DEFAULT_LANG = "id"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


def normalise_lang(lang: str | None) -> str:
    """Return a supported language code, falling back to Indonesian."""
    if lang in LANGUAGES:       # the common case, asked once per note rendered
        return lang
    if lang:
        short = lang.strip().lower().replace("_", "-").split("-")[0]
        if short in LANGUAGES:
            return short
    return DEFAULT_LANG


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang``, loaded once (an empty one when there is none)."""
    return gettext.translation(DOMAIN, TRANSLATIONS_DIR, languages=[lang], fallback=True)


@dataclass(frozen=True, init=False)
class Msg:
    """One user-facing text: a stable ``key`` (msgctxt) and its English ``msgid``.

    ``inline`` holds texts given in code per language (``Msg(key, id=..., en=...)``):
    for messages composed at run time and for tests; they are not in the catalogs.
    """

    key: str
    msgid: str
    inline: tuple[tuple[str, str], ...]

    def __init__(self, key: str, msgid: str = "", *, id: str | None = None,
                 en: str | None = None) -> None:
        given = tuple((lang, text) for lang, text in (("id", id), ("en", en)) if text is not None)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "msgid", msgid or en or id or "")
        object.__setattr__(self, "inline", given)

    def template(self, lang: str | None = None) -> str:
        """The unformatted text in ``lang`` (placeholders still in braces)."""
        code = normalise_lang(lang)
        for inline_lang, text in self.inline:
            if inline_lang == code:
                return text
        return catalog(code).pgettext(self.key, self.msgid)

    def text(self, lang: str | None = None, **params: object) -> str:
        template = self.template(lang)
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            return template


@dataclass(frozen=True)
class Note:
    """A message plus its parameters, rendered late in the reader's language."""

    msg: Msg
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, msg: Msg, **params: object) -> Note:
        return cls(msg, tuple(params.items()))

    @property
    def key(self) -> str:
        return self.msg.key

    def text(self, lang: str | None = None) -> str:
        return self.msg.text(lang, **dict(self.params))

    def as_dict(self, lang: str | None = None) -> dict[str, object]:
        return {"code": self.msg.key, "text": self.text(lang), **dict(self.params)}
