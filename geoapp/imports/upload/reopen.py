"""Reopening a stored version's unmatched rows: a new upload made from the version.

``reopen_version`` writes the active version's rows back into a CSV file (its stored
cells under its headers, plus the stored kelurahan code of every matched row in a
column ``Kode Wilayah (tersimpan)`` read as the code column, and each row's stored year
as its ``Tahun``), stores it as an upload of the planner and records
``dataset.reopen`` in the audit log. The planner then fixes the rows in the same
preview and review as any upload (matched rows stay matched by their code; unmatched
and review rows come up again) and confirms: a new version, activated and audited like
any import (its report names the version it was reopened from). Nothing changes until
that confirm.

The rows come from the database, not from a browser: a version imported with
``geoapp import`` may be larger than an upload, so neither the upload size and row limits
(``MAX_CONTENT_LENGTH``, ``MAX_ROWS``; see ``state.match_options``) nor the reopened
file's own size against ``UPLOAD_QUOTA_BYTES`` bind it; it is refused only while the
uploads in progress already fill their quota (``folder.check_room``). ``MAX_COLUMNS``
still applies.
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from pathlib import Path

from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.imports.upload import folder
from geoapp.imports.upload.checks import clean_title
from geoapp.imports.upload.state import UploadState
from geoapp.store import jsonsafe, record, require_dataset, row_dicts
from geoapp.store.columns import dataset_columns
from geoapp.store.uploads import UploadShelf

NOT_ACTIVE = Msg(
    "upload.reopen_not_active",
    "Only the active version of a program can be reopened; version {version} is not "
    "active. Reopen the active version, or roll back to this one first.",
)
KODE_HEADER = "Kode Wilayah (tersimpan)"
YEAR_HEADER = "Tahun"


def version_csv(session: Session, dataset_id: int) -> tuple[bytes, int]:
    """The version's rows as CSV bytes (UTF-8) and the 0-based position of the stored-code
    column."""
    dataset = require_dataset(session, dataset_id)
    headers = [str(h) for h in jsonsafe.loads(dataset.headers_json, [])]
    year_at = dataset_columns(dataset).position("year")
    if year_at is None:
        headers.append(YEAR_HEADER)
        year_at = len(headers) - 1
    kode_at = len(headers)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*headers, KODE_HEADER])
    for row in row_dicts(session, dataset_id):
        cells = [str(c) for c in row["cells"]] + [""] * (len(headers) - len(row["cells"]))
        cells = cells[:len(headers)]
        if row["year"]:
            cells[year_at] = row["year"]
        kode = row["kode"] if row["status"] == "matched" else ""
        writer.writerow([*cells, kode or ""])
    return out.getvalue().encode("utf-8"), kode_at


def reopen_version(session: Session, shelf: UploadShelf, dataset_id: int, *, user: str,
                   quota: int | None = None) -> UploadState:
    """A new upload of the active version's rows, for fixing them (see the module
    docstring); the reopening is audited. ``quota``: as ``start_upload``'s, but only a
    full upload space refuses it."""
    dataset = require_dataset(session, dataset_id)
    if dataset.state != "active":
        raise GeoappError(NOT_ACTIVE, 409, version=dataset.version)
    data, kode_at = version_csv(session, dataset_id)
    folder.check_room(shelf, quota)     # stored content: not bound by the upload limits
    stem = Path(dataset.source_name or dataset.program).stem[:80] or dataset.program
    state = UploadState(folder.new_token(), user, dataset.program,
                        clean_title(f"{dataset.title[:180]} (perbaikan)"),
                        f"{stem}_v{dataset.version}_perbaikan.csv",
                        hashlib.sha256(data).hexdigest(), time.time(),
                        columns={"kode": kode_at + 1}, reopened_from=dataset.id)
    folder.store_upload(shelf, state, data)
    record(session, "dataset.reopen", actor=user, target=dataset.title,
           dataset_id=dataset.id, program=dataset.program,
           details={"version": dataset.version, "unmatched": dataset.unmatched_count,
                    "review": dataset.review_count, "upload": state.token})
    session.commit()
    return state
