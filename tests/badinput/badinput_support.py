"""Helpers shared by the bad-input tests (imported by module name, not through conftest)."""

from __future__ import annotations

import html
import io
import re
from typing import Any

from shared_state import app_aliases, app_shelf, upload_tokens
from sqlalchemy import func, select

from geoapp.store import list_datasets, set_password
from geoapp.store.models import DatasetRow
from geoapp.web.db import get_db

PLANNER = ("perencana", "rahasia-123")
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
_ERROR = re.compile(r'data-testid="(?:upload|preview)-error">(.*?)</p>'
                    r'|class="error-box" role="alert">\s*<h1>[^<]*</h1>\s*<p>(.*?)</p>', re.S)


def csrf(client) -> str:
    return _CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)


def login_planner(app):
    client = app.test_client()
    with app.app_context():
        set_password(get_db(), *PLANNER, "planner")
    client.post("/auth/login", data={"username": PLANNER[0], "password": PLANNER[1],
                                     "csrf_token": csrf(client)})
    return client


def post_upload(client, data: bytes, filename: str, *, program: str = "umkm",
                title: str = "Uji masukan rusak", query: str = "", **extra: str):
    """POST one file to the real upload form (multipart, with the CSRF token)."""
    form = {"program": program, "title": title, "file": (io.BytesIO(data), filename),
            "csrf_token": csrf(client), **extra}
    return client.post("/data/upload" + query, data=form, content_type="multipart/form-data")


def error_text(response) -> str:
    """The user-facing error paragraph of an upload page, unescaped."""
    found = _ERROR.search(response.get_data(as_text=True))
    return html.unescape(found.group(1) or found.group(2)) if found else ""


def snapshot(app) -> dict[str, Any]:
    """What must not change when a bad input is refused: datasets, row counts, aliases, uploads."""
    with app.app_context():
        session = get_db()
        datasets = [(d.id, d.program, d.version, d.state, d.row_count, d.matched_count)
                    for d in list_datasets(session, include_deleted=True)]
        rows = dict(session.execute(select(DatasetRow.dataset_id, func.count())
                                    .group_by(DatasetRow.dataset_id)).all())
    # uploads in progress by token and state (their kept preview pages are derived, not data)
    uploads = [(t, app_shelf(app).record(t).state_json) for t in upload_tokens(app)]
    return {"datasets": datasets, "rows": rows, "aliases": sorted(app_aliases(app).rows),
            "uploads": uploads}
