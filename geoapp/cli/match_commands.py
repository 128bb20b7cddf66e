"""The record commands: ``match``, ``aggregate``, ``review`` and ``alias add``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from geoapp.cli import text as T
from geoapp.cli.common import current_lang, domain_errors, read_bytes, say
from geoapp.cli.help_text import HelpCommand, HelpGroup
from geoapp.cli.run_options import (
    WILAYAH_HELP,
    load_context,
    read_options,
    run_file,
    run_file_with_boundaries,
    with_wilayah,
)
from geoapp.cli.summary import (
    print_boundaries,
    print_columns,
    print_left_out,
    print_notes,
    print_summary,
)


@click.command(cls=HelpCommand)
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@read_options
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Output CSV: every input row, plus the match columns.")
@click.option("--report", type=click.Path(dir_okay=False), help="Write the reconciliation report as JSON.")
@domain_errors
def match(input_path: str, output: str, report: str | None, **kwargs: Any) -> None:
    """Match every row of INPUT (CSV or XLSX) to a kelurahan.

    Evidence is used in this order: kode wilayah, coordinates, name (within the kecamatan),
    alias table, fuzzy match. Rows that are not certain go to review with three suggestions.
    Exits non-zero when the input cannot be read or nothing matched; when nothing matched,
    OUTPUT and the report are still written so the review suggestions can be read.
    """
    from geoapp.imports.pipeline import nothing_matched_error, output_frame
    from geoapp.io.export import csv_safe_frame

    run, _ = run_file_with_boundaries(input_path, kwargs, allow_nothing_matched=True)
    frame = output_frame(run)
    safe = csv_safe_frame(frame)
    run.report["guarded_cells"] = guarded_cells(frame, safe)
    safe.to_csv(output, index=False, encoding="utf-8")
    if report:
        Path(report).write_text(json.dumps(run.report, ensure_ascii=False, indent=2, allow_nan=False), encoding="utf-8")
    print_boundaries(run.report["boundaries"])
    print_summary(run.report)
    say(T.WROTE, path=output)
    if report:
        say(T.WROTE, path=report)
    if run.ledger["rows"]["matched"] == 0:
        raise nothing_matched_error(run.table)


def guarded_cells(before: Any, after: Any) -> dict[str, int]:
    """Per column (original header) the number of cells the CSV formula guard changed."""
    out: dict[str, int] = {}
    for i, header in enumerate(before.columns):
        old, new = before.iloc[:, i], after.iloc[:, i]
        changed = int((old.astype(object).ne(new.astype(object)) & new.notna()).sum())
        if changed:
            key = str(header) if str(header) not in out else f"{header} (kolom {i + 1})"
            out[key] = changed
    return out


@click.command(cls=HelpCommand)
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
    print_columns(run.report)
    print_notes(run.report)
    print_left_out(run.ledger, list(measure_values(run, list(measures))))
    with_data = int(layer["jumlah_baris"].gt(0).sum())
    say(T.AGGREGATED, features=len(layer), level=level, with_data=with_data, without=len(layer) - with_data)
    say(T.WROTE, path=output)


@click.command(cls=HelpCommand)
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


@click.group(cls=HelpGroup)
def alias() -> None:
    """Manage the alias file of confirmed spellings."""


@alias.command("add")
@click.argument("name")
@click.argument("kode")
@click.option("--kecamatan", help="Only use this alias for rows of this kecamatan.")
@click.option("--aliases", default="aliases.csv", show_default=True, type=click.Path(dir_okay=False))
@click.option("--boundaries", type=click.Path(dir_okay=False))
@click.option("--wilayah", metavar="KODE", help=WILAYAH_HELP)
@with_wilayah
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


COMMANDS = (match, aggregate, review, alias)
