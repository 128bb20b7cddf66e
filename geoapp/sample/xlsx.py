"""Byte-identical XLSX output: fixed workbook properties and zip timestamps."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

FIXED_TIME = dt.datetime(2020, 12, 31, 0, 0, 0)
ZIP_TIME = (2020, 12, 31, 0, 0, 0)


def workbook_bytes(workbook: Workbook, *, title: str) -> bytes:
    """Serialise ``workbook`` so that the same content always gives the same bytes."""
    props = workbook.properties
    props.creator = "geoapp (data contoh)"
    props.lastModifiedBy = "geoapp (data contoh)"
    props.title = title
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return _restamp(raw.getvalue())


def _restamp(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps and attributes, keeping the entry order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()
