"""Bilingual user-facing texts for the core (Bahasa Indonesia first, English second).

Core modules declare their messages next to the code that uses them as ``Msg``
constants, and render them with ``Msg.text(lang, **params)``.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("id", "en")
DEFAULT_LANG = "id"


def normalise_lang(lang: str | None) -> str:
    """Return a supported language code, falling back to Indonesian."""
    if lang:
        short = lang.strip().lower().replace("_", "-").split("-")[0]
        if short in LANGUAGES:
            return short
    return DEFAULT_LANG


@dataclass(frozen=True)
class Msg:
    """One message in both interface languages, with ``str.format`` placeholders."""

    key: str
    id: str
    en: str

    def text(self, lang: str | None = None, **params: object) -> str:
        template = self.en if normalise_lang(lang) == "en" else self.id
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
