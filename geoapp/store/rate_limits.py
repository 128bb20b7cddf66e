"""Rate-limit counters in the database: a storage for the ``limits`` library (what
Flask-Limiter counts with), so every app server of one database counts one budget.

``SQLStorage`` registers the scheme ``geoapp+sql://`` with ``limits``; the engine comes as
the ``engine`` storage option (the web app passes its own). It supports the fixed-window
strategy (Flask-Limiter's default, the one geoapp uses): one row per key and window with
its count and the window's end; rows of ended windows are deleted as new ones start.
"""

from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import Engine, case, delete, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from geoapp.store.engine import engine_sessions
from geoapp.store.shared_models import RateCounter

SCHEME = "geoapp+sql"
MAX_KEY = 255


class SQLStorage(Storage):
    """Fixed-window counters in the ``rate_counters`` table of ``engine``."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 engine: Engine | None = None, **options) -> None:
        if engine is None:
            raise ValueError(f"{SCHEME}:// needs the engine storage option; received none")
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the key's window (a new window of ``expiry`` seconds when
        none is running); return the window's count."""
        key = key[:MAX_KEY]
        for _attempt in range(3):
            try:
                return self._incr(key, float(expiry), amount, time.time())
            except IntegrityError:   # another server started the window meanwhile
                continue
        return self._incr(key, float(expiry), amount, time.time())

    def _incr(self, key: str, expiry: float, amount: int, now: float) -> int:
        with engine_sessions(self.engine)() as session:
            running = RateCounter.expires > now
            done = session.execute(update(RateCounter).where(RateCounter.key == key).values(
                count=_case(running, RateCounter.count + amount, amount),
                expires=_case(running, RateCounter.expires, now + expiry))).rowcount
            if not done:
                session.execute(delete(RateCounter).where(RateCounter.expires <= now))
                session.add(RateCounter(key=key, count=amount, expires=now + expiry))
                session.flush()
            count = session.scalar(select(RateCounter.count).where(RateCounter.key == key))
            session.commit()
        return int(count or 0)

    def get(self, key: str) -> int:
        with engine_sessions(self.engine)() as session:
            count = session.scalar(select(RateCounter.count).where(
                RateCounter.key == key[:MAX_KEY], RateCounter.expires > time.time()))
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with engine_sessions(self.engine)() as session:
            expires = session.scalar(select(RateCounter.expires).where(
                RateCounter.key == key[:MAX_KEY], RateCounter.expires > now))
        return float(expires) if expires is not None else now

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with engine_sessions(self.engine)() as session:
            removed = session.execute(delete(RateCounter)).rowcount
            session.commit()
        return int(removed or 0)

    def clear(self, key: str) -> None:
        with engine_sessions(self.engine)() as session:
            session.execute(delete(RateCounter).where(RateCounter.key == key[:MAX_KEY]))
            session.commit()


def _case(condition, then, otherwise):
    return case((condition, then), else_=otherwise)
