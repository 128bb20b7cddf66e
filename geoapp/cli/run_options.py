"""Reading options shared by the commands that match a records file, and the match run."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from geoapp.cli import text as T
from geoapp.cli.common import IntParam, clean_errors, current_lang, read_bytes, say
from geoapp.values.integers import ascii_int

WILAYAH_HELP = "Working area from the national boundaries shipped with geoapp: a kabupaten/kota (36.74), a province (36) or ID for the whole country. Default: the WILAYAH setting (36.71, Kota Tangerang). --boundaries overrides it."
READ_ROLES = ("kelurahan", "kecamatan", "kode", "lat", "lon", "kabupaten", "provinsi")
BOUNDARY_FIELDS = {
    "kode_field": "kelurahan code",
    "nama_field": "kelurahan name",
    "kecamatan_field": "kecamatan name",
    "kode_kecamatan_field": "kecamatan code",
}


def column_options() -> list[Callable[..., Any]]:
    """The sheet, header-row and column options of every command that reads a records file."""
    return [
        click.option("--sheet", help="XLSX sheet name (default: the first sheet with data)."),
        click.option("--header-row", type=IntParam(1, 9_999_999), help="1-based row number of the column headers."),
        *[
            click.option(f"--{role}-col", f"{role}_col", metavar="C", help=f"Column holding the {role} (header text or 1-based number).")
            for role in READ_ROLES
        ],
    ]


def read_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that reads a records file."""
    options = [
        *column_options(),
        click.option("--wilayah", metavar="KODE", help=WILAYAH_HELP),
        click.option("--boundaries", type=click.Path(dir_okay=False), help="Boundary set (GeoJSON, GeoPackage, zipped Shapefile, GeoParquet or FlatGeobuf). Default: the --wilayah area (Kota Tangerang kelurahan)."),
        click.option("--boundaries-layer", metavar="NAME", help="Layer of a --boundaries GeoPackage holding the kelurahan polygons."),
        *[
            click.option(f"--{flag.replace('_', '-')}", flag, metavar="FIELD", help=f"Boundary field holding the {what} (default: detected).")
            for flag, what in BOUNDARY_FIELDS.items()
        ],
        click.option("--aliases", type=click.Path(dir_okay=False), help="Alias file (CSV) of confirmed spellings; read, and written by 'geoapp review'."),
    ]
    func = with_wilayah(func)
    for option in reversed(options):
        func = option(func)
    return func


def with_wilayah(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run the command with its --wilayah area as the default boundary set."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from geoapp.io.boundaries import BoundaryFiles, default_files, default_set

        wilayah = kwargs.pop("wilayah", None)
        with clean_errors():
            files = BoundaryFiles.for_wilayah(wilayah) if wilayah else default_files()
        with default_set(files):
            return func(*args, **kwargs)

    return wrapper


def options_from(kwargs: dict[str, Any]) -> Any:
    """The MatchOptions of the reading options (popped from kwargs)."""
    from geoapp.imports.pipeline import MatchOptions

    columns = {}
    for role in READ_ROLES:
        value = kwargs.pop(f"{role}_col", None)
        if value:
            number = ascii_int(value)  # ASCII digits: a column number; else a header text
            columns[role] = value if number is None else number
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


def area_label(code: str) -> str:
    """The name of a working area as the CLI says it: ``Kota Tangerang Selatan``,
    ``Banten province`` / ``Provinsi Banten``, ``Indonesia``."""
    from geoapp.io.boundaries.wilayah import area_name

    name = area_name(code)
    if re.fullmatch(r"[0-9]{2}", code):
        return T.AREA_PROVINCE.text(current_lang(), name=name)
    return name


def say_working_area(files: Any, bset: Any = None, source: str | None = None) -> None:
    """Say on stderr which working area the rows are matched against, before matching:
    the area of ``files`` (a BoundaryFiles), or the ``source`` boundary file's (``bset``)."""
    from geoapp.values.numbers import format_number

    bset = bset if bset is not None else files.boundaries()
    count = format_number(bset.report.feature_count, current_lang())
    if source is None and files.area:
        say(T.WORKING_AREA, err=True, name=area_label(files.area), code=files.area, count=count)
        return
    areas = bset.report.areas or {}
    name = ", ".join(n for c, n in areas.items() if len(c) == 5) or "-"
    say(T.WORKING_AREA_FILE, err=True, name=name, count=count,
        source=source or files.kelurahan.name)


def run_file_with_boundaries(path: str, kwargs: dict[str, Any], allow_nothing_matched: bool = False) -> tuple[Any, Any]:
    """Read and match one file; also return the BoundarySet used (report section added)."""
    from geoapp.imports.pipeline import run_match
    from geoapp.io.boundaries import default_files
    from geoapp.matching.aliases import AliasStore

    say(T.READING, err=True, path=path)
    options = options_from(kwargs)
    options.allow_nothing_matched = allow_nothing_matched
    boundaries, flags = kwargs.pop("boundaries", None), boundary_flags(kwargs)
    bset = load_boundary_set(boundaries, flags)
    custom = bool(boundaries or flags)
    say_working_area(default_files(), bset, Path(boundaries).name if boundaries else None)
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
