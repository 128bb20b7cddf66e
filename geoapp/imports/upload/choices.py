"""Step 2, the planner's choices: how the file is read, and review decisions on its rows.

Each choice is checked against a fresh read + match of the stored upload and kept (the
state file is saved) only when it fits.
"""

from __future__ import annotations

from collections.abc import Sequence

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.imports.decisions import Decision, apply_review_choice
from geoapp.imports.pipeline import read_table
from geoapp.imports.upload.folder import read_upload, save_state
from geoapp.imports.upload.preview import build_preview
from geoapp.imports.upload.state import UploadState, match_options
from geoapp.imports.upload.view_cache import keep_preview
from geoapp.io.records.types import ROLES, ReadInfo
from geoapp.matching.aliases import AliasStore
from geoapp.store.uploads import UploadShelf

BAD_SHEET = Msg("upload.bad_sheet", "Sheet '{sheet}' does not exist. Choose one of: {allowed}.")
NO_DECISION = Msg("upload.no_decision",
                  "There is no decision number {number} to undo (this upload has {count}). "
                  "Reload the page.")


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


def choose_read_options(shelf: UploadShelf, state: UploadState, *, sheet: str | None,
                        header_row: int | None, columns: dict[str, int],
                        aliases: AliasStore | None, max_rows: int | None,
                        lang: str, max_columns: int | None = None) -> GeoappError | None:
    """Keep new read options when the file reads with them: then ``state`` is updated and
    saved (with the preview page of the new options, ``view_cache``) and None returned.
    Otherwise nothing changes and the reading error is returned. An unknown sheet
    raises (400)."""
    options = match_options(state, max_rows=max_rows, lang=lang, max_columns=max_columns)
    read_as = read_table(read_upload(shelf, state), state.filename, options).info
    chosen = change_options(UploadState.from_dict(state.as_dict()), sheet=sheet,
                            header_row=header_row, columns=columns, read_as=read_as)
    try:
        preview = build_preview(shelf, chosen, aliases=aliases, max_rows=max_rows,
                                max_columns=max_columns, lang=lang)
    except GeoappError as exc:
        return exc
    save_state(shelf, chosen)
    keep_preview(shelf, chosen, preview, lang=lang, aliases=aliases, max_rows=max_rows,
                 max_columns=max_columns)
    state.sheet, state.header_row = chosen.sheet, chosen.header_row
    state.columns, state.decisions = chosen.columns, chosen.decisions
    return None


def add_decision(state: UploadState, decision: Decision) -> UploadState:
    """Keep one more review decision in the upload's state."""
    state.decisions.append(decision)
    return state


def decide_rows(shelf: UploadShelf, state: UploadState, *, action: str,
                positions: Sequence[int], kode: str | None, reason: str | None, user: str,
                aliases: AliasStore | None, max_rows: int | None,
                max_columns: int | None = None) -> Decision | None:
    """Check one review choice against the decided run and keep it (state saved).

    None when the upload cannot be matched yet (nothing to review); GeoappError when the
    choice does not fit (see ``geoapp.imports.decisions.make_decision``).
    """
    run = build_preview(shelf, state, aliases=aliases, max_rows=max_rows,
                        max_columns=max_columns, lang="id").run
    if run is None:
        return None
    decision = apply_review_choice(run, action, positions, kode, reason, user)
    add_decision(state, decision)
    save_state(shelf, state)
    return decision


def undo_decision(shelf: UploadShelf, state: UploadState, number: int) -> Decision:
    """Remove the upload's decision ``number`` (1 = the first), before confirming; its
    rows go back to how they were matched (later decisions that no longer fit are
    skipped). The state is saved. 409 when there is no such decision."""
    if not 1 <= number <= len(state.decisions):
        raise GeoappError(NO_DECISION, 409, number=number, count=len(state.decisions))
    removed = state.decisions.pop(number - 1)
    save_state(shelf, state)
    return removed
