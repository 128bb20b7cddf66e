"""``geoapp import``: a records file of any size into the instance as a new active version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from geoapp.cli import text as T
from geoapp.cli.common import current_lang, domain_errors, read_bytes, say
from geoapp.cli.help_text import HelpCommand
from geoapp.cli.run_options import WILAYAH_HELP, ProgressBar, column_options, options_from
from geoapp.cli.server_commands import cli_actor
from geoapp.cli.summary import print_summary
from geoapp.core.programs import PROGRAMS


def _with_column_options(func: Any) -> Any:
    for option in reversed(column_options()):
        func = option(func)
    return func


@click.command("import", cls=HelpCommand)
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@click.option("--program", required=True, type=click.Choice(list(PROGRAMS)), help="The program the data belongs to.")
@click.option("--title", help="Title of the new version (default: the file name).")
@click.option("--wilayah", metavar="KODE", help=WILAYAH_HELP)
@click.option("--instance", type=click.Path(file_okay=False), help="Instance folder (database, secret key, uploads, aliases). Default: ./instance or $GEOAPP_INSTANCE.")
@_with_column_options
@domain_errors
def import_command(input_path: str, program: str, title: str | None, wilayah: str | None,
                   instance: str | None, **kwargs: Any) -> None:
    """Import INPUT (CSV or XLSX, any size) as the new active version of a program.

    For files beyond the upload page's limits. The same rules as the upload page: every row
    is matched to a kelurahan of the instance's working area (WILAYAH, or --wilayah) and
    accounted for in the ledger; rows to review and unmatched rows are stored with their
    reason; a file in which nothing matched is refused; if anything fails, the previous
    version stays active. Progress goes to stderr. MAX_ROWS does not apply; MAX_COLUMNS does.
    """
    from geoapp.imports.pipeline import run_match
    from geoapp.imports.staging import sha256, stage_and_activate, version_of_run
    from geoapp.imports.upload.confirm import STORED, SUPERSEDED
    from geoapp.matching.aliases import AliasStore
    from geoapp.store.lifecycle import superseding_version
    from geoapp.web import create_app

    config: dict[str, Any] = {"INSTANCE_PATH": instance} if instance else {}
    if wilayah:
        config["WILAYAH"] = wilayah
    app = create_app(config or None)
    options = options_from(kwargs)
    options.lang = "id"                      # stored notes are Indonesian, as on the upload page
    options.max_columns = app.config.get("MAX_COLUMNS") or None
    data, name = read_bytes(input_path), Path(input_path).name
    with app.app_context():                  # the instance's working area is the default set
        say(T.READING, err=True, path=input_path)
        aliases = AliasStore.load(app.config.get("ALIASES") or None)
        with ProgressBar(T.MATCHING.text(current_lang())) as progress:
            run = run_match(data, name, options, aliases=aliases, progress=progress)
        print_summary(run.report)
        say(T.IMPORT_STORING, err=True, rows=len(run.table))
        version = version_of_run(run, program=program, title=title or name,
                                 source_sha256=sha256(data), source_name=name, user=cli_actor())
        with app.extensions["geoapp_db"]["sessions"]() as session:
            dataset = stage_and_activate(session, version)
            newer = superseding_version(session, dataset)
            if newer is None:
                say(STORED, title=dataset.title, version=dataset.version)
            else:
                say(SUPERSEDED, title=dataset.title, version=dataset.version,
                    newer=newer.version, newer_by=newer.imported_by or "-")
    app.extensions["geoapp_db"]["engine"].dispose()


COMMANDS = (import_command,)
