"""The one error type geoapp raises for problems a user can fix."""

from __future__ import annotations

from geoapp.core.i18n import Msg, Note


class GeoappError(Exception):
    """A user-safe error: what was wrong and what to do, in the user's language.

    ``status`` is the HTTP status the web layer answers with (400, 404, 413, 422...).
    The CLI prints ``text(lang)`` and exits non-zero; nobody sees a traceback.
    """

    def __init__(self, msg: Msg, status: int = 400, **params: object) -> None:
        self.note = Note.of(msg, **params)
        self.status = status
        super().__init__(self.note.text("en"))

    @property
    def code(self) -> str:
        return self.note.key

    def text(self, lang: str | None = None) -> str:
        return self.note.text(lang)

    def as_dict(self, lang: str | None = None) -> dict[str, object]:
        return {"error": self.code, "status": self.status, "message": self.text(lang)}
