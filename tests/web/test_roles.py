"""Roles: public reads, planners upload and change their OWN versions, admins do the rest.

Also: every state-changing route in the app needs the CSRF token and a login; this test
enumerates ``app.url_map``, so a new unprotected route makes it fail.
"""

from __future__ import annotations

import pytest
from sample_app import app_config

from geoapp.store import create_account, set_password
from geoapp.web import create_app

SAFE = {"GET", "HEAD", "OPTIONS"}
# State-changing routes that must NOT need a login (each still needs the CSRF token).
NO_LOGIN = {"auth.login": "the login form itself", "auth.logout": "ending a session"}
SAMPLE_VALUES = {"integer": 1, "float": 1.0, "unicode": "umkm", "path": "umkm"}


def _sessions(app):
    return app.extensions["geoapp_db"]["sessions"]


def _accounts(app):
    with _sessions(app)() as session:
        set_password(session, "pat", "planner-pass", "planner")
        set_password(session, "quinn", "planner-pass", "planner")
        create_account(session, "ada", "admin-pass1", "admin", actor=None)


def login(client, token, username, password):
    response = client.post("/auth/login", data={"username": username, "password": password,
                                                "csrf_token": token(client)})
    assert response.status_code == 302, f"login of {username} failed"
    return token(client)


def _kind(converter) -> str:
    """'integer', 'float', 'unicode', 'path' (subclasses count as their base)."""
    for cls in type(converter).__mro__:
        kind = cls.__name__.replace("Converter", "").lower()
        if kind in SAMPLE_VALUES:
            return kind
    return "unknown"


def _url(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        values[name] = SAMPLE_VALUES.get(_kind(converter), "x")
    return rule.build(values)[1]


def state_changing(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - SAFE):
            yield rule.endpoint, method, _url(rule)


@pytest.fixture
def roles_app(tmp_path, monkeypatch):
    monkeypatch.delenv("GEOAPP_INSTANCE", raising=False)
    app = create_app(app_config(tmp_path / "instance"))
    _accounts(app)
    yield app
    app.extensions["geoapp_db"]["engine"].dispose()


def test_the_app_has_state_changing_routes(roles_app):
    endpoints = {e for e, _m, _u in state_changing(roles_app)}
    assert {"api.delete", "api.rollback_program", "upload.confirm", "admin.create_user",
            "admin.delete_version", "auth.logout"} <= endpoints


def test_every_state_change_needs_the_csrf_token(roles_app, token):
    client = roles_app.test_client()
    login(client, token, "ada", "admin-pass1")
    for endpoint, method, url in state_changing(roles_app):
        response = client.open(url, method=method, data={}, headers={"Accept": "text/html"})
        assert response.status_code == 400, f"{method} {url} ({endpoint}) without CSRF token"
        assert b"CSRF" in response.data, f"{endpoint}: refused, but not for the CSRF token"
    assert client.get("/admin/users").status_code == 200  # still logged in: nothing changed


def without_login(app, client, csrf: str) -> list[str]:
    """State-changing routes that an anonymous client with a valid CSRF token gets through."""
    open_routes = []
    for endpoint, method, url in state_changing(app):
        if endpoint in NO_LOGIN:
            continue
        response = client.open(url, method=method, data={"csrf_token": csrf},
                               headers={"X-CSRFToken": csrf})
        refused = (response.status_code == 401 if url.startswith("/api/") else
                   response.status_code == 302
                   and "/auth/login" in response.headers.get("Location", ""))
        if not refused:
            open_routes.append(f"{method} {url} ({endpoint}): {response.status_code}")
    return open_routes


def test_every_state_change_needs_a_login(roles_app, token):
    client = roles_app.test_client()
    assert without_login(roles_app, client, token(client)) == []


def test_an_unprotected_route_would_be_caught(tmp_path, token):
    app = create_app(app_config(tmp_path / "other"))
    try:
        app.add_url_rule("/oops", "oops", lambda: "changed", methods=["POST"])
        client = app.test_client()
        assert without_login(app, client, token(client)) == ["POST /oops (oops): 200"]
    finally:
        app.extensions["geoapp_db"]["engine"].dispose()


def test_no_view_is_exempt_from_csrf(roles_app):
    csrf = roles_app.extensions["csrf"]
    assert not csrf._exempt_views and not csrf._exempt_blueprints
    assert roles_app.config.get("WTF_CSRF_ENABLED", True) is True
    assert set(roles_app.config.get("WTF_CSRF_METHODS") or {"POST", "PUT", "PATCH", "DELETE"}) \
        >= {"POST", "PUT", "PATCH", "DELETE"}


ADMIN_ONLY_PAGES = ("/admin/users", "/admin/audit")
ADMIN_ONLY_POSTS = ("/admin/users", "/admin/users/1/password", "/admin/users/1/disable",
                    "/admin/users/1/enable", "/admin/programs/umkm/rollback",
                    "/admin/datasets/1/delete")


def test_public_is_sent_to_login_from_admin_pages(roles_app):
    client = roles_app.test_client()
    for path in ADMIN_ONLY_PAGES + ("/admin/datasets", "/data/upload"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/").status_code == 200
    assert client.get("/api/datasets").status_code == 200


def test_planner_is_refused_admin_work(roles_app, token):
    client = roles_app.test_client()
    csrf = login(client, token, "pat", "planner-pass")
    for path in ADMIN_ONLY_PAGES:
        response = client.get(path)
        assert response.status_code == 403 and b"admin" in response.data
    for path in ADMIN_ONLY_POSTS:
        assert client.post(path, data={"csrf_token": csrf}).status_code == 403, path
    api = client.post("/api/programs/umkm/rollback", headers={"X-CSRFToken": csrf})
    assert api.status_code == 403 and api.get_json()["error"] == "auth.forbidden"
    api = client.delete("/api/datasets/1", headers={"X-CSRFToken": csrf})
    assert api.status_code == 403
    assert client.get("/admin/datasets").status_code == 200   # their own uploads
    assert client.get("/data/upload").status_code == 200


def _stage_two_versions(app, owner: str):
    from geoapp.store import activate, stage_import

    ids = []
    with _sessions(app)() as session:
        for title in ("Versi satu", "Versi dua"):
            ds = stage_import(session, program="umkm", title=title, rows=[], headers=[],
                              ledger={}, report={}, source_sha256="", source_name="a.csv",
                              user=owner)
            ids.append(activate(session, ds.id).id)
    return ids   # the first is archived, the second active


def test_planner_changes_only_their_own_versions(roles_app, token):
    old, active = _stage_two_versions(roles_app, "pat")
    other = roles_app.test_client()
    csrf = login(other, token, "quinn", "planner-pass")
    assert other.post(f"/admin/datasets/{old}/delete", data={"csrf_token": csrf}).status_code == 403
    assert other.post(f"/admin/datasets/{old}/title",
                      data={"csrf_token": csrf, "title": "x"}).status_code == 403
    assert b"Versi satu" not in other.get("/admin/datasets").data

    owner = roles_app.test_client()
    csrf = login(owner, token, "pat", "planner-pass")
    assert b"Versi satu" in owner.get("/admin/datasets").data
    renamed = owner.post(f"/admin/datasets/{old}/title", data={"csrf_token": csrf,
                                                                "title": "Versi lama"})
    assert renamed.status_code == 302
    # deleting is for admins only, even for the uploader (the roles)
    page = owner.get("/admin/datasets").get_data(as_text=True)
    assert f'data-testid="delete-{old}"' not in page
    refused = owner.post(f"/admin/datasets/{old}/delete", data={"csrf_token": csrf})
    assert refused.status_code == 403
    states = {d["id"]: d["state"] for d in owner.get("/api/datasets").get_json()["datasets"]}
    assert states == {old: "archived", active: "active"}

    admin = roles_app.test_client()
    csrf = login(admin, token, "ada", "admin-pass1")
    assert f'data-testid="delete-{old}"' in admin.get("/admin/datasets").get_data(as_text=True)
    active_refused = admin.post(f"/admin/datasets/{active}/delete", data={"csrf_token": csrf})
    assert active_refused.status_code == 409
    assert admin.post(f"/admin/datasets/{old}/delete", data={"csrf_token": csrf}).status_code == 302
    states = {d["id"]: d["state"] for d in admin.get("/api/datasets").get_json()["datasets"]}
    assert old not in states and states[active] == "active"


def test_admin_may_do_everything(roles_app, token):
    old, active = _stage_two_versions(roles_app, "pat")
    client = roles_app.test_client()
    csrf = login(client, token, "ada", "admin-pass1")
    for path in ADMIN_ONLY_PAGES + ("/admin/datasets",):
        assert client.get(path).status_code == 200, path
    assert client.post("/admin/programs/umkm/rollback", data={"csrf_token": csrf}).status_code == 302
    states = {d["id"]: d["state"] for d in client.get("/api/datasets").get_json()["datasets"]}
    assert states == {old: "active", active: "archived"}
    assert client.post(f"/admin/datasets/{active}/delete", data={"csrf_token": csrf}).status_code == 302
    made = client.post("/admin/users", data={"csrf_token": csrf, "username": "newbie",
                                             "password": "long-enough", "role": "planner"})
    assert made.status_code == 302


def test_short_password_and_taken_name_are_refused(roles_app, token):
    client = roles_app.test_client()
    csrf = login(client, token, "ada", "admin-pass1")
    short = client.post("/admin/users", data={"csrf_token": csrf, "username": "newbie",
                                              "password": "short", "role": "planner"})
    assert short.status_code == 400 and "Minimal 8 karakter" in short.get_data(as_text=True)
    taken = client.post("/admin/users", data={"csrf_token": csrf, "username": "pat",
                                              "password": "long-enough", "role": "planner"})
    assert taken.status_code == 409
    bad_role = client.post("/admin/users", data={"csrf_token": csrf, "username": "newbie",
                                                 "password": "long-enough", "role": "root"})
    assert bad_role.status_code == 400


def _user_id(app, username):
    from geoapp.store import find_user

    with _sessions(app)() as session:
        return find_user(session, username).id


def test_disabling_ends_sessions_and_blocks_login(roles_app, token):
    planner = roles_app.test_client()
    login(planner, token, "pat", "planner-pass")
    assert planner.get("/data/upload").status_code == 200
    admin = roles_app.test_client()
    csrf = login(admin, token, "ada", "admin-pass1")
    pat = _user_id(roles_app, "pat")
    assert admin.post(f"/admin/users/{pat}/disable", data={"csrf_token": csrf}).status_code == 302
    assert planner.get("/data/upload").status_code == 302      # session ended
    again = roles_app.test_client()
    refused = again.post("/auth/login", data={"username": "pat", "password": "planner-pass",
                                              "csrf_token": token(again)})
    assert refused.status_code == 200 and "dinonaktifkan" in refused.get_data(as_text=True)
    me = _user_id(roles_app, "ada")
    assert admin.post(f"/admin/users/{me}/disable", data={"csrf_token": csrf}).status_code == 409
    assert admin.post(f"/admin/users/{pat}/enable", data={"csrf_token": csrf}).status_code == 302
    login(again, token, "pat", "planner-pass")


def test_password_reset_ends_old_sessions(roles_app, token):
    planner = roles_app.test_client()
    login(planner, token, "pat", "planner-pass")
    admin = roles_app.test_client()
    csrf = login(admin, token, "ada", "admin-pass1")
    pat = _user_id(roles_app, "pat")
    reset = admin.post(f"/admin/users/{pat}/password",
                       data={"csrf_token": csrf, "password": "brand-new-pass"})
    assert reset.status_code == 302
    assert planner.get("/data/upload").status_code == 302
    login(roles_app.test_client(), token, "pat", "brand-new-pass")
