"""New SQLite files start as a copy of one migrated empty database.

Running every migration for each new SQLite file costs tens of milliseconds, which a test
suite making hundreds of apps feels. So the first new file of a process is made by the
migrations on a private temporary file (the template, kept as bytes per head revision),
and each new file after it is a copy of those bytes: the same schema, made by the same
migrations. The copy is linked into place only when no file is there (``os.link`` fails
when one is), so a file another process is creating or using is never overwritten.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine

_TEMPLATES: dict[str, bytes] = {}


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite engine, or None (another dialect, or an in-memory database)."""
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database or ""
    return None if name in ("", ":memory:") or name.startswith("file:") else Path(name)


def _template(head: str, migrate: Callable[[Engine], object]) -> bytes:
    if head not in _TEMPLATES:
        with tempfile.TemporaryDirectory(prefix="geoapp-template-") as folder:
            path = Path(folder) / "template.sqlite3"
            engine = create_engine(f"sqlite:///{path}")
            try:
                migrate(engine)
            finally:
                engine.dispose()
            with sqlite3.connect(path) as connection:   # everything into the main file
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _TEMPLATES[head] = path.read_bytes()
    return _TEMPLATES[head]


def create_from_template(engine: Engine, head: str, migrate: Callable[[Engine], object]) -> bool:
    """Make ``engine``'s SQLite file a copy of the migrated template when no file exists;
    True when it did. ``migrate`` makes the template once per head revision."""
    path = sqlite_path(engine)
    if path is None or path.exists():
        return False
    data = _template(head, migrate)
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{secrets.token_hex(4)}.new")
    try:
        staged.write_bytes(data)
        os.link(staged, path)          # fails if the file appeared meanwhile: migrate it then
    except FileExistsError:
        return False
    finally:
        staged.unlink(missing_ok=True)
    return True
