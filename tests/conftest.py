"""Shared fixtures: the Flask app on a temporary instance folder, client and CLI runner."""

from __future__ import annotations

import os
import re
import tempfile

import postgres
import pytest

from geoapp.web import create_app


def pytest_configure(config):
    """The test database: SQLite by default, whatever GEOAPP_DATABASE_URL says (its
    PostgreSQL URL is moved to GEOAPP_TEST_POSTGRES_URL for the tests marked ``postgres``, so
    apps, templates and subprocesses made by other tests never write to it); with
    GEOAPP_TEST_DATABASE=postgres every test gets a fresh database on that server instead
    (tests/postgres.py). Large matcher indexes are cached in a fresh folder."""
    if not os.environ.get("GEOAPP_CACHE_DIR"):      # the matcher index cache: not ~/.cache
        os.environ["GEOAPP_CACHE_DIR"] = tempfile.mkdtemp(prefix="geoapp-test-cache-")
    url = os.environ.pop("GEOAPP_DATABASE_URL", None)
    if url is not None:
        os.environ["GEOAPP_TEST_POSTGRES_URL"] = url
    if postgres.on_postgres() and not postgres.configured_url():
        raise pytest.UsageError("GEOAPP_TEST_DATABASE=postgres needs a PostgreSQL URL in "
                                "GEOAPP_DATABASE_URL (start one with .ci/postgres)")


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, tests marked ``sqlite_only`` skip with the marker's reason."""
    if not postgres.on_postgres():
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


def pytest_sessionfinish(session, exitstatus):
    postgres.close_databases()


@pytest.fixture(autouse=True)
def test_database(request, monkeypatch):
    """On PostgreSQL (GEOAPP_TEST_DATABASE=postgres): a fresh schema for this test, named in
    GEOAPP_DATABASE_URL while it runs, so every app, CLI run and subprocess server of the
    test uses it; dropped afterwards with any database the test made
    (``sample_app.copy_instance``). None on SQLite (apps use their instance's file)."""
    if not postgres.on_postgres() or request.node.get_closest_marker("sqlite_only"):
        yield None
        return
    databases = postgres.databases()
    url = databases.create_schema()
    monkeypatch.setenv("GEOAPP_DATABASE_URL", url)
    try:
        yield url
    finally:
        databases.drop_schema(url)
        for made in postgres.TEST_DATABASES:
            databases.drop(made)
        for made in postgres.TEST_SCHEMAS:
            databases.drop_schema(made)
        postgres.TEST_DATABASES.clear()
        postgres.TEST_SCHEMAS.clear()


@pytest.fixture
def app(tmp_path, monkeypatch, test_database):
    """A fresh app on its own instance folder (on PostgreSQL: on the test's database);
    CSRF stays ON unless a test turns it off."""
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE", "GEOAPP_MAX_CONTENT_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    if test_database is None:
        monkeypatch.delenv("GEOAPP_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True,
                      "LOAD_SAMPLE_DATA": False})
    yield app
    app.extensions["geoapp_db"]["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from the page's meta tag."""
    html = client.get("/auth/login").get_data(as_text=True)
    return _TOKEN.search(html).group(1)


@pytest.fixture
def token():
    return csrf_token


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory):
    """The seeded sample program files, written once per test session."""
    from geoapp.sample import write_sample_data

    folder = tmp_path_factory.mktemp("sample")
    write_sample_data(folder)
    return folder


FROZEN_NOW = 1_800_000_000.0     # 2027-01-15 08:00 UTC = 15.00 in Asia/Jakarta


class Clock:
    """A frozen clock for geoapp.web.auth.now(): tests move it forward, nobody sleeps."""

    def __init__(self, start: float = FROZEN_NOW) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, minutes: float) -> None:
        self.t += minutes * 60


@pytest.fixture
def clock(monkeypatch):
    """Freeze the web app's clock (sessions, lockouts) at FROZEN_NOW."""
    from geoapp.web import auth

    frozen = Clock()
    monkeypatch.setattr(auth, "now", frozen, raising=False)
    return frozen
