"""The column limit of the record readers (the MAX_COLUMNS setting).

A table of program records has a few dozen columns at most; the real sample files have
8. A file with thousands of columns (20,001 in a 169 KB CSV) makes every per-column
step (parsing, number detection, the preview) cost seconds and hundreds of MB, so the
readers refuse it as soon as the width is known: from the CSV sample before the file
is parsed, from a streamed scan of the worksheet XML before openpyxl opens a workbook.
"""

from __future__ import annotations

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.settings import BY_NAME, environment_value

TOO_MANY_COLUMNS = Msg(
    "too_many_columns",
    "The file '{filename}' has {columns} columns, more than the limit of {max_columns}. "
    "Delete the columns (or sheets) you do not need, including empty columns to the right "
    "of the table, or split the table into several files, then try again. An admin can "
    "raise the limit with the MAX_COLUMNS setting.",
)


def default_max_columns() -> int | None:
    """The MAX_COLUMNS setting outside the web app: ``$GEOAPP_MAX_COLUMNS``, else the
    settings table's default; None (no limit) for 0."""
    value = environment_value("MAX_COLUMNS")
    if value is None:
        value = BY_NAME["MAX_COLUMNS"].default
    return int(value) or None


def check_width(columns: int, filename: str, max_columns: int | None) -> None:
    """Refuse (413) a table wider than ``max_columns`` (None or 0: no limit)."""
    if max_columns and columns > max_columns:
        raise GeoappError(TOO_MANY_COLUMNS, 413, filename=filename, columns=columns,
                          max_columns=max_columns)
