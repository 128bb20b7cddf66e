"""Reopening a stored version's unmatched rows: a new upload made from the version.

``reopen_version`` writes the active version's rows back into a CSV file (its stored
cells under its headers, plus the stored kelurahan code of every matched row in a
column ``Kode Wilayah (tersimpan)``, and each row's stored year as its ``Tahun``), stores
it as an upload of the planner and records ``dataset.reopen`` in the audit log. The
file is read with the version's own code column (``original_kode_column``; "none" when
it had none), never the stored-code column: a row that was unmatched or to review comes
up again on the same evidence as in the import it came from (its written code, names
and coordinates), so again unmatched or to review, with the same kind of note. Matched
rows stay matched by their stored code (``stored_codes.keep_stored_codes``). The planner
fixes the rows in the same preview and review as any upload and confirms: a new version,
activated and audited like any import (its report names the version it was reopened from). Nothing changes until that confirm, and the confirm is
refused (409, nothing stored) when another version of the program has become active since
the reopening (a new upload or import, a rollback): it would undo that version
(``confirm.reopen_refusal``; checked again under the write lock by ``activate``).

The rows come from the database, not from a browser: a version imported with
``geoapp import`` may be larger than an upload, so neither the upload size and row limits
(``MAX_CONTENT_LENGTH``, ``MAX_ROWS``; see ``state.match_options``) nor the reopened
file's own size against ``UPLOAD_QUOTA_BYTES`` bind it; it is refused only while the
uploads in progress already fill their quota (``folder.check_room``). ``MAX_COLUMNS``
still applies. A version imported for another working area (``geoapp import
--wilayah``) is refused: its matched rows would come back unmatched
(``kodes_outside_area``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.imports.pipeline import gazetteer_for
from geoapp.imports.upload import folder
from geoapp.imports.upload.checks import clean_title
from geoapp.imports.upload.state import NONE_COLUMN, UploadState
from geoapp.imports.upload.stored_codes import KODE_HEADER
from geoapp.io.records.headers import auto_mapping
from geoapp.store import jsonsafe, record, require_dataset, row_dicts
from geoapp.store.columns import dataset_columns
from geoapp.store.models import Dataset, DatasetRow
from geoapp.store.uploads import UploadShelf

NOT_ACTIVE = Msg(
    "upload.reopen_not_active",
    "Only the active version of a program can be reopened; version {version} is not "
    "active. Reopen the active version, or roll back to this one first.",
)
OUTSIDE_AREA = Msg(
    "upload.reopen_outside_area",
    "Version {version} cannot be reopened here: {count} of its matched kelurahan are "
    "outside this server's working area (for example {kode}), so reopening would leave "
    "their rows unmatched. It was imported for another working area (geoapp import "
    "--wilayah). Ask the admin to run the server with a WILAYAH that covers it, or import "
    "the file again for this working area.",
)
YEAR_HEADER = "Tahun"


def version_csv(session: Session, dataset_id: int) -> bytes:
    """The version's rows as CSV bytes (UTF-8), with the stored code of each matched row in
    the stored-code column ("" for the others: they keep only the evidence of their own
    cells). A version made by a reopen has that column already: it is refreshed, not
    repeated."""
    dataset = require_dataset(session, dataset_id)
    headers = [str(h) for h in jsonsafe.loads(dataset.headers_json, [])]
    year_at = dataset_columns(dataset).position("year")
    if year_at is None:
        headers.append(YEAR_HEADER)
        year_at = len(headers) - 1
    if KODE_HEADER not in headers:
        headers.append(KODE_HEADER)
    kode_at = headers.index(KODE_HEADER)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in row_dicts(session, dataset_id):
        cells = [str(c) for c in row["cells"]] + [""] * (len(headers) - len(row["cells"]))
        cells = cells[:len(headers)]
        if row["year"]:
            cells[year_at] = row["year"]
        cells[kode_at] = (row["kode"] if row["status"] == "matched" else "") or ""
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def original_kode_column(dataset: Dataset, headers: list[str]) -> int | None:
    """The 0-based position in ``headers`` of the code column the version was matched
    with (its report's column map), None when it had none. The stored-code column is never
    it: a version stored by an older reopen, which read that column as its code column,
    gets the code column its headers name (as a new upload's would be found)."""
    mapping = jsonsafe.loads(dataset.report_json, {}).get("columns")
    if isinstance(mapping, dict) and "kode" in mapping:
        header = mapping["kode"]
        if header is None:
            return None
        if isinstance(header, str) and header != KODE_HEADER and header in headers:
            return headers.index(header)
    taken = {i for i, h in enumerate(headers) if h == KODE_HEADER}
    return auto_mapping(headers, taken=taken).get("kode")


def kodes_outside_area(session: Session, dataset_id: int, boundaries: Any = None) -> list[str]:
    """The matched kelurahan codes of the version that the working area (``boundaries``;
    None: the app's default set) does not hold, sorted: a version imported with another
    ``--wilayah``."""
    kodes = session.scalars(select(DatasetRow.kode).distinct().where(
        DatasetRow.dataset_id == dataset_id, DatasetRow.status == "matched"))
    known = gazetteer_for(boundaries).by_kode
    return sorted(k for k in kodes if k and k not in known)


def reopen_version(session: Session, shelf: UploadShelf, dataset_id: int, *, user: str,
                   quota: int | None = None, boundaries: Any = None) -> UploadState:
    """A new upload of the active version's rows, for fixing them (see the module
    docstring); the reopening is audited. ``quota``: as ``start_upload``'s, but only a
    full upload space refuses it. A version whose matched kelurahan are not all in the
    working area (``boundaries``; None: the app's) is refused (409): its matched rows
    would come back unmatched."""
    dataset = require_dataset(session, dataset_id)
    if dataset.state != "active":
        raise GeoappError(NOT_ACTIVE, 409, version=dataset.version)
    outside = kodes_outside_area(session, dataset_id, boundaries)
    if outside:
        raise GeoappError(OUTSIDE_AREA, 409, version=dataset.version, count=len(outside),
                          kode=outside[0])
    data = version_csv(session, dataset_id)
    headers = [str(h) for h in jsonsafe.loads(dataset.headers_json, [])]
    original = original_kode_column(dataset, headers)
    kode_column = NONE_COLUMN if original is None else original + 1
    folder.check_room(shelf, quota)     # stored content: not bound by the upload limits
    stem = Path(dataset.source_name or dataset.program).stem[:80] or dataset.program
    state = UploadState(folder.new_token(), user, dataset.program,
                        clean_title(f"{dataset.title[:180]} (perbaikan)"),
                        f"{stem}_v{dataset.version}_perbaikan.csv",
                        hashlib.sha256(data).hexdigest(), time.time(),
                        columns={"kode": kode_column}, reopened_from=dataset.id,
                        reopened_kode=kode_column)
    folder.store_upload(shelf, state, data)
    record(session, "dataset.reopen", actor=user, target=dataset.title,
           dataset_id=dataset.id, program=dataset.program,
           details={"version": dataset.version, "unmatched": dataset.unmatched_count,
                    "review": dataset.review_count, "upload": state.token})
    session.commit()
    return state
