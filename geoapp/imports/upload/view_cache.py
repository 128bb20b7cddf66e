"""The preview page of an upload, computed once per choice and kept with the upload.

Reading and matching a file is the costly part of the preview page. Its result, as the
plain values the page shows (``geoapp.imports.upload.view.preview_view``), is written
next to the upload as ``<token>.view`` (JSON, written atomically), under a key that
names everything it depends on: the file's digest, the program, the read options, the
review decisions, the language, the row and column limits, the alias table and the
boundary set. A page view with the same key reads the file back, in any worker process;
any change of those gives a new key, so a stale page is never shown. The file holds the
last ``KEEP`` views (e.g. both languages) and goes with the upload (``folder.discard``).
A view that cannot be written is simply computed again next time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from geoapp import __version__
from geoapp.imports.upload import folder
from geoapp.imports.upload.preview import Preview, build_preview
from geoapp.imports.upload.state import UploadState, upload_year
from geoapp.imports.upload.view import preview_view
from geoapp.io.boundaries import default_identity
from geoapp.matching.aliases import AliasStore

VIEW_FORMAT = 2   # bump when preview_view's output changes shape
KEEP = 3


def _alias_digest(aliases: AliasStore | None) -> str:
    if aliases is None:
        return "-"
    body = json.dumps([str(aliases.path or ""), aliases.rows], ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def view_key(state: UploadState, *, lang: str, aliases: AliasStore | None,
             max_rows: int | None, max_columns: int | None) -> str:
    """The cache key of the upload's preview page with its current choices."""
    parts = {
        "format": VIEW_FORMAT, "version": __version__, "sha256": state.sha256,
        "program": state.program, "filename": state.filename, "sheet": state.sheet,
        "header_row": state.header_row, "columns": state.columns, "year": upload_year(state),
        "decisions": [d.as_dict() for d in state.decisions], "lang": lang,
        "max_rows": max_rows, "max_columns": max_columns, "aliases": _alias_digest(aliases),
        "boundaries": list(default_identity()),
    }
    body = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _view_path(upload_dir: str | Path, state: UploadState) -> Path:
    return folder.view_path(upload_dir, state.token)


def _entries(path: Path) -> list[list[Any]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("entries", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2 and isinstance(e[1], dict)]


def load_view(upload_dir: str | Path, state: UploadState, key: str) -> dict[str, Any] | None:
    """The kept view of ``key``, or None."""
    for entry_key, view in _entries(_view_path(upload_dir, state)):
        if entry_key == key:
            return view
    return None


def save_view(upload_dir: str | Path, state: UploadState, key: str,
              view: dict[str, Any]) -> None:
    """Keep ``view`` under ``key`` (with the last few others); a failed write is ignored."""
    path = _view_path(upload_dir, state)
    if not path.with_suffix(".json").is_file():
        return      # the upload is gone (confirmed or discarded meanwhile): keep nothing
    entries = [e for e in _entries(path) if e[0] != key][-(KEEP - 1):]
    body = json.dumps({"entries": [*entries, [key, view]]}, ensure_ascii=False)
    try:
        folder.write_atomic(path, body.encode("utf-8"))
    except OSError:
        return


def keep_preview(upload_dir: str | Path, state: UploadState, preview: Preview, *, lang: str,
                 aliases: AliasStore | None, max_rows: int | None,
                 max_columns: int | None) -> dict[str, Any]:
    """The view of a preview just computed for ``state``, kept for the next page view."""
    view = preview_view(preview, state.program, lang, upload_year(state))
    key = view_key(state, lang=lang, aliases=aliases, max_rows=max_rows,
                   max_columns=max_columns)
    save_view(upload_dir, state, key, view)
    return view


def preview_page(upload_dir: str | Path, state: UploadState, *, aliases: AliasStore | None,
                 max_rows: int | None, max_columns: int | None,
                 lang: str) -> dict[str, Any]:
    """The preview page's values: the kept view of these choices, else read + match once
    (``build_preview``) and keep it. Reading errors raise as from ``build_preview``."""
    key = view_key(state, lang=lang, aliases=aliases, max_rows=max_rows,
                   max_columns=max_columns)
    view = load_view(upload_dir, state, key)
    if view is not None:
        return view
    preview = build_preview(upload_dir, state, aliases=aliases, max_rows=max_rows,
                            max_columns=max_columns, lang=lang)
    view = preview_view(preview, state.program, lang, upload_year(state))
    save_view(upload_dir, state, key, view)
    return view
