"""Two apps in one process with different settings: each request uses its own app's values.

Views must not keep config-derived values in process-wide caches (a second app would see
the first app's MAX_ROWS or boundary set).
"""

from __future__ import annotations

import io
from pathlib import Path

import postgres
import pytest

from geoapp.store import set_password
from geoapp.web import create_app
from geoapp.web.db import get_db

TINY = Path(__file__).resolve().parents[1] / "data" / "boundaries" / "tiny_kelurahan.geojson"
ROWS = 10
CSV = ("kelurahan;kecamatan;jumlah\n" + "Sukasari;Tangerang;3\n" * ROWS).encode()


@pytest.fixture
def new_app(tmp_path, monkeypatch):
    """Make apps on their own instance folders; the default boundary set is reset after."""
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE", "GEOAPP_MAX_ROWS", "GEOAPP_BOUNDARIES"):
        monkeypatch.delenv(name, raising=False)
    apps = []

    def make(name: str, **config):
        app = create_app({"INSTANCE_PATH": str(tmp_path / name), "TESTING": True,
                          "LOAD_SAMPLE_DATA": False, **postgres.own_database(), **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["geoapp_db"]["engine"].dispose()


def planner(app, token):
    client = app.test_client()
    with app.app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
    response = client.post("/auth/login", data={"username": "perencana",
                                                "password": "rahasia-123",
                                                "csrf_token": token(client)})
    assert response.status_code == 302
    return client


def upload_status(client, token) -> int:
    form = {"program": "umkm", "title": "Uji", "file": (io.BytesIO(CSV), "data.csv"),
            "csrf_token": token(client)}
    return client.post("/data/upload", data=form, content_type="multipart/form-data").status_code


def test_each_app_uses_its_own_max_rows(new_app, token):
    small = planner(new_app("small", MAX_ROWS=ROWS // 2), token)
    large = planner(new_app("large", MAX_ROWS=99999), token)
    assert upload_status(small, token) == 413          # more rows than this app allows
    assert upload_status(large, token) == 302          # the same file fits the other app
    assert upload_status(small, token) == 413


def test_each_app_lists_its_own_boundary_set_in_the_place_form(new_app, token):
    bundled = planner(new_app("bundled"), token)
    html = bundled.get("/kampung/kelola/baru").get_data(as_text=True)
    assert 'value="36.71.01.1001"' in html
    tiny = planner(new_app("tiny", BOUNDARIES=str(TINY)), token)
    html = tiny.get("/kampung/kelola/baru").get_data(as_text=True)
    assert 'value="32.99.' in html and 'value="36.71.01.1001"' not in html
    html = bundled.get("/kampung/kelola/baru").get_data(as_text=True)   # the first app: still its own
    assert 'value="36.71.01.1001"' in html and 'value="32.99.' not in html
