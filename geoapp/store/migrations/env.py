"""Alembic's environment for geoapp: runs on the connection ``migrations.upgrade`` gives
(``config.attributes["connection"]``), or on ``sqlalchemy.url`` when run by the alembic CLI."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from geoapp.store import shared_models  # noqa: F401  (its tables are on Base too)
from geoapp.store.migrations import own_object
from geoapp.store.models import Base

target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection, target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
        include_object=own_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as own:
        _run(own)


if context.is_offline_mode():
    raise SystemExit("geoapp migrations run online only (geoapp db upgrade)")
run_online()
