"""The test PostgreSQL: throwaway databases for the tests, and the switch that runs the whole
suite on PostgreSQL.

The server comes from ``GEOAPP_DATABASE_URL`` (``.ci/postgres`` prints one);
``tests/conftest.py`` moves it to ``GEOAPP_TEST_POSTGRES_URL`` at start, so no app made by
a test writes to it by accident. Two ways to use it:

* tests marked ``postgres`` take the ``pg_url`` fixture: a fresh, empty database;
* with ``GEOAPP_TEST_DATABASE=postgres`` EVERY test runs on PostgreSQL: each test gets its
  own fresh schema, named in ``GEOAPP_DATABASE_URL`` for the test's duration (first on the
  ``search_path``; PostGIS stays reachable in ``public``), so the ``app`` fixture,
  ``create_app``, CLI runs and subprocess servers all use it; dropped afterwards. The
  sample-data fixtures instead point the test at a copy of a database imported once per
  session (``sample_app.copy_instance``). Tests that only make sense on the SQLite file
  are marked ``sqlite_only`` and skip.

A schema costs milliseconds, a database copy (``CREATE DATABASE ... TEMPLATE``) about half
a second, so only the sample-data tests pay for one. Every database is a copy of one
empty PostGIS database made per session from the server URL's database, and every
database a session makes is dropped (``WITH (FORCE)``: connections a test left open are
closed).
Without a PostgreSQL URL ``postgres`` tests skip, unless ``GEOAPP_REQUIRE_POSTGRES=1``
(``.ci/run``), which makes them fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

URL_ENV = "GEOAPP_DATABASE_URL"
MOVED_ENV = "GEOAPP_TEST_POSTGRES_URL"   # where tests/conftest.py moves URL_ENV at start
REQUIRE_ENV = "GEOAPP_REQUIRE_POSTGRES"
SUITE_ENV = "GEOAPP_TEST_DATABASE"       # "postgres": the whole suite on PostgreSQL
GEOAPP_TABLES = ("datasets", "alembic_version")


def configured_url() -> str | None:
    """The PostgreSQL server URL of the environment, or None."""
    url = os.environ.get(MOVED_ENV) or os.environ.get(URL_ENV, "")
    return url if url.startswith("postgresql") else None


def on_postgres() -> bool:
    """True when the whole suite runs on PostgreSQL (``GEOAPP_TEST_DATABASE=postgres``)."""
    return os.environ.get(SUITE_ENV, "").strip().lower() in {"postgres", "postgresql"}


def server_url() -> str:
    """The PostgreSQL URL of the environment; skips (or fails, when required) without it."""
    url = configured_url()
    if url:
        return url
    reason = f"{URL_ENV} is not a PostgreSQL URL (start one with .ci/postgres)"
    if os.environ.get(REQUIRE_ENV) == "1" or on_postgres():
        pytest.fail(f"{reason}, and {REQUIRE_ENV}=1 or {SUITE_ENV}=postgres")
    pytest.skip(reason)


class Databases:
    """Throwaway databases on the test server, all copies of one empty PostGIS database."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.prefix = f"geoapp_t{uuid.uuid4().hex[:8]}"
        self.admin: Engine = create_engine(self.url.set(database="postgres"),
                                           isolation_level="AUTOCOMMIT")
        self.made: list[str] = []
        self.empty = self._create(self.url.database)   # nothing may use the template
        self._check_empty()
        self.schemas_in = self._create(self.empty)      # the per-test schemas live here
        self.schemas: Engine | None = None

    def _create(self, template: str) -> str:
        name = f"{self.prefix}_{len(self.made)}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        self.made.append(name)
        return name

    def create(self, template_url: str | None = None) -> str:
        """The URL of a new database: empty, or a copy of the one at ``template_url`` (which
        must have no open connection)."""
        template = make_url(template_url).database if template_url else self.empty
        return self.url.set(database=self._create(template)).render_as_string(
            hide_password=False)

    def _check_empty(self) -> None:
        """Geoapp tables in ``public`` of the server's database would be copied into every
        test database and found through the search path: refuse them."""
        engine = create_engine(self.url.set(database=self.empty))
        try:
            with engine.connect() as connection:
                found = [t for t in GEOAPP_TABLES if connection.exec_driver_sql(
                    f"SELECT to_regclass('public.{t}')").scalar() is not None]
        finally:
            engine.dispose()
        if found:
            self.close()
            pytest.exit(f"geoapp tables in the public schema of {self.url.database} on the test "
                        f"server: {found}; use an empty database (.ci/postgres makes one)", 2)

    def create_schema(self) -> str:
        """The URL of a new, empty schema (first on the search path, then ``public``)."""
        if self.schemas is None:
            self.schemas = create_engine(self.url.set(database=self.schemas_in),
                                         isolation_level="AUTOCOMMIT")
        schema = f"t_{uuid.uuid4().hex[:16]}"
        with self.schemas.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = self.url.set(database=self.schemas_in).update_query_dict(
            {"options": f"-csearch_path={schema},public"})
        return url.render_as_string(hide_password=False)

    def drop_schema(self, url: str) -> None:
        """Drop the schema of ``url``; one a leftover transaction still locks is left for
        the end of the session (its database is dropped then)."""
        schema = make_url(url).query["options"].split("=", 1)[1].split(",")[0]
        with self.schemas.connect() as connection:
            connection.exec_driver_sql("SET lock_timeout = '2s'")
            try:
                connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            except OperationalError:
                pass

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.made:
            self.made.remove(name)

    def close(self) -> None:
        if self.schemas is not None:
            self.schemas.dispose()
        with self.admin.connect() as connection:
            for name in reversed(self.made):
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()
        self.admin.dispose()


_DATABASES: dict[str, Databases] = {}
TEST_DATABASES: list[str] = []   # databases the running test made; tests/conftest.py drops them
TEST_SCHEMAS: list[str] = []     # schemas the running test made (own_database), dropped alike


def databases() -> Databases:
    """The session's ``Databases`` (made on first use; ``close_databases`` drops them)."""
    if "it" not in _DATABASES:
        _DATABASES["it"] = Databases(server_url())
    return _DATABASES["it"]


def close_databases() -> None:
    if "it" in _DATABASES:
        _DATABASES.pop("it").close()


def shared_database() -> dict[str, str]:
    """``create_app`` settings for an app shared by a module or session: on PostgreSQL a
    new database of its own (dropped at the end of the session), else nothing (the
    instance's SQLite file)."""
    return {"DATABASE_URL": databases().create()} if on_postgres() else {}


def own_database() -> dict[str, str]:
    """``create_app`` settings for one more, separate instance within a test: on PostgreSQL a
    new schema of its own (dropped after the test), else nothing (its own SQLite file)."""
    if not on_postgres():
        return {}
    url = databases().create_schema()
    TEST_SCHEMAS.append(url)
    return {"DATABASE_URL": url}


def fresh_database(template_url: str | None = None) -> Iterator[str]:
    """Yield the URL of a new database (empty, or a copy of ``template_url``), then drop it."""
    url = databases().create(template_url)
    try:
        yield url
    finally:
        databases().drop(url)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a fresh, empty PostGIS database on the test PostgreSQL (dropped after)."""
    server_url()
    yield from fresh_database()


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:  # noqa: F811  (pg_url is the fixture above)
    """An engine on a fresh PostGIS database with geoapp's tables made (disposed after)."""
    from geoapp.store import create_engine_for, init_db

    engine = create_engine_for(pg_url)
    init_db(engine)
    yield engine
    engine.dispose()
