"""What the server keeps about one upload in progress, and the read options it implies."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from geoapp.imports.decisions import Decision
from geoapp.imports.history import default_year
from geoapp.imports.pipeline import MatchOptions

NONE_COLUMN = 0  # a role explicitly set to "no column"


@dataclass
class UploadState:
    """Everything kept server-side about one upload in progress (JSON-able)."""

    token: str
    user: str
    program: str
    title: str
    filename: str                 # as the user named it: display only, never a path
    sha256: str
    created: float
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, int] = field(default_factory=dict)  # role -> 1-based column, 0 = none
    decisions: list[Decision] = field(default_factory=list)
    year: str | None = None       # the year chosen for rows without a year cell (None: default)
    reopened_from: int | None = None  # the stored version this upload reopens (its rows)
    reopened_kode: int | None = None  # the code column the reopening chose (as ``columns``)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["decisions"] = [d.as_dict() for d in self.decisions]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UploadState:
        values = dict(data)
        values["decisions"] = [Decision.from_dict(d) for d in data.get("decisions", [])]
        values["columns"] = {str(k): int(v) for k, v in (data.get("columns") or {}).items()}
        return cls(**values)


def upload_year(state: UploadState) -> str:
    """The year of the upload's rows without a year cell: the one chosen, else a year in
    the file name, else the current year (``imports.history.default_year``)."""
    return state.year or default_year(state.filename)


def match_options(state: UploadState, *, max_rows: int | None, lang: str,
                  max_columns: int | None = None) -> MatchOptions:
    """The pipeline options of the upload's read choices; a preview may match nothing.
    ``max_rows``/``max_columns`` None: no limit (the web app passes its settings).
    A reopened version (``reopened_from``) came from the database, not from a browser:
    ``max_rows`` does not bind it (a version imported with ``geoapp import`` may hold more
    rows than an upload); ``max_columns`` does."""
    if state.reopened_from is not None:
        max_rows = None
    columns: dict[str, str | int | None] = {
        role: None if column == NONE_COLUMN else column for role, column in state.columns.items()
    }
    return MatchOptions(sheet=state.sheet, header_row=state.header_row, columns=columns,
                        max_rows=max_rows, lang=lang, allow_nothing_matched=True,
                        max_columns=max_columns)
