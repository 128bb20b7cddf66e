"""Which dataset version is active per program, and one cache for what is derived from them.

API (small and stable; core module, no Flask)::

    versions = ActiveVersions()                # one per app: app.extensions["geoapp_active"]
    versions.infos(session)                    # {program: DatasetInfo} of the active versions
    versions.identity(session, ["kwt", ...])   # cache-key part: identities of those programs
    versions.cached(key, compute)              # compute() memoised: cachetools.LRUCache + lock
    versions.clear()                           # forget everything (tests); len(versions)
    DatasetInfo                                # id, program, version, title, sample, imported_at,
                                               # activated_at, headers, measures, columns,
                                               # identity

How a change is noticed, without guessing: the database keeps a one-row table
``store_generation`` (``counter`` plus a random ``nonce``) that triggers (SQLite or
PostgreSQL, ``generation_ddl``) bump in
the SAME transaction as any change to which version is active or to an active version's
rows (activate, rollback, place edits, direct SQL ...); the nonce also tells apart a
database file swapped in by a restore. ``infos`` reads that row with one cheap query per
call and re-reads the active datasets only when it changed, so a change made by another
process (a second server, the CLI) is seen at once. Web requests keep the app's service
in ``app.extensions["geoapp_active"]`` (``geoapp.web.db.get_active``).

Results derived from the active versions are cached under keys that contain their
``DatasetInfo.identity`` (database URL, program, id, version, file digest, import and
activation times): a new or re-activated version is a new key, never a stale hit. The web
layer creates the service once per app; the CLI and tests create their own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from cachetools import LRUCache
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from geoapp.core.programs import ColumnMap
from geoapp.store import jsonsafe
from geoapp.store.columns import dataset_columns
from geoapp.store.models import PROGRAMS, Dataset, StoreGeneration

T = TypeVar("T")
DEFAULT_MAX_ENTRIES = 400  # figures (row frames, layers), web responses, place sets

_BUMP = "UPDATE store_generation SET counter = counter + 1, nonce = lower(hex(randomblob(8)))"
_ROW_IS_ACTIVE = "(SELECT state FROM datasets WHERE id = {ref}.dataset_id) = 'active'"
_TRIGGERS = {
    "generation_dataset_insert": "AFTER INSERT ON datasets WHEN NEW.state = 'active'",
    "generation_dataset_update":
        "AFTER UPDATE ON datasets WHEN OLD.state = 'active' OR NEW.state = 'active'",
    "generation_dataset_delete": "AFTER DELETE ON datasets WHEN OLD.state = 'active'",
    "generation_row_insert":
        f"AFTER INSERT ON dataset_rows WHEN {_ROW_IS_ACTIVE.format(ref='NEW')}",
    "generation_row_update": f"AFTER UPDATE ON dataset_rows WHEN "
        f"{_ROW_IS_ACTIVE.format(ref='OLD')} OR {_ROW_IS_ACTIVE.format(ref='NEW')}",
    "generation_row_delete":
        f"AFTER DELETE ON dataset_rows WHEN {_ROW_IS_ACTIVE.format(ref='OLD')}",
}


# PostgreSQL: a trigger's WHEN may not hold a subquery, so the conditions are in the
# functions; the bump itself is the same statement with PostgreSQL's random text.
_PG_BUMP = ("UPDATE store_generation SET counter = counter + 1, "
            "nonce = substr(md5(random()::text || clock_timestamp()::text), 1, 16) WHERE id = 1")
_PG_ROW_IS_ACTIVE = "EXISTS (SELECT 1 FROM datasets WHERE id = {ref}.dataset_id AND state = 'active')"
_PG_FUNCTIONS = {
    "datasets": "(TG_OP <> 'DELETE' AND NEW.state = 'active') "
                "OR (TG_OP <> 'INSERT' AND OLD.state = 'active')",
    "dataset_rows": f"(TG_OP <> 'DELETE' AND {_PG_ROW_IS_ACTIVE.format(ref='NEW')}) "
                    f"OR (TG_OP <> 'INSERT' AND {_PG_ROW_IS_ACTIVE.format(ref='OLD')})",
}


def generation_ddl(dialect: str) -> list[str]:
    """The statements that create the generation row and its triggers on ``dialect``
    (``sqlite`` or ``postgresql``); each is idempotent."""
    if dialect == "sqlite":
        return ["INSERT OR IGNORE INTO store_generation (id, counter, nonce) "
                "VALUES (1, 0, lower(hex(randomblob(8))))"] + [
            f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN {_BUMP} WHERE id = 1; END"
            for name, when in _TRIGGERS.items()]
    if dialect != "postgresql":
        raise ValueError(f"dialect must be 'sqlite' or 'postgresql', got {dialect!r}")
    out = ["INSERT INTO store_generation (id, counter, nonce) VALUES "
           "(1, 0, substr(md5(random()::text), 1, 16)) ON CONFLICT (id) DO NOTHING"]
    for table, condition in _PG_FUNCTIONS.items():
        out += [
            f"CREATE OR REPLACE FUNCTION geoapp_generation_{table}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN IF {condition} THEN {_PG_BUMP}; END IF; "
            f"RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS generation_{table} ON {table}",
            f"CREATE TRIGGER generation_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION geoapp_generation_{table}()"]
    return out


def install_generation(engine: Engine) -> None:
    """Create the generation row and its triggers if missing (idempotent; ``init_db`` and
    the schema migrations)."""
    with engine.begin() as connection:
        for sql in generation_ddl(connection.dialect.name):
            connection.exec_driver_sql(sql)


def read_generation(session: Session) -> tuple[int, str] | None:
    """The database's (counter, nonce); None when the row is missing (not ``init_db``'d)."""
    row = session.execute(
        select(StoreGeneration.counter, StoreGeneration.nonce).where(StoreGeneration.id == 1)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


@dataclass(frozen=True)
class DatasetInfo:
    """What readers need to know about one active dataset version.

    ``identity`` tells versions apart even across database files (cache keys).
    """

    id: int
    program: str
    version: int
    title: str
    sample: bool
    imported_at: datetime | None
    activated_at: datetime | None
    headers: tuple[str, ...]
    measures: tuple[str, ...]
    columns: ColumnMap               # where each role's cells and each measure are
    identity: tuple


def dataset_info(url: str, ds: Dataset) -> DatasetInfo:
    """The ``DatasetInfo`` of a stored version of the database at ``url``."""
    identity = (url, ds.program, ds.id, ds.version, ds.source_sha256, str(ds.imported_at),
                str(ds.activated_at))
    return DatasetInfo(
        ds.id, ds.program, ds.version, ds.title, bool(ds.sample), ds.imported_at,
        ds.activated_at,
        tuple(str(h) for h in jsonsafe.loads(ds.headers_json, [])),
        tuple(str(m) for m in jsonsafe.loads(ds.measures_json, [])), dataset_columns(ds),
        identity)


def query_infos(session: Session) -> dict[str, DatasetInfo]:
    """The active version of every known program that has one (always queried)."""
    url = str(session.get_bind().url)
    stmt = select(Dataset).where(Dataset.state == "active")
    # populate_existing: a long-lived session must not describe versions from stale objects
    found = session.scalars(stmt.execution_options(populate_existing=True))
    return {ds.program: dataset_info(url, ds) for ds in found if ds.program in PROGRAMS}


class ActiveVersions:
    """The active versions of one or more databases and one bounded cache of derived results."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._items: LRUCache[Hashable, Any] = LRUCache(maxsize=max_entries)
        self._lock = threading.Lock()  # cachetools caches are not thread-safe by themselves

    def infos(self, session: Session) -> dict[str, DatasetInfo]:
        """Program -> ``DatasetInfo`` of its active version (a private dict).

        One query for the generation; the datasets are re-read only when it changed.
        """
        generation = read_generation(session)
        if generation is None:
            return query_infos(session)
        key = ("active-infos", str(session.get_bind().url), generation)
        return dict(self.cached(key, lambda: query_infos(session)))

    def identity(self, session: Session, programs: Iterable[str] | None = None) -> tuple:
        """The identities of the active versions of ``programs`` (default: all), in order;
        programs without an active version are left out."""
        infos = self.infos(session)
        chosen = sorted(infos) if programs is None else list(programs)
        return tuple(infos[p].identity for p in chosen if p in infos)

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` memoised under ``key``; the least recently used entries go first.

        Keys of results derived from datasets must contain their identities. ``compute``
        runs outside the lock: two threads missing the same key both compute it, and the
        later result is kept.
        """
        with self._lock:
            try:
                return self._items[key]       # a hit makes the entry the most recent
            except KeyError:
                pass
        value = compute()
        with self._lock:
            self._items[key] = value          # evicts the least recently used when full
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        """Forget every cached result."""
        with self._lock:
            self._items.clear()
