"""The upload preview page's template values.

The preview's values come from ``geoapp.imports.upload.view_cache.preview_page`` (read
and matched once per choice, kept with the upload); this adds what belongs to the
request: the upload's state, the planner's decisions and the interface language.
"""

from __future__ import annotations

from typing import Any

from geoapp.imports.decisions import Decision
from geoapp.imports.upload.state import UploadState
from geoapp.imports.upload.view import alias_text as _alias_text
from geoapp.imports.upload.view import decisions_view
from geoapp.io.records.types import ROLES
from geoapp.web.i18n import current_lang


def alias_text(decision: Decision) -> str:
    """A pick's pending alias (or why there is none) in the interface language."""
    return _alias_text(decision, current_lang())


def page_context(state: UploadState, view: dict[str, Any]) -> dict[str, Any]:
    """Everything ``upload_preview.html`` shows about one upload."""
    lang = current_lang()
    return {**view, "state": state, "decisions": decisions_view(state, lang), "roles": ROLES,
            "lang": lang}
