"""The database of a PostgreSQL instance in a backup: ``pg_dump -Fc`` and ``pg_restore``.

The dump is PostgreSQL's custom format of the whole database except extensions (PostGIS
belongs to the database server's administrator, not to the backup); it is restored with
``--clean --if-exists --single-transaction``: geoapp's tables are replaced all at once, or
(on any error) not at all. The password travels in ``PGPASSWORD``, never on a command line.
The tools come from Debian's ``postgresql-client`` (same major version as the server, or
newer); without them the backup or restore stops with a message saying what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

NO_TOOL = Msg(
    "backup.no_pg_tool",
    "The program {tool} was not found, so the PostgreSQL database {url} cannot be backed up "
    "or restored. Install the PostgreSQL client programs (Debian: apt-get install "
    "postgresql-client) with the same major version as the database server.",
)
TOOL_FAILED = Msg(
    "backup.pg_tool_failed",
    "{tool} failed for the database {url}: {reason}. Nothing was changed in the database; "
    "check that the server runs and that the user of DATABASE_URL may read and write it.",
)
NOT_GEOAPP_DUMP = Msg(
    "backup.not_geoapp_dump",
    "The database dump in {path} holds no geoapp tables (found: {found}). Use a file made by "
    "'geoapp backup' of a PostgreSQL instance.",
)
TIMEOUT_S = 6 * 3600
GEOAPP_TABLES = ("datasets", "dataset_rows", "users")


def _tool(name: str, url: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise GeoappError(NO_TOOL, 503, tool=name, url=_shown(url))
    return found


def _shown(url: str) -> str:
    from geoapp.store.engine import shown_url

    return shown_url(url)


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for ``url`` (a SQLAlchemy URL) and the environment that
    carries its password."""
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None)
    return uri.render_as_string(hide_password=False), env


def _run(tool: str, args: list[str], url: str, env: dict[str, str]) -> str:
    try:
        done = subprocess.run([_tool(tool, url), *args], env=env, capture_output=True,
                              timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GeoappError(TOOL_FAILED, 500, tool=tool, url=_shown(url), reason=str(exc)) from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        reason = " / ".join(line.strip() for line in lines[-3:])[:400]
        raise GeoappError(TOOL_FAILED, 500, tool=tool, url=_shown(url), reason=reason)
    return done.stdout.decode("utf-8", "replace")


def dump_database(url: str, target: Path) -> None:
    """Write the database at ``url`` to ``target`` with ``pg_dump -Fc`` (a consistent
    snapshot: pg_dump reads in one repeatable-read transaction, writers are not blocked)."""
    uri, env = libpq_target(url)
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges",
                     f"--file={target}", f"--dbname={uri}"], url, env)


def _contents(dump: Path, url: str) -> list[str]:
    """The dump's table of contents (``pg_restore --list``), one entry a line."""
    return _run("pg_restore", ["--list", str(dump)], url, dict(os.environ)).splitlines()


def check_dump(path: Path, dump: Path, url: str) -> None:
    """The dump is pg_restore-readable and holds geoapp's tables."""
    tables = {line.split()[-2] for line in _contents(dump, url)
              if " TABLE " in line and " TABLE DATA " not in line and not line.startswith(";")}
    if not set(GEOAPP_TABLES) <= tables:
        raise GeoappError(NOT_GEOAPP_DUMP, 400, path=str(path),
                          found=", ".join(sorted(tables))[:200] or "-")


def restore_database(url: str, dump: Path) -> None:
    """Replace geoapp's tables in the database at ``url`` by those of ``dump``, in one
    transaction (extensions such as PostGIS are left as they are)."""
    entries = [line for line in _contents(dump, url)
               if not line.startswith(";") and " EXTENSION " not in line]
    listing = dump.with_name(dump.name + ".list")
    listing.write_text("\n".join(entries) + "\n", encoding="utf-8")
    uri, env = libpq_target(url)
    try:
        _run("pg_restore", ["--clean", "--if-exists", "--single-transaction", "--no-owner",
                            "--no-privileges", "--exit-on-error", f"--use-list={listing}",
                            f"--dbname={uri}", str(dump)], url, env)
    finally:
        listing.unlink(missing_ok=True)
