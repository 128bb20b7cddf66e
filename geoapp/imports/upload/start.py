"""Step 1: check and read a new upload; only a readable file is stored."""

from __future__ import annotations

import hashlib
import time

from geoapp.core.errors import GeoappError
from geoapp.core.programs import get_program
from geoapp.imports.upload import folder
from geoapp.imports.upload.checks import check_upload, clean_title, display_name
from geoapp.imports.upload.state import UploadState
from geoapp.io.records.reader import read_records
from geoapp.io.records.xlsx_reader import read_xlsx_grid
from geoapp.store.uploads import UploadShelf
from geoapp.store.years import check_year


def start_upload(shelf: UploadShelf, data: bytes, filename: str, *, program: str,
                 title: str, user: str, limit: int | None = None,
                 max_rows: int | None = None, header_row: int | None = None,
                 quota: int | None = None, max_columns: int | None = None,
                 year: str | None = None) -> UploadState:
    """Check and read the upload; only a readable file is stored. Return its new state.

    ``quota``: the most bytes the uploads in progress may hold (None = ``DEFAULT_UPLOAD_QUOTA``,
    0 = no limit); a full quota or disk gives a 507 and stores nothing. A file
    of more than ``max_rows`` rows or ``max_columns`` columns is refused (413). ``year``:
    the year of rows without a year cell (4 digits; None: ``state.upload_year``).
    """
    get_program(program)
    year = check_year(year)
    name = display_name(filename)
    title = clean_title(title)
    kind = check_upload(data, name, limit)
    folder.check_quota(shelf, len(data), quota)  # before the costly read
    limits = {"max_rows": max_rows, "max_columns": max_columns}
    sheet = _readable_sheet(data, name, kind, limits, header_row)  # bad files fail here
    state = UploadState(folder.new_token(), user, program, title, name,
                        hashlib.sha256(data).hexdigest(), time.time(), sheet=sheet,
                        header_row=header_row, year=year)
    folder.store_upload(shelf, state, data)
    return state


def _readable_sheet(data: bytes, name: str, kind: str, limits: dict[str, int | None],
                    header_row: int | None = None) -> str | None:
    """None when the file reads as it is; for a workbook whose first sheet holds no table
    (a cover or notes sheet), the first sheet that does. Else the reader's error."""
    try:
        read_records(data, name, header_row=header_row, **limits)
        return None
    except GeoappError as first_error:
        if kind != "xlsx" or first_error.status == 413:
            raise
        error = first_error
    for sheet in read_xlsx_grid(data, name, **limits).sheets[1:]:
        try:
            read_records(data, name, sheet=sheet, header_row=header_row, **limits)
            return sheet
        except GeoappError:
            continue
    raise error
