"""``geoapp import``: store a program file in an instance, saying first what it adds,
replaces and keeps (an import replaces only the years it holds)."""

from __future__ import annotations

from pathlib import Path

import click

from geoapp.cli.common import current_lang, domain_errors, read_bytes
from geoapp.cli.help_text import HelpCommand
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS

DRY_RUN = Msg("cli.import_dry_run", "Dry run: nothing was stored.")
NOT_STORED = Msg("cli.import_not_stored", "Nothing was stored.")
ASK = Msg("cli.import_ask", "Store this as the new active version?")
STORED = Msg("cli.import_active", "Stored as version {version} of {program}; it is now active.")
SUPERSEDED = Msg("cli.import_superseded",
                 "Stored as version {version} of {program} but NOT activated: a newer version "
                 "was stored meanwhile and stays active.")
ROWS = Msg("cli.import_rows",
           "{rows} rows: {matched} matched, {review} to review, {unmatched} unmatched, "
           "{excluded} excluded (review rows are stored but not mapped; use the web upload "
           "to review them).")


def _store(program: str, data: bytes, name: str, title: str, year: str | None,
           yes: bool, dry_run: bool) -> None:
    """Match, say the plan, then (when confirmed) stage and activate; in an app context."""
    from flask import current_app

    from geoapp.cli.server_commands import cli_actor
    from geoapp.imports.history import applied_text, plan_texts, run_years
    from geoapp.imports.staging import (
        ImportRequest,
        match_import,
        request_version,
        stage_and_activate,
    )
    from geoapp.matching.aliases import AliasStore
    from geoapp.store import details

    lang = current_lang()
    request = ImportRequest(program=program, data=data, filename=name, title=title,
                            user=cli_actor(), year=year)
    run = match_import(request, aliases=AliasStore.load(current_app.config.get("ALIASES") or None))
    click.echo(ROWS.text(lang, **run.ledger["rows"]))
    with current_app.extensions["geoapp_db"]["sessions"]() as session:
        years = run_years(program, run.table, year, run.result.status)
        plan = plan_texts(session, program, years, lang)
        click.echo(plan["text"])
        if plan["warning"]:
            click.echo(plan["warning"])
        if dry_run:
            click.echo(DRY_RUN.text(lang))
            return
        if not yes and not click.confirm(ASK.text(lang), default=False):
            click.echo(NOT_STORED.text(lang))
            return
        dataset = stage_and_activate(session, request_version(request, run))
        said = STORED if dataset.state == "active" else SUPERSEDED
        click.echo(said.text(lang, version=dataset.version, program=program))
        click.echo(applied_text(details(dataset)["report"].get("years"), lang))


@click.command("import", cls=HelpCommand)
@click.argument("program", type=click.Choice(list(PROGRAMS)))
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--title", help="Title of the new version. Default: the file name.")
@click.option("--year", help="Year of rows without a year (a file without a Tahun column). Default: a year in the file name, else this year.")
@click.option("--instance", type=click.Path(file_okay=False), help="Instance folder (database, secret key, uploads, aliases). Default: ./instance or $GEOAPP_INSTANCE.")
@click.option("--dry-run", is_flag=True, help="Only say what the import would add, replace and keep.")
@click.option("--yes", is_flag=True, help="Store without asking.")
@domain_errors
def import_command(program: str, path: str, title: str | None, year: str | None,
                   instance: str | None, dry_run: bool, yes: bool) -> None:
    """Store PATH as the new active version of PROGRAM in the instance.

    First says which years the file adds, which it replaces and which it keeps: an
    import replaces only the years it holds, and the other years stay. Rows are matched
    as by geoapp match; review rows are stored unmapped (review them with the web
    upload). Rolling back the new version restores the previous one exactly.
    """
    from geoapp.imports.history import default_year
    from geoapp.store.years import check_year
    from geoapp.web import create_app

    data = read_bytes(path)
    name = Path(path).name
    year = check_year(year) or default_year(name)
    app = create_app({"INSTANCE_PATH": instance} if instance else None)
    with app.app_context():
        _store(program, data, name, title or name, year, yes, dry_run)


COMMANDS = (import_command,)
