"""The ``geoapp`` command line. Each command's docstring is its help text."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from geoapp.cli import text as T
from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, normalise_lang
from geoapp.values.numbers import format_number

READ_ROLES = ("kelurahan", "kecamatan", "kode", "lat", "lon")
BOUNDARY_FIELDS = {
    "kode_field": "kelurahan code",
    "nama_field": "kelurahan name",
    "kecamatan_field": "kecamatan name",
    "kode_kecamatan_field": "kecamatan code",
}


class CliError(click.ClickException):
    """A GeoappError shown as one clean line in the user's language, exit code 2."""

    exit_code = 2

    def __init__(self, error: GeoappError, lang: str) -> None:
        super().__init__(error.text(lang))
        self.lang = lang

    def show(self, file: Any = None) -> None:
        click.echo(f"{T.ERROR_PREFIX.text(self.lang)}: {self.format_message()}", err=True)


def current_lang() -> str:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx else None
    return normalise_lang((obj or {}).get("lang") or os.environ.get("GEOAPP_LANG"))


def say(msg: Msg, err: bool = False, **params: object) -> None:
    click.echo(msg.text(current_lang(), **params), err=err)


def domain_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn GeoappError into a clean message and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GeoappError as error:
            raise CliError(error, current_lang()) from None

    return wrapper


def read_bytes(path: str | Path) -> bytes:
    """The CLI is the only place that turns a path into bytes; the core only sees bytes."""
    try:
        return Path(path).read_bytes()
    except OSError:
        raise GeoappError(T.FILE_NOT_FOUND, 400, path=str(path)) from None


def read_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that reads a records file."""
    options = [
        click.option("--sheet", help="XLSX sheet name (default: the first sheet with data)."),
        click.option("--header-row", type=int, help="1-based row number of the column headers."),
        *[
            click.option(f"--{role}-col", f"{role}_col", metavar="C", help=f"Column holding the {role} (header text or 1-based number).")
            for role in READ_ROLES
        ],
        click.option("--boundaries", type=click.Path(dir_okay=False), help="Boundary set (GeoJSON, GeoPackage or zipped Shapefile). Default: Kota Tangerang kelurahan."),
        click.option("--boundaries-layer", metavar="NAME", help="Layer of a --boundaries GeoPackage holding the kelurahan polygons."),
        *[
            click.option(f"--{flag.replace('_', '-')}", flag, metavar="FIELD", help=f"Boundary field holding the {what} (default: detected).")
            for flag, what in BOUNDARY_FIELDS.items()
        ],
        click.option("--aliases", type=click.Path(dir_okay=False), help="Alias file (CSV) of confirmed spellings; read, and written by 'geoapp review'."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def options_from(kwargs: dict[str, Any]) -> Any:
    from geoapp.imports.pipeline import MatchOptions

    columns = {}
    for role in READ_ROLES:
        value = kwargs.pop(f"{role}_col", None)
        if value:
            columns[role] = int(value) if value.isdigit() else value
    return MatchOptions(
        sheet=kwargs.pop("sheet", None),
        header_row=kwargs.pop("header_row", None),
        columns=columns,
        lang=current_lang(),
    )


def boundary_flags(kwargs: dict[str, Any]) -> dict[str, str]:
    """The boundary layer/field options given on the command line (popped from kwargs)."""
    flags = {flag: kwargs.pop(flag, None) for flag in BOUNDARY_FIELDS}
    flags["layer"] = kwargs.pop("boundaries_layer", None)
    return {k: v for k, v in flags.items() if v}


def load_boundary_set(boundaries: str | None, flags: dict[str, str] | None = None) -> Any:
    """The BoundarySet of --boundaries (or the default set), read with the field options."""
    from geoapp.io.boundaries import load_boundaries

    if boundaries:
        return load_boundaries(read_bytes(boundaries), filename=Path(boundaries).name, **(flags or {}))
    return load_boundaries(**(flags or {}))


def load_context(boundaries: str | None, aliases: str | None, **flags: str) -> tuple[Any, Any]:
    """The boundary frame (None = default) and the alias store for one command."""
    from geoapp.matching.aliases import AliasStore

    frame = load_boundary_set(boundaries, flags).frame if boundaries or flags else None
    return frame, AliasStore.load(aliases)


def boundaries_section(bset: Any, custom: bool) -> dict[str, Any]:
    """REPORT.json's "boundaries": the full boundary report, or source and size of the default."""
    if custom:
        return {"default": False, **bset.report.as_dict(current_lang())}
    return {"default": True, "source": bset.report.source, "feature_count": bset.report.feature_count}


def run_file_with_boundaries(path: str, kwargs: dict[str, Any], allow_nothing_matched: bool = False) -> tuple[Any, Any]:
    """Read and match one file; also return the BoundarySet used (report section added)."""
    from geoapp.imports.pipeline import run_match
    from geoapp.matching.aliases import AliasStore

    say(T.READING, err=True, path=path)
    options = options_from(kwargs)
    options.allow_nothing_matched = allow_nothing_matched
    boundaries, flags = kwargs.pop("boundaries", None), boundary_flags(kwargs)
    bset = load_boundary_set(boundaries, flags)
    custom = bool(boundaries or flags)
    aliases = AliasStore.load(kwargs.pop("aliases", None))
    with ProgressBar(T.MATCHING.text(current_lang())) as progress:
        run = run_match(read_bytes(path), Path(path).name, options, boundaries=bset.frame if custom else None, aliases=aliases, progress=progress)
    run.report["boundaries"] = boundaries_section(bset, custom)
    note_ignored_sheet(run, options.sheet)
    return run, bset


def run_file(path: str, kwargs: dict[str, Any]) -> Any:
    """Read and match one file with a progress bar on large inputs."""
    return run_file_with_boundaries(path, kwargs)[0]


def note_ignored_sheet(run: Any, sheet: str | None) -> None:
    """--sheet on a file without sheets: say so in the report's notes (printed with them)."""
    info = run.table.info
    if sheet and info.file_format != "xlsx":
        text = T.SHEET_IGNORED.text(current_lang(), sheet=sheet, filename=info.filename, format=info.file_format)
        run.report.setdefault("notes", []).append({"code": T.SHEET_IGNORED.key, "text": text})


class ProgressBar:
    """A click progress bar on stderr that only appears for large inputs."""

    MIN_ROWS = 50_000

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __enter__(self) -> ProgressBar:
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None and total >= self.MIN_ROWS:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(max(0, done - self.done))
            self.done = done

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@click.group()
@click.option("--lang", type=click.Choice(["id", "en"]), help="Interface language (default: id, or $GEOAPP_LANG).")
@click.version_option(package_name="geoapp")
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """geoapp: put Kota Tangerang program records on kelurahan maps.

    Reads messy CSV/XLSX records, matches every row to a kelurahan, proves nothing was
    lost, aggregates, exports GeoJSON/CSV/GeoPackage and serves the planners' map.
    """
    ctx.obj = {"lang": lang}


@main.command()
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


def print_boundaries(section: dict[str, Any]) -> None:
    """The key facts of a --boundaries set: source, size, CRS, repairs, fields and notes."""
    if section.get("default", True):
        return
    lang = current_lang()
    crs = section.get("crs_detected") or T.BOUNDARIES_CRS_NONE.text(lang)
    reprojected = T.BOUNDARIES_REPROJECTED.text(lang) if section.get("reprojected") else ""
    say(T.BOUNDARIES_USED, source=section["source"], driver=section["driver"], features=section["feature_count"], crs=crs, reprojected=reprojected)
    say(T.BOUNDARIES_FIELDS, fields=", ".join(f"{k}={v!r}" for k, v in section["fields"].items() if v))
    if section.get("repaired"):
        say(T.BOUNDARIES_REPAIRED, count=len(section["repaired"]), kode=", ".join(section["repaired"][:10]))
    for note in section.get("notes", []):
        click.echo(f"- {note['text']}")


def fmt(value: Any) -> str:
    return "—" if value is None else format_number(value, current_lang(), decimals=2 if isinstance(value, float) else 0)


def print_summary(report: dict[str, Any]) -> None:
    """The short human-readable summary of a match run."""
    rows = report["rows"]
    sheet = f", sheet {report['sheet']}" if report.get("sheet") else ""
    if report["format"] == "xlsx":
        say(T.READ_INFO_XLSX, format=report["format"], header_row=report["header_row"], sheet=sheet)
    else:
        say(T.READ_INFO, format=report["format"], encoding=report.get("encoding") or "-", delimiter=repr(report.get("delimiter") or "-"), header_row=report["header_row"], sheet=sheet)
    say(T.COLUMNS_USED, columns=", ".join(f"{k}={v!r}" for k, v in report["columns"].items() if v))
    say(T.ROWS_SUMMARY, total=rows["total"], matched=rows["matched"], review=rows["review"], unmatched=rows["unmatched"], excluded=rows["excluded"], blank=rows.get("blank_skipped", 0))
    if report.get("matched_by"):
        say(T.METHODS_SUMMARY, methods=", ".join(f"{k} {v}" for k, v in report["matched_by"].items()))
    for column, sums in report["sums"].items():
        print_sum(column, sums)
    for column, count in report.get("unparsed_numbers", {}).items():
        say(T.UNPARSED, count=count, column=column)
    for note in report.get("notes", []) + report.get("problems", []):
        click.echo(f"- {note['text']}")
    guarded = report.get("guarded_cells") or {}
    if guarded:
        columns = ", ".join(f"'{k}' {v}" for k, v in guarded.items())
        say(T.GUARDED_CELLS, count=sum(guarded.values()), columns=columns)
    if rows["review"]:
        say(T.REVIEW_HINT, count=rows["review"])


def print_sum(column: str, sums: dict[str, Any]) -> None:
    lang = current_lang()
    check = T.SUM_OK.text(lang) if sums["difference"] == 0 else T.SUM_DIFF.text(lang, difference=fmt(sums["difference"]))
    say(T.SUM_LINE, column=column, total=fmt(sums["total"]), matched=fmt(sums["matched"]), review=fmt(sums["review"]), unmatched=fmt(sums["unmatched"]), check=check)
    declared = sums.get("declared_total")
    if declared is not None and sums["total"] is not None:
        diff = declared - sums["total"]
        check = T.DECLARED_SAME.text(lang) if abs(diff) < 1e-6 else T.DECLARED_DIFF.text(lang, difference=fmt(diff))
        say(T.DECLARED_TOTAL, declared=fmt(declared), column=column, total=fmt(sums["total"]), check=check)
    if sums.get("declared_subtotals") is not None:
        say(T.DECLARED_SUBTOTALS, subtotals=fmt(sums["declared_subtotals"]))


@main.command("sample-data")
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option("--seed", default=2020, show_default=True, help="Random seed; the same seed writes the same files.")
@domain_errors
def sample_data(outdir: str, seed: int) -> None:
    """Write seeded SAMPLE program files (not official records) to OUTDIR.

    City totals match the published figures: 7,525 UMKM/PKL groups, 11,380 BLK
    participants, 44 KWT with 484,118 seedlings, 157 job-fair companies with 13,194
    vacancies, and an illustrative population table totalling 1,957,349.
    """
    from geoapp.sample import write_sample_data

    paths = write_sample_data(outdir, seed=seed)
    say(T.SAMPLE_WRITTEN, outdir=outdir)
    for path in paths:
        click.echo(f"  {path}")


# Importing these modules registers their commands on `main`.
from geoapp.cli import commands, ops  # noqa: E402,F401
