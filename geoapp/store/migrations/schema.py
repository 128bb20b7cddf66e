"""The SQLite schema as ``init_db`` made it from the models before migrations existed: used
only to complete such a database before it is stamped and migrated (``migrations._adopt_legacy``)."""

from __future__ import annotations

from sqlalchemy import Engine

from geoapp.store import (
    audit,  # noqa: F401  (its create_all hook makes the audit triggers)
    shared_models,  # noqa: F401  (its tables are on Base too)
)
from geoapp.store.active import install_generation
from geoapp.store.columns import add_columns_column
from geoapp.store.models import Base
from geoapp.store.years import add_year_column


def create_schema(engine: Engine) -> bool:
    """Tables from the models, columns added since, the generation row and its triggers,
    the audit triggers (``store.audit``, on ``create_all``); idempotent. True when the rows'
    year column was added now (the stored rows then need ``years.fill_years``)."""
    Base.metadata.create_all(engine)
    add_columns_column(engine)
    years_added = add_year_column(engine)
    install_generation(engine)
    return years_added
