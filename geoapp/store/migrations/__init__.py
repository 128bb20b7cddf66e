"""Schema migrations (Alembic), shipped in the package: one story for SQLite and PostgreSQL.

``upgrade(engine)`` brings any geoapp database to the newest revision; the app runs it at
start (``store.init_db``) for both dialects, and ``geoapp db upgrade`` runs it on demand.
A database already at the newest revision is left alone after one read of
``alembic_version``, and a new SQLite file is a copy of an empty database the migrations
made once per process (``template``): apps start fast. A SQLite database made before migrations existed
(by ``init_db``, which then created schemas from the models) is first completed the old
way (``schema.create_schema``) and stamped with the baseline revision, then migrated. On
PostgreSQL the upgrade runs in one transaction holding an advisory lock, so app servers
starting together do not migrate twice.

A change to ``store.models`` (or ``store.shared_models``) needs a new file in
``versions/`` (``alembic revision --autogenerate`` with ``script_location`` set to this
folder); ``tests/test_store_migrations.py`` fails while the migrated schema and the models
differ.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect

from geoapp.store.migrations.schema import create_schema
from geoapp.store.migrations.template import create_from_template

BASELINE = "0001"
ADVISORY_LOCK = 0x6E0A_0001  # pg_advisory_xact_lock key: one migrating process at a time


def own_object(_obj, _name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object``: leave out tables that are not geoapp's (PostGIS's
    ``spatial_ref_sys``), so autogenerate never drops them."""
    return not (type_ == "table" and reflected and compare_to is None)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the migrations in this folder (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    """The database's revision; None when it was never migrated (or is empty)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@functools.cache
def head_revision() -> str:
    """The newest revision shipped with this geoapp."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to the newest revision; returns (revision before, after). A new
    SQLite file is a copy of a database these migrations made (``template``)."""
    if create_from_template(engine, head_revision(), _migrate):
        return None, current_revision(engine)
    return _migrate(engine)


def _migrate(engine: Engine) -> tuple[str | None, str]:
    """Run the migrations the database lacks (adopting a pre-migration SQLite file)."""
    before = current_revision(engine)
    if before == head_revision():
        return before, before
    if before is None and _has_tables(engine):
        _adopt_legacy(engine)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})")
        command.upgrade(alembic_config(connection), "head")
    return before, current_revision(engine)


def _has_tables(engine: Engine) -> bool:
    return "datasets" in inspect(engine).get_table_names()


def _adopt_legacy(engine: Engine) -> None:
    """A database made by ``init_db`` before migrations: complete it the old way (SQLite:
    added columns, triggers) and record it as the baseline revision."""
    if engine.dialect.name == "sqlite":
        create_schema(engine)
    with engine.begin() as connection:
        command.stamp(alembic_config(connection), BASELINE)
