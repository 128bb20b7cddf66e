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
    yield from samples.private_app(sample_template, tmp_path / "instance", monkeypatch)


@pytest.fixture
def planner(hostile_app):
    return login_planner(hostile_app)
