"""``geoapp set-password`` goes through the same audited account service as the admin pages."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from geoapp.cli import server_commands
from geoapp.cli.main import main
from geoapp.store import authenticate, event_details, list_events
from geoapp.web import create_app


@pytest.fixture
def instance(tmp_path, monkeypatch):
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE", "GEOAPP_MAX_CONTENT_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(server_commands.getpass, "getuser", lambda: "operator")
    return tmp_path / "instance"


def _set_password(instance, *args: str):
    result = CliRunner().invoke(main, ["set-password", *args, "--instance", str(instance)],
                                catch_exceptions=False)
    return result


def _events_and_login(instance, username, password):
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    try:
        with app.extensions["geoapp_db"]["sessions"]() as session:
            events = [(e.action, e.actor, e.target, event_details(e))
                      for e in reversed(list_events(session).events)]
            user = authenticate(session, username, password)
            return events, (user.username, user.role) if user else None
    finally:
        app.extensions["geoapp_db"]["engine"].dispose()


def test_cli_set_password_records_create_then_password_events(instance):
    created = _set_password(instance, "kepala", "--role", "admin", "--password", "rahasia-panjang")
    assert created.exit_code == 0, created.output
    assert "kepala (admin) OK" in created.output
    changed = _set_password(instance, "kepala", "--password", "sandi-baru-123")
    assert changed.exit_code == 0, changed.output

    events, user = _events_and_login(instance, "kepala", "sandi-baru-123")
    assert events == [
        ("user.create", "cli:operator", "kepala", {"role": "admin"}),
        ("user.password", "cli:operator", "kepala", {"role": "planner"}),
    ]
    assert user == ("kepala", "planner")


def test_cli_set_password_refused_stores_neither_user_nor_event(instance):
    result = _set_password(instance, "kepala", "--password", "pendek")
    assert result.exit_code == 2
    events, user = _events_and_login(instance, "kepala", "pendek")
    assert events == [] and user is None


def test_cli_actor_without_a_login_name(monkeypatch):
    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(server_commands.getpass, "getuser", no_user)
    assert server_commands.cli_actor() == "cli"
