"""Engine and schema: SQLite in WAL mode with foreign keys on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, event, select
from sqlalchemy.orm import Session, sessionmaker

from geoapp.store.active import install_generation
from geoapp.store.models import Base, Dataset, DatasetRow

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
    """Create missing tables and remove staged rows left by an interrupted import."""
    Base.metadata.create_all(engine)
    install_generation(engine)
    with Session(engine) as session:
        cleanup_staged(session)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A Session factory; sessions keep loaded values readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def cleanup_staged(session: Session) -> int:
    """Delete every staged (never activated) dataset and its rows; return how many.

    Called on start: a staged version is either an import that crashed between
    staging and activation or an upload still under review when the server stopped.
    """
    ids = list(session.scalars(select(Dataset.id).where(Dataset.state == "staged")))
    if ids:
        session.execute(delete(DatasetRow).where(DatasetRow.dataset_id.in_(ids)))
        session.execute(delete(Dataset).where(Dataset.id.in_(ids)))
    session.commit()
    return len(ids)
