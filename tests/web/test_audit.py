"""The audit log: dataset changes (via triggers, same transaction), account changes, aliases."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import delete, event, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.store import (
    AuditEvent,
    Dataset,
    activate,
    create_account,
    create_engine_for,
    delete_dataset,
    init_db,
    list_events,
    rollback,
    session_factory,
    set_actor,
    set_password,
    stage_import,
)
from geoapp.store.audit import claim_pending

UPLOADS = Path(__file__).resolve().parent.parent / "data" / "upload"
SUDIMARA_BARAT = "36.71.06.1002"
_GROUP = re.compile(r'name="positions" value="([0-9,]+)">\s*<input type="hidden" name="kode"')


@pytest.fixture
def session(tmp_path):
    engine = create_engine_for(tmp_path / "audit.sqlite3")
    init_db(engine)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _version(session, title, user="pat"):
    ds = stage_import(session, program="umkm", title=title, rows=[], headers=[], ledger={},
                      report={}, source_sha256="", source_name="a.csv", user=user)
    return activate(session, ds.id)


def _actions(session):
    return [(e.action, e.actor, e.dataset_id) for e in reversed(list_events(session).events)]


def test_import_rollback_delete_are_recorded_with_their_actor(session):
    first = _version(session, "Satu")
    second = _version(session, "Dua")
    set_actor(session, "ada")
    rollback(session, "umkm")
    delete_dataset(session, second.id, user="ada")
    assert _actions(session) == [
        ("dataset.import", "pat", first.id),
        ("dataset.archive", None, first.id),      # no actor named by the (CLI-like) session
        ("dataset.import", "pat", second.id),
        ("dataset.archive", "ada", second.id),
        ("dataset.rollback", "ada", first.id),
        ("dataset.delete", "ada", second.id),
    ]
    assert not any(e.actor_pending for e in list_events(session).events)


def test_event_shares_the_transaction_of_its_change(session):
    first = _version(session, "Satu")
    before = list_events(session).total
    session.execute(update(Dataset).where(Dataset.id == first.id).values(state="deleted"))
    assert list_events(session).total == before + 1     # written by the change itself
    session.rollback()                                  # the change is undone ...
    assert list_events(session).total == before         # ... and so is its event


def test_events_are_append_only(session):
    _version(session, "Satu")
    with pytest.raises(IntegrityError):
        session.execute(delete(AuditEvent))
        session.commit()
    session.rollback()
    with pytest.raises(IntegrityError):
        session.execute(update(AuditEvent).values(actor="mallory"))
        session.commit()
    session.rollback()
    assert list_events(session).total == 1


def test_account_changes_are_recorded(session):
    create_account(session, "ada", "admin-pass1", "admin", actor=None)
    create_account(session, "pat", "planner-pass", "planner", actor="ada")
    with pytest.raises(GeoappError):
        create_account(session, "bob", "short", "planner", actor="ada")
    actions = [(a, actor) for a, actor, _ in _actions(session)]
    assert actions == [("user.create", None), ("user.create", "ada")]   # bob: nothing


def test_pagination(session):
    for k in range(7):
        create_account(session, f"user{k}", "long-enough", "planner", actor="ada")
    page = list_events(session, page=2, per_page=3)
    assert (page.page, page.pages, page.total) == (2, 3, 7)
    assert [e.target for e in page.events] == ["user3", "user2", "user1"]
    assert list_events(session, page=9, per_page=3).events == []


def test_the_commit_hook_belongs_to_the_store_factory_not_every_session(tmp_path, session):
    assert not event.contains(Session, "before_commit", claim_pending)     # not process-wide
    # (a new plain sessionmaker() is not checked: SQLAlchemy's listener registry is keyed by
    # id(), and a new factory may reuse the id of a collected store factory: flaky)
    other = create_engine_for(tmp_path / "other.sqlite3")
    try:
        mine = session_factory(other)
        assert event.contains(mine, "before_commit", claim_pending)
    finally:
        other.dispose()
    first = _version(session, "Satu")
    _version(session, "Dua")
    set_actor(session, "ada")
    rollback(session, "umkm")                                # the factory's session claims
    archived = [e for e in list_events(session).events if e.action == "dataset.archive"]
    assert [e.actor for e in archived] == ["ada", None] and first.id == archived[1].dataset_id


def test_geoapp_makes_every_session_through_the_store_factory():
    """``Session(...)``/``sessionmaker(...)`` outside store/engine.py would skip the hook."""
    package = Path(__file__).resolve().parents[2] / "geoapp"
    found = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
                    "Session", "sessionmaker"):
                found.append(f"{path.relative_to(package)}:{node.lineno}")
    assert [f.split(":")[0] for f in found] == ["store/engine.py"], found


# ---------------------------------------------------------------- through the web


def _login(client, token, username, password):
    client.post("/auth/login", data={"username": username, "password": password,
                                     "csrf_token": token(client)})
    return token(client)


@pytest.fixture
def admin(app, client, token):
    with app.extensions["geoapp_db"]["sessions"]() as s:
        set_password(s, "ada", "admin-pass1", "admin")
        set_password(s, "pat", "planner-pass", "planner")
    _login(client, token, "ada", "admin-pass1")
    return client


def test_audit_page_is_escaped_and_paginated(app, admin, token):
    hostile = "<img src=x onerror=alert(1)>"
    with app.extensions["geoapp_db"]["sessions"]() as s:
        _version(s, hostile, user="pat")
        for k in range(55):
            create_account(s, f"user{k:02d}", "long-enough", "planner", actor="ada")
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert html.count('data-testid="audit-row"') == 50
    older = admin.get("/admin/audit?page=2").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in older and hostile not in older
    assert admin.get("/admin/audit?page=abc").status_code == 400


def test_api_rollback_names_the_admin(app, admin, token):
    with app.extensions["geoapp_db"]["sessions"]() as s:
        _version(s, "Satu")
        _version(s, "Dua")
    csrf = token(admin)
    assert admin.post("/api/programs/umkm/rollback", headers={"X-CSRFToken": csrf}).status_code == 200
    with app.extensions["geoapp_db"]["sessions"]() as s:
        latest = list_events(s).events[:2]
    assert [(e.action, e.actor) for e in latest] == [("dataset.rollback", "ada"),
                                                     ("dataset.archive", "ada")]


def test_upload_confirm_and_alias_addition_are_recorded(app, client, token):
    with app.extensions["geoapp_db"]["sessions"]() as s:
        set_password(s, "pat", "planner-pass", "planner")
    csrf = _login(client, token, "pat", "planner-pass")
    data = (UPLOADS / "messy_umkm.csv").read_bytes()
    response = client.post("/data/upload", content_type="multipart/form-data", data={
        "program": "umkm", "title": "UMKM 2020", "csrf_token": csrf,
        "file": (io.BytesIO(data), "messy_umkm.csv")})
    upload_token = response.headers["Location"].rsplit("/", 1)[-1]
    html = client.get(f"/data/upload/{upload_token}").get_data(as_text=True)
    positions = _GROUP.search(html).group(1)
    picked = client.post(f"/data/upload/{upload_token}/review", data={
        "action": "pick", "positions": positions, "kode": SUDIMARA_BARAT, "csrf_token": csrf})
    assert picked.status_code == 302
    confirmed = client.post(f"/data/upload/{upload_token}/confirm", data={"csrf_token": csrf})
    assert confirmed.status_code == 302
    with app.extensions["geoapp_db"]["sessions"]() as s:
        events = list(reversed(list_events(s).events))
    assert [(e.action, e.actor) for e in events] == [("dataset.import", "pat"),
                                                     ("alias.add", "pat")]
    assert "Sudimara" in events[1].target and SUDIMARA_BARAT in events[1].details_json
