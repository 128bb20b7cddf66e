"""More ``geoapp`` commands: aggregate, review, alias, demo, serve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from geoapp.cli import text as T
from geoapp.cli.main import (
    current_lang,
    domain_errors,
    fmt,
    load_context,
    main,
    print_boundaries,
    read_bytes,
    read_options,
    run_file,
    run_file_with_boundaries,
    say,
)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@read_options
@click.option("--measure", "measures", multiple=True, metavar="COLUMN", help="Numeric column to sum (repeatable). Row counts are always included.")
@click.option("--population", type=click.Path(dir_okay=False), help="Population table (CSV/XLSX) per kelurahan, matched like any input; adds per-1,000-resident rates.")
@click.option("--population-col", metavar="C", help="Population column in --population (default: a header with 'penduduk'/'population').")
@click.option("--level", type=click.Choice(["kelurahan", "kecamatan"]), default="kelurahan", show_default=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="LAYER.geojson, .csv or .gpkg.")
@domain_errors
def aggregate(input_path: str, measures: tuple[str, ...], population: str | None, population_col: str | None, level: str, output: str, **kwargs: Any) -> None:
    """Match INPUT and aggregate it per kelurahan (or kecamatan) into a map layer.

    Writes counts, sums, per-km2 figures and, with --population, per-1,000-resident rates.
    Kelurahan without any matched row get null ("no data"), never zero. Rows to review
    and unmatched rows are not on the layer: the command prints how much was left out.
    """
    from geoapp.imports.pipeline import MatchOptions, run_match
    from geoapp.imports.run_layer import aggregate_run, measure_values, population_series
    from geoapp.io.boundaries import load_kecamatan
    from geoapp.io.export import write_layer

    boundaries_path = kwargs.get("boundaries")
    run, bset = run_file_with_boundaries(input_path, kwargs)
    pop = None
    if population:
        pop_run = run_match(read_bytes(population), Path(population).name, MatchOptions(lang=current_lang()), boundaries=run.gazetteer)
        pop = population_series(pop_run, population_col)
    kecamatan = None if boundaries_path or level != "kecamatan" else load_kecamatan()
    layer = aggregate_run(run, list(measures), bset.frame, population=pop, level=level, kecamatan=kecamatan)
    write_layer(layer, output, layer_name=Path(output).stem)
    print_boundaries(run.report["boundaries"])
    print_left_out(run.ledger, list(measure_values(run, list(measures))))
    with_data = int(layer["jumlah_baris"].gt(0).sum())
    say(T.AGGREGATED, features=len(layer), level=level, with_data=with_data, without=len(layer) - with_data)
    say(T.WROTE, path=output)


def print_left_out(ledger: dict[str, Any], measures: list[str]) -> None:
    """What went on the layer and what did not (review, unmatched), rows and per measure."""
    rows = ledger["rows"]
    say(T.ROWS_SUMMARY, total=rows["total"], matched=rows["matched"], review=rows["review"], unmatched=rows["unmatched"], excluded=rows["excluded"], blank=rows.get("blank_skipped", 0))
    say(T.LAYER_ROWS, matched=rows["matched"], review=rows["review"], unmatched=rows["unmatched"])
    for column in measures:
        sums = ledger["sums"][column]
        left = sums["review"] + sums["unmatched"]
        say(T.LAYER_MEASURE, column=column, placed=fmt(sums["matched"]), left=fmt(left), review=fmt(sums["review"]), unmatched=fmt(sums["unmatched"]))
    left_rows = rows["review"] + rows["unmatched"]
    if left_rows:
        say(T.LAYER_WARNING, err=True, rows=left_rows)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@read_options
@domain_errors
def review(input_path: str, **kwargs: Any) -> None:
    """Walk through INPUT's review rows and pick the right kelurahan for each spelling.

    A choice is saved to the --aliases file (and used automatically next time) only when
    the review was about the spelling: not for rows whose code or coordinates disagree,
    not for a kelurahan the name does not resemble, and an ambiguous name only within
    its kecamatan. Otherwise the command says why no alias was saved.
    """
    from geoapp.imports.decisions import rows_alias
    from geoapp.imports.review import review_groups
    from geoapp.matching.aliases import AliasStore

    aliases_path = kwargs.get("aliases") or "aliases.csv"
    kwargs["aliases"] = aliases_path
    run = run_file(input_path, kwargs)
    groups = review_groups(run)
    if not groups:
        say(T.REVIEW_NOTHING)
        return
    store = AliasStore.load(aliases_path)
    saved = 0
    for group in groups:
        choice = ask_choice(group)
        if choice is None:
            break
        if choice > 0:
            kode = group.suggestions[choice - 1].kode
            spelling, why = rows_alias(run, group.row_indexes, kode)
            if spelling is None:
                click.echo(why.text(current_lang()) if why is not None else "")
                continue
            store.add(spelling[0], kode, kecamatan=spelling[1] or None)
            saved += 1
    if saved:
        store.save()
    say(T.REVIEW_SAVED, count=saved, path=aliases_path)


def ask_choice(group: Any) -> int | None:
    """Show one review group and ask for a suggestion number (0 = none, q = stop)."""
    say(T.REVIEW_ITEM, name=group.name, kecamatan=group.kecamatan or "-", rows=group.rows, note=group.note)
    for i, s in enumerate(group.suggestions, 1):
        click.echo(f"  {i}. {s.nama} ({s.nama_kecamatan}) {s.kode}  [{s.score:.0f}]")
    allowed = ["q", "0", *[str(i) for i in range(1, len(group.suggestions) + 1)]]
    answer = click.prompt(T.REVIEW_PROMPT.text(current_lang()), type=click.Choice(allowed), show_choices=False)
    return None if answer == "q" else int(answer)


@main.group()
def alias() -> None:
    """Manage the alias file of confirmed spellings."""


@alias.command("add")
@click.argument("name")
@click.argument("kode")
@click.option("--kecamatan", help="Only use this alias for rows of this kecamatan.")
@click.option("--aliases", default="aliases.csv", show_default=True, type=click.Path(dir_okay=False))
@click.option("--boundaries", type=click.Path(dir_okay=False))
@domain_errors
def alias_add(name: str, kode: str, kecamatan: str | None, aliases: str, boundaries: str | None) -> None:
    """Record that NAME means the kelurahan with code KODE."""
    from geoapp.core.errors import GeoappError
    from geoapp.imports.pipeline import gazetteer_for, names_by_kode
    from geoapp.values.codes import normalise_kode

    frame, store = load_context(boundaries, aliases)
    names = names_by_kode(gazetteer_for(frame))
    dotted = normalise_kode(kode)
    if dotted not in names:
        raise GeoappError(T.UNKNOWN_KODE, 422, kode=kode, example=next(iter(names)))
    store.add(name, dotted, kecamatan=kecamatan)
    store.save()
    say(T.ALIAS_ADDED, name=name, kode=dotted, nama=names[dotted][0], path=aliases)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Threads per worker process.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes; more than 1 runs gunicorn (POSIX only) instead of waitress.")
@click.option("--instance", type=click.Path(file_okay=False), help="Instance folder (database, secret key, uploads, aliases). Default: ./instance or $GEOAPP_INSTANCE.")
@domain_errors
def serve(host: str, port: int, threads: int, workers: int, instance: str | None) -> None:
    """Run the planners' map with a production WSGI server (waitress, or gunicorn with --workers).

    On first start it creates the SQLite database in the instance folder, imports the
    labelled sample data and prints the planner account's password once. For development
    only, `flask --app geoapp.web run --debug` runs Flask's own server instead.
    """
    from geoapp.web.serve import serve as run_server

    run_server(host=host, port=port, threads=threads, instance=instance, workers=workers)


@main.command("settings")
def settings_command() -> None:
    """List every setting with its default, environment variable and meaning.

    Override a setting in instance/config.toml or with the environment variable.
    """
    from geoapp.core.settings import describe

    for item in describe():
        click.echo(f"{item['name']} = {item['default']!r}  (${item['env']})")
        click.echo(f"    {item['help']}")


@main.command("set-password")
@click.argument("username")
@click.option("--role", type=click.Choice(["planner", "admin"]), default="planner", show_default=True)
@click.option("--instance", type=click.Path(file_okay=False))
@click.password_option()
@domain_errors
def set_password_command(username: str, role: str, instance: str | None, password: str) -> None:
    """Create a user or change a user's password and role."""
    from geoapp.store import set_password
    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": instance} if instance else None)
    with app.app_context():
        with app.extensions["geoapp_db"]["sessions"]() as session:
            set_password(session, username, password, role)
    click.echo(f"{username} ({role}) OK")
