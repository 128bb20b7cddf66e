"""Decide what an upload really is from its bytes (never from the extension alone)."""

from __future__ import annotations

import io
import zipfile

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note

FILE_EMPTY = Msg(
    "file_empty",
    "The file '{filename}' is empty (0 bytes). Upload a CSV or XLSX file that contains data.",
)
FILE_OLD_XLS = Msg(
    "file_old_xls",
    "The file '{filename}' is in the old Excel format (.xls). Open it in Excel "
    "and save it as .xlsx or .csv.",
)
FILE_BINARY = Msg(
    "file_binary",
    "The file '{filename}' is neither CSV text nor XLSX ({kind}). Upload a CSV or XLSX table.",
)
FILE_ZIP_NOT_XLSX = Msg(
    "file_zip_not_xlsx",
    "The file '{filename}' is a ZIP archive but not an XLSX workbook. "
    "Save the table as .xlsx or .csv.",
)
FILE_CORRUPT_ZIP = Msg(
    "file_corrupt_zip",
    "The file '{filename}' is damaged or truncated (incomplete ZIP/XLSX). Save it "
    "again from Excel and re-upload.",
)
EXTENSION_MISMATCH = Msg(
    "extension_mismatch",
    "The file name ends in '{ext}' but the content is {actual}; it was read as {actual}.",
)

_MAGIC = {
    b"\xd0\xcf\x11\xe0": "old_xls",
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"\x1f\x8b": "gzip",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z",
}
_TEXT_EXTS = (".csv", ".tsv", ".txt")
_XLSX_EXTS = (".xlsx", ".xlsm")


def _extension(filename: str) -> str:
    name = (filename or "").lower()
    return name[name.rfind("."):] if "." in name else ""


def _zip_kind(data: bytes, filename: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise GeoappError(FILE_CORRUPT_ZIP, 422, filename=filename) from exc
    if "xl/workbook.xml" not in names:
        raise GeoappError(FILE_ZIP_NOT_XLSX, 422, filename=filename)
    return "xlsx"


def detect_format(data: bytes, filename: str) -> tuple[str, list[Note]]:
    """Return ("csv" | "xlsx", notes) from the content; raise GeoappError when unreadable."""
    if not data:
        raise GeoappError(FILE_EMPTY, 422, filename=filename)
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        kind = _zip_kind(data, filename)
    else:
        for magic, name in _MAGIC.items():
            if data.startswith(magic):
                if name == "old_xls":
                    raise GeoappError(FILE_OLD_XLS, 422, filename=filename)
                raise GeoappError(FILE_BINARY, 422, filename=filename, kind=name)
        if b"\x00" in data[:65536]:
            raise GeoappError(FILE_BINARY, 422, filename=filename, kind="binary")
        kind = "csv"
    ext = _extension(filename)
    notes: list[Note] = []
    expected = "xlsx" if ext in _XLSX_EXTS else "csv" if ext in _TEXT_EXTS else None
    if expected is not None and expected != kind:
        notes.append(Note.of(EXTENSION_MISMATCH, ext=ext, actual=kind.upper()))
    return kind, notes
