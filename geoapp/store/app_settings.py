"""Values the app makes once and every app server of one database reads: the generated
secret key (when the SECRET_KEY setting is empty) and the working area the instance was
last served with (``geoapp import`` without --wilayah matches against it)."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from geoapp.store.engine import engine_sessions
from geoapp.store.shared_models import AppSetting

SECRET_KEY = "secret_key"
WILAYAH = "wilayah"


def stored_value(engine: Engine, name: str) -> str | None:
    """The stored value of ``name``, or None."""
    with engine_sessions(engine)() as session:
        return session.scalar(select(AppSetting.value).where(AppSetting.name == name))


def value_made_once(engine: Engine, name: str, make) -> str:
    """The stored value of ``name``; the first caller stores ``make()`` (the first write
    wins when several servers start together)."""
    found = stored_value(engine, name)
    if found is not None:
        return found
    with engine_sessions(engine)() as session:
        session.add(AppSetting(name=name, value=make()))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
    return stored_value(engine, name) or ""


def shared_secret(engine: Engine) -> str:
    """The database's secret key (64 hex digits), generated on first use."""
    return value_made_once(engine, SECRET_KEY, lambda: secrets.token_hex(32))


def recorded_wilayah(engine: Engine) -> str | None:
    """The working area (``36.74``, ``36``, ``ID``, ``36.71``) the instance's server last
    started with; None for an instance never served with one."""
    return stored_value(engine, WILAYAH) or None


def record_wilayah(engine: Engine, code: str) -> None:
    """Remember ``code`` as the instance's working area (the last server start wins)."""
    with engine_sessions(engine)() as session:
        found = session.get(AppSetting, WILAYAH)
        if found is None:
            session.add(AppSetting(name=WILAYAH, value=code))
        elif found.value == code:
            return
        else:
            found.value = code
        try:
            session.commit()
        except IntegrityError:          # another server recorded it at the same moment
            session.rollback()
            found = session.get(AppSetting, WILAYAH)
            if found is not None and found.value != code:
                found.value = code
                session.commit()
