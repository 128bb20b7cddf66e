"""Two app instances on one PostgreSQL database (marker ``postgres``; tests/postgres.py):
a version confirmed on one is what the other serves, at once (the generation row)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from postgres import pg_url  # noqa: F401  (fixture)

from geoapp.store import set_password
from geoapp.web import create_app
from geoapp.web.db import get_db

pytestmark = pytest.mark.postgres

UPLOAD = Path(__file__).resolve().parent.parent / "data" / "upload" / "messy_umkm.csv"


def make_app(instance: Path, url: str):
    return create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": url, "TESTING": True,
                       "SECRET_KEY": "one key for every app server of the database",
                       "WTF_CSRF_ENABLED": False, "LOAD_SAMPLE_DATA": False,
                       "CREATE_DEFAULT_PLANNER": False})


def umkm_versions(client) -> list[tuple[int, str]]:
    listing = client.get("/api/datasets").get_json()
    items = listing if isinstance(listing, list) else listing["datasets"]
    return sorted((d["version"], d["state"]) for d in items if d["program"] == "umkm")


def with_values(client) -> int:
    """How many kelurahan of the UMKM aid layer have a value."""
    layer = client.get("/api/layers/umkm-nilai.geojson")
    assert layer.status_code == 200
    return sum(f["properties"].get("value") is not None for f in layer.get_json()["features"])


def test_a_version_confirmed_on_one_app_is_served_by_the_other(pg_url, tmp_path):  # noqa: F811
    first, second = make_app(tmp_path / "a", pg_url), make_app(tmp_path / "b", pg_url)
    try:
        with first.app_context():
            set_password(get_db(), "perencana", "rahasia-123", "planner")
        planner, reader = first.test_client(), second.test_client()
        assert planner.post("/auth/login", data={
            "username": "perencana", "password": "rahasia-123"}).status_code == 302
        assert umkm_versions(reader) == []
        assert with_values(reader) == 0
        for version, title in ((1, "UMKM 2020"), (2, "UMKM 2021")):
            sent = planner.post("/data/upload", data={
                "program": "umkm", "title": title,
                "file": (io.BytesIO(UPLOAD.read_bytes()), UPLOAD.name)},
                content_type="multipart/form-data")
            token = sent.headers["Location"].rsplit("/", 1)[-1]
            assert planner.post(f"/data/upload/{token}/confirm").status_code == 302
            assert umkm_versions(reader)[-1] == (version, "active")   # no waiting
            assert with_values(reader) > 0
        assert umkm_versions(reader) == [(1, "archived"), (2, "active")]
        # the same SECRET_KEY: the planner's login made on the first is valid on the second
        assert reader.get("/data/upload").status_code == 302            # not logged in
        reader.set_cookie("session", planner.get_cookie("session").value)
        assert reader.get("/data/upload").status_code == 200
    finally:
        for app in (first, second):
            app.extensions["geoapp_db"]["engine"].dispose()
