"""Engine and schema: SQLite in WAL mode with foreign keys on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from geoapp.store.active import install_generation
from geoapp.store.audit import watch_commits
from geoapp.store.columns import add_columns_column, fill_missing_columns
from geoapp.store.lifecycle import cleanup_staged
from geoapp.store.models import Base
from geoapp.store.years import add_year_column, fill_years

BUSY_TIMEOUT_S = 30


def create_engine_for(path: str | Path) -> Engine:
    """A SQLAlchemy engine for the SQLite file ``path`` (parent folder created)."""
    db_path = Path(path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{db_path}",
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
    )
    event.listen(engine, "connect", _on_connect)
    return engine


def _on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def init_db(engine: Engine) -> None:
    """Create missing tables and columns, the generation row and its triggers, store the
    column map of versions stored without one (and rows' years when that column is new),
    and remove abandoned staged imports."""
    Base.metadata.create_all(engine)
    add_columns_column(engine)
    years_added = add_year_column(engine)
    install_generation(engine)
    with session_factory(engine)() as session:
        fill_missing_columns(session)
        if years_added:
            fill_years(session)
        cleanup_staged(session)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A Session factory; sessions keep loaded values readable after commit and name the
    actor of trigger-made audit events when they commit (``audit.watch_commits``)."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    watch_commits(factory)
    return factory

