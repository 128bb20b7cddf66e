"""Web fixtures backed by the seeded sample data (see tests/sample_app.py).

- ``sample_app`` / ``sample_client``: a fresh app on a private copy of the sample
  instance (tests may import, activate or delete datasets).
- ``shared_sample_app`` / ``shared_sample_client``: one app per test session on its own
  copy, for read-only tests (faster; never change data through it).
- ``planner``: ``client`` logged in as a planner on ``app``.
"""

from __future__ import annotations

import pytest
import sample_app as samples
from sample_app import sample_template  # noqa: F401  (fixture re-exported)

from geoapp.store import set_password
from geoapp.web.db import get_db


@pytest.fixture
def sample_app(sample_template, tmp_path, monkeypatch):  # noqa: F811
    yield from samples.private_app(sample_template, tmp_path / "instance", monkeypatch)


@pytest.fixture
def sample_client(sample_app):
    return sample_app.test_client()


@pytest.fixture(scope="session")
def shared_sample_app(sample_template, tmp_path_factory):  # noqa: F811
    base = tmp_path_factory.mktemp("shared_sample")
    app = samples.make_app(samples.copy_instance(sample_template, base / "instance",
                                                 new_database=True))
    yield app
    samples.dispose_app(app)


@pytest.fixture
def planner(app, client, token):
    """``client`` logged in as the planner "perencana" on ``app``."""
    with app.app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
    client.post("/auth/login", data={"username": "perencana", "password": "rahasia-123",
                                     "csrf_token": token(client)})
    return client


@pytest.fixture
def shared_sample_client(shared_sample_app):
    return shared_sample_app.test_client()




@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A fresh instance folder path, with no GEOAPP_* environment leaking into the app."""
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE", "GEOAPP_MAX_CONTENT_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "instance"
