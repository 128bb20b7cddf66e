"""Fixtures for the bad-input corpus: a sample-data app, a logged-in planner, snapshots.

Every hostile case runs against a private copy of the seeded sample instance (seven
active datasets), so "stored data unchanged" compares real datasets before and after.
"""

from __future__ import annotations

import pytest
import sample_app as samples
from badinput_support import login_planner
from sample_app import sample_template  # noqa: F401  (fixture re-exported)


@pytest.fixture
def hostile_app(sample_template, tmp_path, monkeypatch):  # noqa: F811
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE", "GEOAPP_MAX_CONTENT_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    app = samples.make_app(samples.copy_instance(sample_template, tmp_path / "instance"))
    yield app
    samples.dispose_app(app)


@pytest.fixture
def planner(hostile_app):
    return login_planner(hostile_app)
