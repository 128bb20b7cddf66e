"""Step 2: read and match the stored upload with its options and decisions; change them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.imports.decisions import Decision, apply_decisions
from geoapp.imports.pipeline import MatchRun, gazetteer_for, read_table, run_table
from geoapp.imports.review import ReviewGroup, review_groups
from geoapp.imports.upload.folder import read_upload
from geoapp.imports.upload.state import UploadState, match_options
from geoapp.io.records.types import ROLES, ReadInfo, RecordTable
from geoapp.matching.aliases import AliasStore

BAD_SHEET = Msg(
    "upload.bad_sheet",
    id="Lembar '{sheet}' tidak ada. Pilih salah satu: {allowed}.",
    en="Sheet '{sheet}' does not exist. Choose one of: {allowed}.",
)


@dataclass
class Preview:
    """One read + match of an upload: the table, the (decided) run, or why matching stopped."""

    table: RecordTable
    run: MatchRun | None
    problem: GeoappError | None = None

    @property
    def groups(self) -> list[ReviewGroup]:
        return [] if self.run is None else review_groups(self.run)


def build_preview(upload_dir: str | Path, state: UploadState, *, aliases: AliasStore | None,
                  boundaries: Any = None, max_rows: int | None = None,
                  lang: str = "id") -> Preview:
    """Read and match the stored upload with the state's options, then apply decisions.

    Reading errors raise; a table that cannot be matched (e.g. no location column: the
    planner picks one) comes back with ``run`` None and the reason in ``problem``.
    """
    options = match_options(state, max_rows=max_rows, lang=lang)
    table = read_table(read_upload(upload_dir, state), state.filename, options)
    gazetteer = gazetteer_for(boundaries)
    try:
        run = run_table(table, options, boundaries=gazetteer, aliases=aliases)
    except GeoappError as exc:
        return Preview(table, None, exc)
    return Preview(table, apply_decisions(run, state.decisions, lang))


def change_options(state: UploadState, *, sheet: str | None, header_row: int | None,
                   columns: dict[str, int], read_as: ReadInfo) -> UploadState:
    """New read options (``read_as``: how the file is read now). Another sheet or header
    row resets the column choices; any change drops the review decisions (rows may move)."""
    sheets = read_as.sheets
    if sheet and sheets and sheet not in sheets:
        raise GeoappError(BAD_SHEET, 400, sheet=str(sheet)[:60], allowed=", ".join(sheets))
    sheet = sheet or None
    now = (read_as.sheet, read_as.header_row)
    moved = (sheet or read_as.sheet, header_row or read_as.header_row) != now
    clean = {} if moved else {r: int(c) for r, c in columns.items() if r in ROLES and c is not None}
    if (sheet, header_row, clean) != (state.sheet, state.header_row, state.columns):
        state.decisions = []
    state.sheet, state.header_row, state.columns = sheet, header_row, clean
    return state


def add_decision(state: UploadState, decision: Decision) -> UploadState:
    """Keep one more review decision in the upload's state."""
    state.decisions.append(decision)
    return state
