"""PostGIS: spatial work in the database when it is PostgreSQL with PostGIS.

``enabled(engine)`` is the one dialect check: PostgreSQL, the PostGIS ``geometry`` type
reachable and the ``gis_*`` tables of migration 0004 present. Everything else in this
package is used only behind it; on SQLite (or PostgreSQL without PostGIS) the Python
paths run as before.
"""

from __future__ import annotations

import weakref

from sqlalchemy import Engine

_ENABLED: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def has_postgis(connection) -> bool:
    """True when the connection's database has the PostGIS ``geometry`` type."""
    if connection.dialect.name != "postgresql":
        return False
    return connection.exec_driver_sql("SELECT to_regtype('geometry') IS NOT NULL").scalar()


def enabled(engine: Engine) -> bool:
    """True when spatial work goes to PostGIS for ``engine`` (checked once per engine)."""
    if engine.dialect.name != "postgresql":
        return False
    if engine not in _ENABLED:
        with engine.connect() as connection:
            _ENABLED[engine] = bool(has_postgis(connection)) and bool(
                connection.exec_driver_sql(
                    "SELECT to_regclass('gis_boundaries') IS NOT NULL").scalar())
    return _ENABLED[engine]
