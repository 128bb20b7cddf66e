"""Read + match + reconcile one input file (used by the CLI, the web upload and the bootstrap).

``run_match`` = ``read_table`` + ``run_table``; ``make_run`` is the one place a run's
ledger and report are built (also after review decisions change the result).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.core.objects import equal_mask, object_codes
from geoapp.imports.footer import footer_note, footer_rows, non_data_rows
from geoapp.imports.ledger import build_ledger
from geoapp.imports.outside import outside_notes
from geoapp.io.records.reader import read_records
from geoapp.io.records.types import ROLES, RecordTable
from geoapp.io.records.width import default_max_columns
from geoapp.matching.aliases import AliasStore
from geoapp.matching.code_check import check_code_column, mark_unused_codes
from geoapp.matching.column_roles import column_use, detect_by_content
from geoapp.matching.distinct import match_distinct
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.matcher import match_rows
from geoapp.matching.region_match import match_by_region
from geoapp.matching.types import MatchResult
from geoapp.values.coords import Coordinates, parse_coordinates

OUTPUT_COLUMNS = (
    "kode_kelurahan",
    "nama_kelurahan",
    "nama_kecamatan",
    "match_status",
    "match_method",
    "match_score",
    "match_note",
)

NOTHING_MATCHED = Msg(
    "nothing_matched",
    "None of the {rows} rows in '{filename}' matched a kelurahan of the boundary set. Check the "
    "columns used ({columns}) or choose others (on the upload page: the column choices; on the "
    "command line: --kelurahan-col, --kode-col, --lat-col/--lon-col).",
)
NOTHING_MATCHED_BPS = Msg(
    "nothing_matched_bps",
    "None of the {rows} rows in '{filename}' could be matched: the codes in column "
    "'{column}' look like BPS codes, which geoapp does not read as Kemendagri codes, and "
    "there is no desa/kelurahan name or coordinate to match by. Add the desa/kelurahan "
    "names (or Kemendagri codes); the rows are listed for review.",
)
NO_EVIDENCE = Msg(
    "no_location_columns",
    "'{filename}' has no recognisable kelurahan, kode wilayah or coordinate column. "
    "Columns found: {headers}. Choose the column (on the upload page: the column choices; on the "
    "command line: --kelurahan-col, --kode-col or --lat-col/--lon-col).",
)


@dataclass
class MatchOptions:
    """What the user may choose about reading and matching one file."""

    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str | int | None] = field(default_factory=dict)  # role -> header,
    # 1-based column, or None: the role has no column (automatic detection is overruled)
    max_rows: int | None = None
    lang: str = "id"
    allow_nothing_matched: bool = False
    # the MAX_COLUMNS setting ($GEOAPP_MAX_COLUMNS or its default); the web app passes its own
    max_columns: int | None = field(default_factory=default_max_columns)


@dataclass
class MatchRun:
    """Everything one run produced: the table as read, the per-row outcome and the ledger."""

    table: RecordTable
    result: MatchResult
    ledger: dict[str, Any]
    report: dict[str, Any]
    gazetteer: Gazetteer
    coords: Coordinates | None = None


def _gazetteer_for_default() -> Gazetteer:
    from geoapp.io.boundaries import default_identity

    return _gazetteer_for_file(default_identity())


@lru_cache(maxsize=4)
def _gazetteer_for_file(identity: tuple) -> Gazetteer:
    """Built once per process; a large set's index is also kept on disk between runs."""
    from geoapp.io.boundaries import load_boundaries
    from geoapp.matching.index_cache import cached_gazetteer

    frame = load_boundaries().frame
    if getattr(frame, "crs", None) is not None and frame.crs.to_epsg() != 4326:
        return Gazetteer.from_boundaries(frame)
    return cached_gazetteer(identity, frame, Gazetteer.from_boundaries)


def gazetteer_for(boundaries: gpd.GeoDataFrame | Gazetteer | None) -> Gazetteer:
    """The matcher index for a boundary set (the default one is built once per process)."""
    if boundaries is None:
        return _gazetteer_for_default()
    if isinstance(boundaries, Gazetteer):
        return boundaries
    return Gazetteer.from_boundaries(boundaries)


def _coordinates(table: RecordTable) -> Coordinates | None:
    lat, lon = table.column(table.mapping.lat), table.column(table.mapping.lon)
    if lat is None or lon is None:
        return None
    return parse_coordinates(lat, lon)


def _check_evidence(table: RecordTable) -> None:
    m = table.mapping
    if m.kelurahan is None and m.kode is None and (m.lat is None or m.lon is None):
        headers = ", ".join(h or "(kosong)" for h in table.headers)
        raise GeoappError(NO_EVIDENCE, 422, filename=table.info.filename, headers=headers)


def match_table(
    table: RecordTable,
    gazetteer: Gazetteer,
    aliases: AliasStore | None = None,
    *,
    lang: str = "id",
    progress: Callable[[int, int], None] | None = None,
    chosen: Collection[str] = (),
) -> tuple[MatchResult, Coordinates | None]:
    """Match every row of an already-read table.

    Roles in ``chosen`` were set by the user (a column or "none") and are not detected
    from content; a code column is used only once ``check_code_column`` trusts it.
    """
    first_run = not table.info.column_use
    by_content = _detect_columns(table, gazetteer, chosen) if first_run else set()
    _check_evidence(table)
    coords = _coordinates(table)
    footer = footer_rows(table)
    m = table.mapping
    kode = table.column(m.kode)
    check = None
    if kode is not None:
        check = check_code_column(gazetteer, table.headers[m.kode] or f"({m.kode + 1})", kode,
                                  table.column(m.kelurahan), table.column(m.kecamatan),
                                  points=coords is not None)
        if check.note is not None and first_run:
            table.info.column_notes.append(check.note)
    result = match_distinct(
        match_by_region,
        kode=kode if check is None or check.use else None,
        kelurahan=table.column(m.kelurahan),
        kecamatan=table.column(m.kecamatan),
        kabupaten=table.column(m.kabupaten),
        provinsi=table.column(m.provinsi),
        lat=None if coords is None else coords.lat,
        lon=None if coords is None else coords.lon,
        exclude=np.asarray(table.is_total, dtype=bool) | footer,
        gazetteer=gazetteer,
        aliases=aliases,
        lang=lang,
        progress=progress,
        match=match_rows,
    )
    if check is not None and not check.use:
        mark_unused_codes(result, kode, check, lang)
    if first_run:
        table.info.column_use = column_use(table, check, by_content, chosen)
    _add_coordinate_notes(result, coords, lang)
    for row, text in outside_notes(result, table.column(m.kode), gazetteer, lang).items():
        result.note[row] = join_notes(result.note[row] or "", text)
    for i in np.flatnonzero(footer):
        result.note[i] = footer_note(table, i, lang)
    return result, coords


def _detect_columns(table: RecordTable, gazetteer: Gazetteer,
                    chosen: Collection[str]) -> set[int]:
    """Fill empty place roles from the columns' content (once per table); the positions
    found that way."""
    before = {r: getattr(table.mapping, r) for r in ROLES}
    table.info.column_notes = detect_by_content(table, gazetteer, chosen)
    return {getattr(table.mapping, r) for r in ROLES
            if getattr(table.mapping, r) is not None and before[r] is None}


def _add_coordinate_notes(result: MatchResult, coords: Coordinates | None, lang: str) -> None:
    if coords is None:
        return
    rendered: dict[Note, str] = {}
    for i in np.flatnonzero(pd.notna(coords.notes)):
        note = coords.notes[i]
        if isinstance(note, Note):
            text = rendered.setdefault(note, note.text(lang))
            result.note[i] = join_notes(text, result.note[i])


def join_notes(first: str, second: str | None) -> str:
    """Two note texts as one: a sentence is followed by a space, a phrase by '; '."""
    first = first.rstrip().rstrip(";").rstrip()
    if not second:
        return first
    if not first:
        return second
    return f"{first} {second}" if first.endswith((".", "!", "?")) else f"{first}; {second}"


def read_table(data: bytes, filename: str, options: MatchOptions | None = None) -> RecordTable:
    """Read one file with the chosen sheet, header row and columns (None: no column)."""
    options = options or MatchOptions()
    chosen = {role: col for role, col in options.columns.items() if col is not None}
    table = read_records(
        data,
        filename,
        sheet=options.sheet,
        header_row=options.header_row,
        columns=chosen or None,
        max_rows=options.max_rows,
        max_columns=options.max_columns,
    )
    for role, column in options.columns.items():
        if column is None:
            setattr(table.mapping, role, None)
    return table


def make_run(table: RecordTable, result: MatchResult, gazetteer: Gazetteer,
             coords: Coordinates | None, lang: str) -> MatchRun:
    """The run of a (matched or decided) result: its ledger and report built from it."""
    ledger = build_ledger(table, result)
    ledger["non_data_rows"] = non_data_rows(table, footer_rows(table))
    return MatchRun(table, result, ledger, build_report(table, result, ledger, lang), gazetteer, coords)


def run_table(
    table: RecordTable,
    options: MatchOptions | None = None,
    *,
    boundaries: gpd.GeoDataFrame | Gazetteer | None = None,
    aliases: AliasStore | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MatchRun:
    """Match every row of a read table to a kelurahan and reconcile the result."""
    options = options or MatchOptions()
    gazetteer = gazetteer_for(boundaries)
    result, coords = match_table(table, gazetteer, aliases, lang=options.lang, progress=progress,
                                 chosen=set(options.columns))
    run = make_run(table, result, gazetteer, coords, options.lang)
    if run.ledger["rows"]["matched"] == 0 and not options.allow_nothing_matched:
        raise nothing_matched_error(table)
    return run


def run_match(
    data: bytes,
    filename: str,
    options: MatchOptions | None = None,
    *,
    boundaries: gpd.GeoDataFrame | Gazetteer | None = None,
    aliases: AliasStore | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MatchRun:
    """Read one file, match every row to a kelurahan and reconcile the result."""
    table = read_table(data, filename, options)
    return run_table(table, options, boundaries=boundaries, aliases=aliases, progress=progress)


def nothing_matched_error(table: RecordTable) -> GeoappError:
    """The loud "no row matched" error for a table, naming the columns that were used
    (or the BPS code column that could not be used)."""
    bps = [c for c in table.info.column_use if c.get("reason") == "bps"]
    if bps:
        return GeoappError(NOTHING_MATCHED_BPS, 422, rows=len(table),
                           filename=table.info.filename, column=bps[0]["header"])
    columns = ", ".join(f"{k}={v}" for k, v in table.mapping.as_dict(table.headers).items() if v)
    return GeoappError(NOTHING_MATCHED, 422, rows=len(table), filename=table.info.filename, columns=columns)


def _matched_methods(result: MatchResult) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of the methods of the matched rows, computed per distinct object."""
    codes, objects = object_codes(np.asarray(result.method, dtype=object))
    sel = codes[equal_mask(np.asarray(result.status, dtype=object), "matched")]
    first = np.full(len(objects), len(sel), dtype=np.intp)
    first[sel[::-1]] = np.arange(len(sel) - 1, -1, -1, dtype=np.intp)
    present = np.flatnonzero(first < len(sel))
    order = present[np.argsort(first[present], kind="stable")]
    value_codes, names = pd.factorize(objects[order], use_na_sentinel=True)
    value_of = np.full(len(objects), -1, dtype=np.intp)
    value_of[order] = value_codes
    return value_of[sel], np.asarray(names, dtype=object)


def build_report(
    table: RecordTable, result: MatchResult, ledger: dict[str, Any], lang: str
) -> dict[str, Any]:
    """The JSON-able report of one run (what `geoapp match --report` writes)."""
    info = table.info
    codes, names = _matched_methods(result)
    methods = dict(zip(map(str, names), np.bincount(codes, minlength=len(names)).tolist(), strict=True))
    return {
        "input": info.filename,
        "format": info.file_format,
        "encoding": info.encoding,
        "delimiter": info.delimiter,
        "sheet": info.sheet,
        "header_row": info.header_row,
        "header_row_detected": info.header_row_detected,
        "columns": table.mapping.as_dict(table.headers),
        "number_formats": {table.headers[p] or f"(kolom {p + 1})": f for p, f in table.number_formats.items()},
        "rows": ledger["rows"],
        "sums": ledger["sums"],
        "unparsed_numbers": ledger["unparsed_numbers"],
        "balanced": ledger["balanced"],
        "matched_by": {str(k): int(v) for k, v in methods.items()},
        "column_use": info.column_use,
        "renamed_output_columns": {k: v for k, v in output_names(table.headers).items() if k != v},
        "notes": [n.as_dict(lang) for n in info.notes + info.column_notes],
        "problems": [n.as_dict(lang) for n in info.problems],
    }


OWN_PREFIX = "geoapp_"


def output_names(headers: list[str]) -> dict[str, str]:
    """geoapp's own output column -> the name it is written under.

    The input's columns are never renamed: when an input header is already one of
    geoapp's names (DKI's tables use ``nama_kelurahan``, ``kode_kelurahan``,
    ``match_status``), geoapp's column becomes ``geoapp_<name>`` (then ``geoapp_<name>_2``,
    ...) so that both survive. Headers are compared without case and outer spaces.
    """
    taken = {str(h).strip().casefold() for h in headers}
    names: dict[str, str] = {}
    for own in OUTPUT_COLUMNS:
        name, n = own, 1
        while name.casefold() in taken:
            n += 1
            name = f"{OWN_PREFIX}{own}" if n == 2 else f"{OWN_PREFIX}{own}_{n - 1}"
        taken.add(name.casefold())
        names[own] = name
    return names


def output_frame(run: MatchRun) -> pd.DataFrame:
    """Input columns under their original headers and text, then the match columns
    (renamed on a collision with an input header, see ``output_names``)."""
    table, result = run.table, run.result
    names = names_by_kode(run.gazetteer)
    kode = pd.Series(result.kode, dtype=object)
    own = {
        "kode_kelurahan": kode.fillna("").to_numpy(),
        "nama_kelurahan": kode.map(lambda k: names.get(k, ("", ""))[0]).to_numpy(),
        "nama_kecamatan": kode.map(lambda k: names.get(k, ("", ""))[1]).to_numpy(),
        "match_status": result.status,
        "match_method": result.method,
        "match_score": np.round(np.asarray(result.score, dtype="float64"), 1),
        "match_note": result.note,
    }
    renamed = output_names(table.headers)
    extra = pd.DataFrame({renamed[k]: v for k, v in own.items()}, index=table.cells.index)
    out = pd.concat([table.cells, extra], axis=1, ignore_index=True)
    out.columns = [*table.headers, *extra.columns]
    return out


def kelurahan_choices(gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """(kode, "Nama (Kecamatan)") for every kelurahan, sorted by name: for pick lists."""
    items = [(k, f"{n} ({kec})") for k, n, kec in zip(gazetteer.kode, gazetteer.nama, gazetteer.nama_kecamatan, strict=True)]
    return sorted(items, key=lambda item: item[1].casefold())


def names_by_kode(gazetteer: Gazetteer) -> dict[str, tuple[str, str]]:
    """kode -> (nama kelurahan, nama kecamatan) for every kelurahan of a gazetteer."""
    pairs = zip(gazetteer.nama, gazetteer.nama_kecamatan, strict=True)
    return dict(zip(gazetteer.kode, pairs, strict=True))
