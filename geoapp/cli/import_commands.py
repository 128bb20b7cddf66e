"""``geoapp import``: a records file of any size into the instance as a new version.

It says first what the file adds, replaces and keeps (an import replaces only the years it
holds), then stores it with the upload page's rules (ledger, all or nothing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from geoapp.cli import text as T
from geoapp.cli.common import current_lang, domain_errors, read_bytes, say
from geoapp.cli.help_text import HelpCommand
from geoapp.cli.run_options import (
    WILAYAH_HELP,
    ProgressBar,
    area_label,
    column_options,
    options_from,
    say_working_area,
)
from geoapp.cli.server_commands import cli_actor
from geoapp.cli.summary import print_summary
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS

DRY_RUN = Msg("cli.import_dry_run", "Dry run: nothing was stored.")
NOT_STORED = Msg("cli.import_not_stored", "Nothing was stored.")
ASK = Msg("cli.import_ask", "Store this as the new active version?")


def _with_column_options(func: Any) -> Any:
    for option in reversed(column_options()):
        func = option(func)
    return func


def _match(app: Any, data: bytes, name: str, input_path: str, kwargs: dict) -> Any:
    """Read and match the file against the instance's working area, with progress."""
    from geoapp.imports.pipeline import run_match
    from geoapp.store.alias_table import load_alias_store
    from geoapp.web.boundary_set import boundary_files

    options = options_from(kwargs)
    options.lang = "id"                      # stored notes are Indonesian, as on the upload page
    options.max_columns = app.config.get("MAX_COLUMNS") or None
    say(T.READING, err=True, path=input_path)
    say_working_area(boundary_files(app))
    aliases = load_alias_store(app.extensions["geoapp_db"]["engine"])   # the web app's aliases
    with ProgressBar(T.MATCHING.text(current_lang())) as progress:
        run = run_match(data, name, options, aliases=aliases, progress=progress)
    print_summary(run.report, review_hint=None)   # 'geoapp review' changes no instance
    return run


def instance_area(app: Any, wilayah: str | None) -> None:
    """Match against the working area the instance recorded (its server's WILAYAH): used
    without --wilayah; a different --wilayah is refused. An instance without a recorded
    area, or with a BOUNDARIES file, keeps its settings (default: Kota Tangerang)."""
    from geoapp.core.errors import GeoappError
    from geoapp.io.boundaries.national import normalise_wilayah
    from geoapp.store.app_settings import recorded_wilayah
    from geoapp.web.boundary_set import boundary_files, use_wilayah

    recorded = recorded_wilayah(app.extensions["geoapp_db"]["engine"])
    if not recorded or app.config.get("BOUNDARIES"):
        return
    if wilayah:
        given = normalise_wilayah(wilayah)
        if given != recorded:
            app.extensions["geoapp_db"]["engine"].dispose()
            raise GeoappError(T.IMPORT_OTHER_AREA, 409, recorded=recorded, given=given,
                              recorded_name=area_label(recorded), given_name=area_label(given))
    elif boundary_files(app).area != recorded:
        use_wilayah(app, recorded)


def _say_plan(session: Any, program: str, run: Any, year: str) -> None:
    from geoapp.imports.history import plan_texts, run_years

    years = run_years(program, run.table, year, run.result.status)
    plan = plan_texts(session, program, years, current_lang())
    click.echo(plan["text"])
    if plan["warning"]:
        click.echo(plan["warning"])


def _store(session: Any, run: Any, program: str, title: str, year: str,
           data: bytes, name: str) -> None:
    from geoapp.imports.history import applied_text
    from geoapp.imports.staging import sha256, stage_and_activate, version_of_run
    from geoapp.imports.upload.confirm import STORED, SUPERSEDED
    from geoapp.store import details
    from geoapp.store.lifecycle import superseding_version

    label = T.IMPORT_STORING.text(current_lang(), rows=len(run.table))
    if len(run.table) < ProgressBar.MIN_ROWS:    # else the bar shows the label
        click.echo(label, err=True)
    version = version_of_run(run, program=program, title=title, source_sha256=sha256(data),
                             source_name=name, user=cli_actor(), year=year)
    with ProgressBar(label) as progress:
        dataset = stage_and_activate(session, version, progress)
    newer = superseding_version(session, dataset)
    if newer is None:
        say(STORED, title=dataset.title, version=dataset.version)
        click.echo(applied_text(details(dataset)["report"].get("years"), current_lang()))
        _say_finish_hint(run.ledger["rows"])
    else:
        say(SUPERSEDED, title=dataset.title, version=dataset.version,
            newer=newer.version, newer_by=newer.imported_by or "-")


def _say_finish_hint(rows: dict[str, int]) -> None:
    """Where to finish the rows left to review or unmatched: the browser's reopen button
    (only the active version can be reopened)."""
    left = rows["review"] + rows["unmatched"]
    if left:
        say(T.IMPORT_FINISH_HINT, count=left)


@click.command("import", cls=HelpCommand)
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@click.option("--program", required=True, type=click.Choice(list(PROGRAMS)), help="The program the data belongs to.")
@click.option("--title", help="Title of the new version (default: the file name).")
@click.option("--year", help="Year of rows without a year (a file without a Tahun column). Default: a year in the file name, else this year.")
@click.option("--wilayah", metavar="KODE", help=WILAYAH_HELP)
@click.option("--instance", type=click.Path(file_okay=False), help="Instance folder (database, secret key, uploads, aliases). Default: ./instance or $GEOAPP_INSTANCE.")
@click.option("--dry-run", is_flag=True, help="Only say what the import would add, replace and keep.")
@click.option("--yes", is_flag=True, help="Store without asking.")
@_with_column_options
@domain_errors
def import_command(input_path: str, program: str, title: str | None, year: str | None,
                   wilayah: str | None, instance: str | None, dry_run: bool, yes: bool,
                   **kwargs: Any) -> None:
    """Import INPUT (CSV or XLSX, any size) as the new active version of a program.

    For files beyond the upload page's limits. First says which years the file adds,
    which it replaces and which it keeps: an import replaces only the years it holds, and
    the other years stay. The same rules as the upload page: every row is matched to a
    kelurahan of the instance's working area (the one its server was last started with,
    else WILAYAH; --wilayah must name the same area) and accounted for in the ledger;
    rows to review and unmatched rows are stored with their reason (finish
    them in the browser: Data → Stored versions, 'Fix unmatched rows'); a file in which
    nothing matched is refused; if anything fails, the previous version stays active.
    Progress goes to stderr. MAX_ROWS does not apply; MAX_COLUMNS does.
    """
    from geoapp.imports.history import default_year
    from geoapp.store.years import check_year
    from geoapp.web import create_app

    data, name = read_bytes(input_path), Path(input_path).name
    year = check_year(year) or default_year(name)
    config: dict[str, Any] = {"INSTANCE_PATH": instance} if instance else {}
    if wilayah:
        config["WILAYAH"] = wilayah
    app = create_app(config or None)
    instance_area(app, wilayah)
    with app.app_context():                  # the instance's working area is the default set
        run = _match(app, data, name, input_path, kwargs)
        with app.extensions["geoapp_db"]["sessions"]() as session:
            _say_plan(session, program, run, year)
            if dry_run:
                say(DRY_RUN)
            elif not yes and not click.confirm(ASK.text(current_lang()), default=False):
                say(NOT_STORED)
            else:
                _store(session, run, program, title or name, year, data, name)
    app.extensions["geoapp_db"]["engine"].dispose()


COMMANDS = (import_command,)
