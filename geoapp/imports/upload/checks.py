"""Checks on a raw upload before anything is stored: name, size, extension vs content, title."""

from __future__ import annotations

import re
from pathlib import Path

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.io.records.source import detect_format

MAX_FILENAME = 120
MAX_TITLE = 200
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}

BAD_EXTENSION = Msg(
    "upload.bad_extension",
    "The file '{filename}' is not supported. Upload a file ending in {allowed}.",
)
EXT_MISMATCH = Msg(
    "upload.ext_mismatch",
    "The file name '{filename}' ends in {ext}, but its content is {actual}. Save the file again "
    "in the right format (or fix the name's ending) and upload it again.",
)
NO_FILE = Msg("upload.no_file", "No file was chosen. Choose a CSV or XLSX file.")
TOO_LARGE = Msg(
    "upload.too_large",
    "The file '{filename}' is larger than the {limit} MB limit. Make it smaller or split it.",
)
BAD_TITLE = Msg(
    "upload.bad_title",
    "The title is empty or longer than 200 characters. Give a short title.",
)


def display_name(filename: str | None) -> str:
    """The user's file name reduced to its last part, for display only."""
    name = re.split(r"[\\/]", str(filename or ""))[-1].strip()
    return "".join(c for c in name if c.isprintable())[:MAX_FILENAME] or "upload"


def too_large(filename: str, limit: int) -> GeoappError:
    """The 413 for a file over ``limit`` bytes."""
    return GeoappError(TOO_LARGE, 413, filename=filename, limit=f"{limit / 2**20:g}")


def check_upload(data: bytes, filename: str, limit: int | None = None) -> str:
    """Check size, extension and content agree; return ``csv`` or ``xlsx``."""
    if limit and len(data) > limit:
        raise too_large(filename, limit)
    ext = Path(filename).suffix.lower()
    declared = _EXTENSIONS.get(ext)
    if declared is None:
        raise GeoappError(BAD_EXTENSION, 400, filename=filename, allowed=", ".join(_EXTENSIONS))
    actual, _notes = detect_format(data, filename)
    if actual != declared:
        raise GeoappError(EXT_MISMATCH, 422, filename=filename, ext=ext, actual=actual.upper())
    return actual


def clean_title(title: str | None) -> str:
    """The title on one line; 400 when it is empty or longer than ``MAX_TITLE``."""
    text = " ".join(str(title or "").split())
    if not text or len(text) > MAX_TITLE:
        raise GeoappError(BAD_TITLE, 400)
    return text
