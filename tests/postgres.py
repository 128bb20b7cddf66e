"""The PostgreSQL of ``GEOAPP_DATABASE_URL`` for tests marked ``postgres``.

Each test gets its own empty schema (first on the connection's ``search_path``, PostGIS
stays reachable in ``public``, which must hold no geoapp tables), dropped afterwards.
``tests/conftest.py`` moves the URL out of ``GEOAPP_DATABASE_URL`` at start, so only
these tests use it. Without a PostgreSQL URL the tests
skip, unless ``GEOAPP_REQUIRE_POSTGRES=1`` (``.ci/run``), which makes them fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

URL_ENV = "GEOAPP_DATABASE_URL"
MOVED_ENV = "GEOAPP_TEST_POSTGRES_URL"   # where tests/conftest.py moves URL_ENV at start
REQUIRE_ENV = "GEOAPP_REQUIRE_POSTGRES"
GEOAPP_TABLES = ("datasets", "alembic_version")


def server_url() -> str:
    """The PostgreSQL URL of the environment; skips (or fails, when required) without it."""
    url = os.environ.get(MOVED_ENV) or os.environ.get(URL_ENV, "")
    if url.startswith("postgresql"):
        return url
    reason = f"{URL_ENV} is not a PostgreSQL URL (start one with .ci/postgres)"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_ENV}=1")
    pytest.skip(reason)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a fresh, empty schema of the test PostgreSQL (dropped after the test)."""
    url = server_url()
    schema = f"geoapp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        leftovers = [t for t in GEOAPP_TABLES if connection.exec_driver_sql(
            f"SELECT to_regclass('public.{t}')").scalar() is not None]
        # the schema search falls through to public: geoapp tables there would be used
        assert not leftovers, f"geoapp tables in the public schema of {url}: {leftovers}"
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema},public"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
