"""Step 2: read and match the stored upload with its read options and review decisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.imports.decisions import apply_decisions
from geoapp.imports.pipeline import MatchRun, gazetteer_for, read_table, run_table
from geoapp.imports.review import ReviewGroup, review_groups
from geoapp.imports.upload.folder import read_upload
from geoapp.imports.upload.state import UploadState, match_options
from geoapp.imports.upload.stored_codes import keep_stored_codes, label_reopened_columns
from geoapp.io.records.types import RecordTable
from geoapp.matching.aliases import AliasStore
from geoapp.store.uploads import UploadShelf


@dataclass
class Preview:
    """One read + match of an upload: the table, the (decided) run, or why matching stopped."""

    table: RecordTable
    run: MatchRun | None
    problem: GeoappError | None = None

    @property
    def groups(self) -> list[ReviewGroup]:
        return [] if self.run is None else review_groups(self.run)


def build_preview(shelf: UploadShelf, state: UploadState, *, aliases: AliasStore | None,
                  boundaries: Any = None, max_rows: int | None = None,
                  lang: str = "id", max_columns: int | None = None) -> Preview:
    """Read and match the stored upload with the state's options, then apply decisions.

    Reading errors raise; a table that cannot be matched (e.g. no location column: the
    planner picks one) comes back with ``run`` None and the reason in ``problem``. A
    reopened version's matched rows keep their stored codes (``keep_stored_codes``), and
    its column report says which columns the reopening chose (``label_reopened_columns``).
    """
    options = match_options(state, max_rows=max_rows, lang=lang, max_columns=max_columns)
    table = read_table(read_upload(shelf, state), state.filename, options)
    gazetteer = gazetteer_for(boundaries)
    try:
        run = run_table(table, options, boundaries=gazetteer, aliases=aliases)
    except GeoappError as exc:
        return Preview(table, None, exc)
    if state.reopened_from is not None:
        label_reopened_columns(run, state.columns.get("kode") == state.reopened_kode)
        run = keep_stored_codes(run, lang)
    return Preview(table, apply_decisions(run, state.decisions, lang))
