"""Engine and schema: SQLite in WAL mode with foreign keys on (the default), or PostgreSQL.

``database_url(settings)`` is the one rule for which database a process uses: the
DATABASE_URL setting, else the SQLite file of the DATABASE setting. Both dialects are
brought to the newest migration (``geoapp.store.migrations``) at start by ``init_db`` (on
PostgreSQL under an advisory lock) and by ``geoapp db upgrade``; a SQLite file made before
migrations is adopted (completed, stamped, migrated).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.os_errors import os_error
from geoapp.store.audit import mark_audited, watch_commits
from geoapp.store.columns import fill_missing_columns
from geoapp.store.lifecycle import cleanup_staged
from geoapp.store.migrations import upgrade
from geoapp.store.years import fill_years

BUSY_TIMEOUT_S = 30

BAD_URL = Msg(
    "db.bad_url",
    "Setting DATABASE_URL must start with sqlite:/// or postgresql+psycopg://; received '{url}'.",
)
NO_CONNECTION = Msg(
    "db.no_connection",
    "Cannot open the database {url}: {reason}. Check DATABASE_URL and that the database "
    "server is running.",
)


def database_url(settings: Mapping[str, Any]) -> str:
    """The database of these settings: DATABASE_URL, else ``sqlite:///<DATABASE>``."""
    url = str(settings.get("DATABASE_URL") or "").strip()
    return url or f"sqlite:///{settings['DATABASE']}"


def is_url(target: str | Path) -> bool:
    """True when ``target`` is a database URL rather than a SQLite file path."""
    return isinstance(target, str) and "://" in target


def create_engine_for(target: str | Path) -> Engine:
    """A SQLAlchemy engine for a database URL or the SQLite file ``target`` (for a SQLite
    file its parent folder is created)."""
    if is_url(target) and not str(target).startswith("sqlite:"):
        engine = create_engine(str(target), pool_pre_ping=True)
        event.listen(engine, "connect", _on_pg_connect)
        serialise_writers(engine)
        return engine
    text = str(target)
    db_path = Path(text.removeprefix("sqlite:///") if is_url(text) else text)
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


def _on_pg_connect(dbapi_connection, _record) -> None:
    """Times come back in UTC whatever the server's or database's time zone (as on SQLite,
    where they are stored in UTC): the session's time zone is set once per connection."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True   # a SET inside a rolled-back transaction is undone
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
    finally:
        dbapi_connection.autocommit = autocommit


WRITE_LOCK = 0x6E0A_0002   # pg_advisory_xact_lock key held by the one writing transaction
_LOCKED = "geoapp_write_lock"
_WRITES = ("INSERT", "UPDATE", "DELETE")


def serialise_writers(engine: Engine) -> None:
    """One writing transaction at a time, as on SQLite: before its first INSERT, UPDATE or
    DELETE a transaction takes a transaction-level advisory lock, held until it ends; reads
    never wait. The store's rules rely on it (next version number = max + 1 in the INSERT,
    ``activate``'s check of a newer active version, "newest wins" across servers)."""
    event.listen(engine, "before_cursor_execute", _take_write_lock)
    for name in ("commit", "rollback"):
        event.listen(engine, name, _release_write_lock)


def _take_write_lock(connection, cursor, statement, _params, _context, _many) -> None:
    if connection.info.get(_LOCKED) or statement.lstrip()[:6].upper() not in _WRITES:
        return
    cursor.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    connection.info[_LOCKED] = True


def _release_write_lock(connection) -> None:
    connection.info.pop(_LOCKED, None)   # the database released it with the transaction


def init_db(engine: Engine) -> None:
    """Create missing tables and columns, the generation row and its triggers, store the
    column map of versions stored without one (and rows' years when that column is new),
    and remove abandoned staged imports.

    Both dialects: the migrations are run up to the newest
    (``geoapp.store.migrations.upgrade``; nothing to do when the database is there)."""
    before, _ = upgrade(engine)
    mark_audited(engine)
    years_added = before in (None, "0001")   # rows may have been stored before years existed
    with session_factory(engine)() as session:
        fill_missing_columns(session)
        if years_added:
            fill_years(session)
        cleanup_staged(session)


def shown_url(url: str) -> str:
    """``url`` with its password hidden (for messages)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url[:80]


def upgrade_url(url: str) -> tuple[str | None, str]:
    """``upgrade`` the database at ``url`` (``geoapp db upgrade``); a bad URL or a database
    that cannot be reached is a ``GeoappError`` naming the URL (password hidden)."""
    if not (url.startswith("sqlite:///") or url.startswith("postgresql+psycopg://")):
        raise GeoappError(BAD_URL, 400, url=shown_url(url))
    try:
        engine = create_engine_for(url)
    except (ArgumentError, NoSuchModuleError):
        raise GeoappError(BAD_URL, 400, url=shown_url(url)) from None
    except OSError as exc:   # the SQLite file's folder cannot be made
        raise os_error(exc, url.removeprefix("sqlite:///")) from None
    try:
        return upgrade(engine)
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0][:200]
        raise GeoappError(NO_CONNECTION, 503, url=shown_url(url), reason=reason) from None
    finally:
        engine.dispose()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A Session factory; sessions keep loaded values readable after commit and name the
    actor of trigger-made audit events when they commit (``audit.watch_commits``)."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    watch_commits(factory)
    return factory


_FACTORIES: weakref.WeakKeyDictionary[Engine, sessionmaker[Session]] = weakref.WeakKeyDictionary()


def engine_sessions(engine: Engine) -> sessionmaker[Session]:
    """One ``session_factory`` per engine, for store modules given an engine (shared state)."""
    factory = _FACTORIES.get(engine)
    if factory is None:
        factory = _FACTORIES[engine] = session_factory(engine)
    return factory
