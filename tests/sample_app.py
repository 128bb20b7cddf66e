"""Apps and store sessions backed by the seeded sample data, imported ONCE per test session.

The first call of ``template_instance`` builds an instance folder (SQLite database with all
seven sample datasets imported and active) under pytest's base temp folder. Tests that change
data get their own copy (``copy_instance``), so the template stays pristine.

On PostgreSQL (``GEOAPP_TEST_DATABASE=postgres``, tests/postgres.py) the template also has a
database, imported once per session; ``copy_instance`` turns the test's own database into a
copy of it (or, with ``database=``, a new one for a session-wide app).

Usage from any test module (``tests/`` is on ``sys.path`` through tests/conftest.py)::

    from sample_app import sample_sessions          # core tests: a sessionmaker on a copy
    # web tests: the ``sample_app`` / ``sample_client`` fixtures of tests/web/conftest.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import postgres
import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from geoapp.imports.staging import import_sample_data
from geoapp.sample import write_sample_data
from geoapp.store import create_engine_for, init_db, session_factory
from geoapp.web import create_app

DB_NAME = "geoapp.sqlite3"
_TEMPLATE: dict[str, Path | str] = {}
_COPIES: dict[Path, str] = {}   # instance folder -> its PostgreSQL database


def app_config(instance: Path, **overrides: object) -> dict[str, object]:
    """create_app settings for a test instance: no bootstrap, database inside it."""
    return {"INSTANCE_PATH": str(instance), "DATABASE": str(instance / DB_NAME),
            "TESTING": True, "LOAD_SAMPLE_DATA": False, "CREATE_DEFAULT_PLANNER": False,
            **overrides}


def build_template(base: Path) -> Path:
    """Write the sample files and import them into a fresh instance folder under ``base``."""
    instance = base / "instance"
    write_sample_data(base / "sample")
    target: str | Path = instance / DB_NAME
    if postgres.on_postgres():
        instance.mkdir(parents=True)
        target = _TEMPLATE["url"] = postgres.databases().create()
    engine = create_engine_for(target)
    try:
        init_db(engine)
        with Session(engine) as session:
            import_sample_data(session, base / "sample")
    finally:
        engine.dispose()  # closes connections, so SQLite folds the WAL into the file
    return instance


def template_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared sample-data instance (built on first use; do not modify it)."""
    if "path" not in _TEMPLATE:
        _TEMPLATE["path"] = build_template(tmp_path_factory.mktemp("sample_template"))
    return _TEMPLATE["path"]


def copy_instance(template: Path, dest: Path, new_database: bool = False) -> Path:
    """A private copy of an instance folder (database included) at ``dest``.

    On PostgreSQL the sample database is copied into a new database whose URL ``make_app``
    then uses (``database_of``); it also becomes the test's GEOAPP_DATABASE_URL (CLI runs
    and subprocess servers use it) and is dropped after the test, unless ``new_database``
    (a session-wide copy, dropped at the end of the session)."""
    shutil.copytree(template, dest)
    if postgres.on_postgres():
        url = postgres.databases().create(_TEMPLATE["url"])
        if not new_database:   # tests/conftest.py restores the variable and drops the copy
            os.environ["GEOAPP_DATABASE_URL"] = url
            postgres.TEST_DATABASES.append(url)
        _COPIES[dest] = url
    return dest


def database_of(instance: Path) -> str | Path:
    """The database of an instance made by ``copy_instance``: its SQLite file, or on
    PostgreSQL its database URL."""
    return _COPIES.get(instance, instance / DB_NAME)


def make_app(instance: Path, **overrides: object) -> Flask:
    """The Flask app on an instance folder (call ``dispose_app`` when done)."""
    if instance in _COPIES:
        overrides.setdefault("DATABASE_URL", _COPIES[instance])
    return create_app(app_config(instance, **overrides))


def dispose_app(app: Flask) -> None:
    app.extensions["geoapp_db"]["engine"].dispose()


def open_sessions(instance: Path) -> sessionmaker[Session]:
    """A sessionmaker on an instance folder's database (no Flask)."""
    engine = create_engine_for(database_of(instance))
    init_db(engine)
    return session_factory(engine)


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory):
    """Path of the shared, read-only sample-data instance folder."""
    return template_instance(tmp_path_factory)


@pytest.fixture
def sample_sessions(sample_template, tmp_path):
    """A sessionmaker on a private copy of the sample database (free to modify)."""
    factory = open_sessions(copy_instance(sample_template, tmp_path / "instance"))
    yield factory
    factory.kw["bind"].dispose()


def private_app(template: Path, folder: Path, monkeypatch):
    """Yield a sample-data app on a private copy of the template instance, then dispose it."""
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE", "GEOAPP_MAX_CONTENT_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(copy_instance(template, folder))
    yield app
    dispose_app(app)
