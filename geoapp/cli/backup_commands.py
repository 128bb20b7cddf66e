"""The operations commands: ``geoapp backup`` and ``geoapp restore``."""

from __future__ import annotations

from pathlib import Path

import click

from geoapp.cli.common import domain_errors, say
from geoapp.cli.help_text import HelpCommand
from geoapp.core.i18n import Msg

BACKUP_DONE = Msg(
    "ops.backup_done",
    "Backup of the instance {instance} written to {archive} ({count} files, {size} bytes).",
)
RESTORE_DONE = Msg(
    "ops.restore_done",
    "Instance {instance} restored from {archive} ({count} files).",
)
BACKUP_SKIPPED = Msg(
    "ops.backup_skipped",
    "{count} files were left out because they disappeared while the backup ran (an upload "
    "was discarded or confirmed meanwhile): {names}. The backup is complete without them.",
)
PREVIOUS_KEPT = Msg("ops.previous_kept", "The previous instance was kept in {path}.")
RESTART_HINT = Msg(
    "ops.restart_hint",
    "Restart the geoapp server so that it uses the restored data.",
)

INSTANCE_HELP = "Instance folder (database, secret key, uploads, aliases). Default: ./instance or $GEOAPP_INSTANCE."


def resolve_instance(instance: str | None) -> Path:
    """The instance folder the same way the web app chooses it."""
    from geoapp.core.resources import instance_dir

    return instance_dir({"INSTANCE_PATH": instance} if instance else None)


@click.command("backup", cls=HelpCommand)
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--instance", type=click.Path(file_okay=False), help=INSTANCE_HELP)
@domain_errors
def backup_command(out: str, instance: str | None) -> None:
    """Write the whole instance to the ZIP file OUT.

    Includes the database (a consistent snapshot, safe while the server runs; on
    PostgreSQL a pg_dump file), the alias file, uploads awaiting review, config.toml and
    the secret key. Keep OUT private: the secret key and the password hashes are inside.
    """
    from geoapp.store.backup import backup_instance

    info = backup_instance(resolve_instance(instance), out)
    say(BACKUP_DONE, instance=info.instance, archive=info.archive, count=len(info.members),
        size=sum(info.members.values()))
    if info.skipped:
        say(BACKUP_SKIPPED, count=len(info.skipped), names=", ".join(info.skipped))


@click.command("restore", cls=HelpCommand)
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option("--instance", type=click.Path(file_okay=False), help=INSTANCE_HELP)
@click.option("--force", is_flag=True, help="Restore even while a server runs on the instance (restart it afterwards).")
@domain_errors
def restore_command(archive: str, instance: str | None, force: bool) -> None:
    """Replace the instance by the content of ARCHIVE (made by 'geoapp backup').

    The archive is checked first (only expected file names, size limits, checksums,
    database integrity); the previous instance is kept next to it as a .bak folder (on
    PostgreSQL with a pg_dump file of the replaced database).
    """
    from geoapp.store.backup import restore_instance

    info = restore_instance(archive, resolve_instance(instance), force=force)
    say(RESTORE_DONE, instance=info.instance, archive=info.archive, count=len(info.members))
    if info.previous:
        say(PREVIOUS_KEPT, path=info.previous)
    say(RESTART_HINT)


COMMANDS = (backup_command, restore_command)
