"""The JSON API: public reads, admin-only changes with the CSRF header."""

from __future__ import annotations

import pytest

from geoapp.store import activate, set_password, stage_import
from geoapp.web.db import get_db


def _import(session, modal, sample=False):
    ds = stage_import(
        session, program="umkm", title="Bantuan <UMKM>", headers=["Kode", "Modal"],
        rows=[{"cells": ["36.71.01.1001", str(modal)], "kode": "36.71.01.1001",
               "status": "matched", "measures": {"Modal": modal}}],
        ledger={}, report={}, source_sha256="", source_name="u.csv", user="perencana",
        sample=sample)
    return activate(session, ds.id).id


@pytest.fixture
def data(app):
    with app.app_context():
        session = get_db()
        set_password(session, "perencana", "rahasia-123", "planner")
        set_password(session, "kepala", "rahasia-456", "admin")
        return [_import(session, 1, sample=True), _import(session, 3)]


def _login(client, token, username, password):
    client.post("/auth/login", data={"username": username, "password": password,
                                     "csrf_token": token(client)})
    return token(client)


def test_status(client):
    r = client.get("/api/status?lang=en")
    assert r.json["lang"] == "en" and "umkm" in r.json["programs"]


def test_list_and_get_datasets_public(client, data):
    listed = client.get("/api/datasets?program=umkm").json["datasets"]
    assert [d["version"] for d in listed] == [2, 1]
    assert [d["sample"] for d in listed] == [False, True]
    one = client.get(f"/api/datasets/{data[0]}").json
    assert one["headers"] == ["Kode", "Modal"] and one["state"] == "archived"
    assert client.get("/api/datasets/999").status_code == 404


def test_bad_program_names_allowed(client):
    r = client.get("/api/datasets?program=kopi")
    assert r.status_code == 400 and "umkm" in r.json["message"]


def test_compare(client, data):
    r = client.get(f"/api/compare?a={data[0]}&b={data[1]}")
    assert r.json["measures"]["Modal"] == {"a": 1.0, "b": 3.0, "diff": 2.0}
    r = client.get("/api/compare?a=x&b=1")
    assert r.status_code == 400 and "'a'" in r.json["message"]


def test_index_shows_active_dataset_escaped_with_sample_label(client, data):
    html = client.get("/").get_data(as_text=True)
    assert "Bantuan &lt;UMKM&gt;" in html and "<UMKM>" not in html
    assert "versi 2" in html and "Data contoh" not in html


def test_rollback_needs_admin_and_csrf_header(client, token, data):
    url = "/api/programs/umkm/rollback"
    assert client.post(url).status_code == 400  # no CSRF token at all
    tok = token(client)
    assert client.post(url, headers={"X-CSRFToken": tok}).status_code == 401
    tok = _login(client, token, "perencana", "rahasia-123")
    assert client.post(url, headers={"X-CSRFToken": tok}).status_code == 403
    client.post("/auth/logout", data={"csrf_token": tok})
    tok = _login(client, token, "kepala", "rahasia-456")
    assert client.post(url).status_code == 400  # logged in but no header
    r = client.post(url, headers={"X-CSRFToken": tok})
    assert r.status_code == 200 and r.json["active"]["id"] == data[0]
    assert "Data contoh" in client.get("/").get_data(as_text=True)  # sample labelled
    r = client.post(url, headers={"X-CSRFToken": tok})
    assert r.status_code == 409 and r.json["error"] == "store.no_previous"


def test_delete_dataset(client, token, data):
    tok = _login(client, token, "kepala", "rahasia-456")
    r = client.delete(f"/api/datasets/{data[1]}", headers={"X-CSRFToken": tok})
    assert r.status_code == 409 and r.json["error"] == "store.delete_active"
    r = client.delete(f"/api/datasets/{data[0]}", headers={"X-CSRFToken": tok})
    assert r.status_code == 200 and r.json["deleted"]["state"] == "deleted"
    assert client.get(f"/api/datasets/{data[0]}").status_code == 404
