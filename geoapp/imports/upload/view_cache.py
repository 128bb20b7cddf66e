"""The preview page of an upload, computed once per choice and kept with the upload.

Reading and matching a file is the costly part of the preview page. Its result, as the
plain values the page shows (``geoapp.imports.upload.view.preview_view``), is kept with
the upload in the database (``UploadShelf.save_views``, JSON), under a key that
names everything it depends on: the file's digest, the program, the read options, the
review decisions, the language, the page of unmatched rows, the row and column limits,
the alias table and the boundary set. A page view with the same key reads it back, on
any app server; any change of those gives a new key, so a stale page is never shown.
The upload holds the last ``KEEP`` views (e.g. both languages) and they go with it
(``folder.discard``). A view that cannot be written is simply computed again next time.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from geoapp import __version__
from geoapp.imports.upload.preview import Preview, build_preview
from geoapp.imports.upload.state import UploadState, upload_year
from geoapp.imports.upload.view import preview_view
from geoapp.io.boundaries import default_identity
from geoapp.matching.aliases import AliasStore
from geoapp.store.uploads import UploadShelf

VIEW_FORMAT = 4   # bump when preview_view's output changes shape
KEEP = 3


def _alias_digest(aliases: AliasStore | None) -> str:
    if aliases is None:
        return "-"
    body = json.dumps([str(aliases.path or ""), aliases.rows], ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def view_key(state: UploadState, *, lang: str, aliases: AliasStore | None,
             max_rows: int | None, max_columns: int | None, unmatched_page: int = 1) -> str:
    """The cache key of the upload's preview page with its current choices."""
    parts = {
        "format": VIEW_FORMAT, "version": __version__, "sha256": state.sha256,
        "program": state.program, "filename": state.filename, "sheet": state.sheet,
        "header_row": state.header_row, "columns": state.columns, "year": upload_year(state),
        "decisions": [d.as_dict() for d in state.decisions], "lang": lang,
        "unmatched_page": unmatched_page,
        "max_rows": max_rows, "max_columns": max_columns, "aliases": _alias_digest(aliases),
        "boundaries": list(default_identity()),
    }
    body = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _entries(text: str | None) -> list[list[Any]]:
    try:
        entries = json.loads(text or "[]")
    except ValueError:
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2 and isinstance(e[1], dict)]


def load_view(shelf: UploadShelf, state: UploadState, key: str) -> dict[str, Any] | None:
    """The kept view of ``key``, or None."""
    for entry_key, view in _entries(shelf.views(state.token)):
        if entry_key == key:
            return view
    return None


def save_view(shelf: UploadShelf, state: UploadState, key: str,
              view: dict[str, Any]) -> None:
    """Keep ``view`` under ``key`` (with the last few others); a failed write is ignored.
    An upload gone meanwhile (confirmed or discarded) keeps nothing."""
    kept = shelf.views(state.token)
    if kept is None:
        return
    entries = [e for e in _entries(kept) if e[0] != key][-(KEEP - 1):]
    try:
        shelf.save_views(state.token, json.dumps([*entries, [key, view]], ensure_ascii=False))
    except SQLAlchemyError:
        return


def keep_preview(shelf: UploadShelf, state: UploadState, preview: Preview, *, lang: str,
                 aliases: AliasStore | None, max_rows: int | None,
                 max_columns: int | None) -> dict[str, Any]:
    """The view of a preview just computed for ``state``, kept for the next page view."""
    view = preview_view(preview, state.program, lang, upload_year(state))
    key = view_key(state, lang=lang, aliases=aliases, max_rows=max_rows,
                   max_columns=max_columns)
    save_view(shelf, state, key, view)
    return view


def preview_page(shelf: UploadShelf, state: UploadState, *, aliases: AliasStore | None,
                 max_rows: int | None, max_columns: int | None,
                 lang: str, unmatched_page: int = 1) -> dict[str, Any]:
    """The preview page's values: the kept view of these choices, else read + match once
    (``build_preview``) and keep it. Reading errors raise as from ``build_preview``.
    ``unmatched_page``: which page of the unmatched rows (1-based)."""
    key = view_key(state, lang=lang, aliases=aliases, max_rows=max_rows,
                   max_columns=max_columns, unmatched_page=unmatched_page)
    view = load_view(shelf, state, key)
    if view is not None:
        return view
    preview = build_preview(shelf, state, aliases=aliases, max_rows=max_rows,
                            max_columns=max_columns, lang=lang)
    view = preview_view(preview, state.program, lang, upload_year(state), unmatched_page)
    save_view(shelf, state, key, view)
    return view
