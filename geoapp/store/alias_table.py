"""User aliases in the database: one table (``user_aliases``) for every app server, so a
spelling confirmed on one server is used by the next match on any other.

``load_alias_store(engine)`` gives an ``AliasStore`` whose ``save`` stores its rows here
(added or replaced per spelling and kecamatan, never deleted: two servers saving at the
same time both keep their additions). ``adopt_alias_file`` brings the rows of an alias
file (the ALIASES setting, where the web app kept them before) into the table once.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from geoapp.matching.aliases import AliasRow, AliasStore, alias_key
from geoapp.store.engine import engine_sessions
from geoapp.store.shared_models import UserAlias


def alias_rows(engine: Engine) -> list[AliasRow]:
    """The stored aliases, oldest first."""
    with engine_sessions(engine)() as session:
        found = session.execute(select(UserAlias.alias, UserAlias.kecamatan, UserAlias.kode)
                                .order_by(UserAlias.id))
        return [(a, k, c) for a, k, c in found]


def load_alias_store(engine: Engine) -> AliasStore:
    """The database's aliases (and the built-in table) as an ``AliasStore`` that saves here."""
    store = AliasStore.load(None)
    store.extend(alias_rows(engine))
    store.sink = lambda rows: save_alias_rows(engine, rows)
    return store


def save_alias_rows(engine: Engine, rows: list[AliasRow], *, replace: bool = True) -> int:
    """Add the rows not stored yet; a stored row of the same spelling and kecamatan gets the
    new kode (``replace``) or stays (not ``replace``). Returns how many rows changed."""
    for _attempt in range(3):   # another server may insert the same key meanwhile
        try:
            return _save(engine, rows, replace)
        except IntegrityError:
            continue
    return _save(engine, rows, replace)


def _save(engine: Engine, rows: list[AliasRow], replace: bool) -> int:
    changed = 0
    with engine_sessions(engine)() as session:
        for alias, kecamatan, kode in rows:
            name_key, kec_key = (k[:200] for k in alias_key(alias, kecamatan))
            stored = session.scalar(select(UserAlias).where(
                UserAlias.alias_key == name_key, UserAlias.kecamatan_key == kec_key))
            if stored is None:
                session.add(UserAlias(alias=alias, kecamatan=kecamatan or "", kode=kode,
                                      alias_key=name_key, kecamatan_key=kec_key))
                session.flush()
                changed += 1
            elif replace and (stored.alias, stored.kecamatan, stored.kode) != (alias, kecamatan, kode):
                stored.alias, stored.kecamatan, stored.kode = alias, kecamatan or "", kode
                changed += 1
        session.commit()
    return changed


def adopt_alias_file(engine: Engine, path: str | Path | None) -> int:
    """Store the rows of an alias file the table does not hold yet (the table wins where
    both have a spelling); a missing file adds nothing. Returns how many were added."""
    if not path or not Path(path).is_file():
        return 0
    return save_alias_rows(engine, AliasStore.load(path).rows, replace=False)
