"""The database commands: ``geoapp db upgrade``."""

from __future__ import annotations

import click

from geoapp.cli.common import current_lang, domain_errors, say
from geoapp.cli.help_text import HelpCommand, HelpGroup
from geoapp.core.i18n import Msg

UPGRADED = Msg("db.upgraded", "Database {url}: schema upgraded from {before} to revision {after}.")
UP_TO_DATE = Msg("db.up_to_date", "Database {url}: schema already at the newest revision {after}.")
EMPTY = Msg("db.empty", "none (new database)")


@click.group("db", cls=HelpGroup)
def db_group() -> None:
    """Create or upgrade the database schema (SQLite or PostgreSQL)."""


@db_group.command("upgrade", cls=HelpCommand)
@click.option("--instance", type=click.Path(file_okay=False), help="Instance folder (database, secret key, uploads, aliases). Default: ./instance or $GEOAPP_INSTANCE.")
@domain_errors
def upgrade_command(instance: str | None) -> None:
    """Bring the database of DATABASE_URL (default: the instance's SQLite file) to the
    newest schema revision.

    Run it before starting the app servers on a new or upgraded PostgreSQL database (the
    app also runs it when it starts); the app creates and completes a SQLite database by
    itself. Safe to run again.
    """
    from geoapp.core.resources import instance_dir
    from geoapp.core.settings import load_settings
    from geoapp.store.engine import database_url, shown_url, upgrade_url

    folder = instance_dir({"INSTANCE_PATH": instance} if instance else None)
    url = database_url(load_settings(folder))
    before, after = upgrade_url(url)
    if before == after:
        say(UP_TO_DATE, url=shown_url(url), after=after)
    else:
        say(UPGRADED, url=shown_url(url), after=after,
            before=before or EMPTY.text(current_lang()))


COMMANDS = (db_group,)
