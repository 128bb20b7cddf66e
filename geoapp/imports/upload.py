"""Upload -> preview -> review -> confirm, as framework-neutral steps.

The uploaded bytes are stored under a server-made name (``<token>.upload`` in the
upload folder; the user's file name is only displayed) together with a small JSON
state file ``<token>.json`` (owner, program, title, read options, review decisions).
Every step re-reads and re-matches the stored bytes, so nothing depends on staged
datasets surviving a restart. ``confirm`` stages and activates the dataset in the
store (atomic; the previous version stays active if anything fails) and removes
the upload. Uploads older than ``MAX_AGE_S`` are removed by ``cleanup_uploads``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.core.programs import get_program
from geoapp.imports.decisions import Decision, apply_decisions, save_aliases
from geoapp.imports.ledger import build_ledger
from geoapp.imports.pipeline import MatchRun, build_report, gazetteer_for, match_table
from geoapp.imports.review import ReviewGroup, review_groups
from geoapp.io.records.reader import read_records
from geoapp.io.records.source import detect_format
from geoapp.io.records.types import ROLES, ReadInfo, RecordTable
from geoapp.io.records.xlsx_reader import read_xlsx_grid
from geoapp.matching.aliases import AliasStore
from geoapp.store import activate, stage_import
from geoapp.store.adapter import rows_from_run
from geoapp.store.models import Dataset

MAX_AGE_S = 2 * 24 * 3600
DEFAULT_UPLOAD_QUOTA = 200 * 1024 * 1024  # UPLOAD_QUOTA_BYTES: bytes the upload folder may hold
MAX_FILENAME = 120
NONE_COLUMN = 0  # a role explicitly set to "no column"
_TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}

BAD_EXTENSION = Msg(
    "upload.bad_extension",
    id="Berkas '{filename}' tidak didukung. Unggah berkas berakhiran {allowed}.",
    en="The file '{filename}' is not supported. Upload a file ending in {allowed}.",
)
EXT_MISMATCH = Msg(
    "upload.ext_mismatch",
    id="Nama berkas '{filename}' berakhiran {ext}, tetapi isinya {actual}. Simpan ulang berkas dengan format yang benar (atau ganti akhiran nama berkas), lalu unggah lagi.",
    en="The file name '{filename}' ends in {ext}, but its content is {actual}. Save the file again in the right format (or fix the name's ending) and upload it again.",
)
NO_FILE = Msg(
    "upload.no_file",
    id="Belum ada berkas yang dipilih. Pilih berkas CSV atau XLSX.",
    en="No file was chosen. Choose a CSV or XLSX file.",
)
TOO_LARGE = Msg(
    "upload.too_large",
    id="Berkas '{filename}' lebih besar dari batas {limit} MB. Perkecil atau pecah berkasnya.",
    en="The file '{filename}' is larger than the {limit} MB limit. Make it smaller or split it.",
)
UPLOAD_GONE = Msg(
    "upload.gone",
    id="Unggahan ini tidak ditemukan atau sudah selesai/kedaluwarsa. Unggah berkasnya lagi.",
    en="This upload was not found or is finished/expired. Upload the file again.",
)
BAD_TITLE = Msg(
    "upload.bad_title",
    id="Judul kosong atau lebih dari 200 karakter. Isi judul yang singkat.",
    en="The title is empty or longer than 200 characters. Give a short title.",
)
BAD_SHEET = Msg(
    "upload.bad_sheet",
    id="Lembar '{sheet}' tidak ada. Pilih salah satu: {allowed}.",
    en="Sheet '{sheet}' does not exist. Choose one of: {allowed}.",
)
NOTHING_MATCHED = Msg(
    "upload.nothing_matched",
    id="Belum ada baris yang cocok dengan kelurahan, jadi data ini belum dapat disimpan. Pilih kolom kelurahan/kode/koordinat yang benar atau perbaiki baris di tinjauan.",
    en="No row matches a kelurahan yet, so this data cannot be stored. Choose the right kelurahan/kode/coordinate column or fix rows in the review.",
)
QUOTA_FULL = Msg(
    "upload.quota_full",
    id="Ruang unggahan penuh (batas {limit} MB). Selesaikan atau buang unggahan yang menunggu tinjauan, lalu coba lagi; atau minta admin menaikkan UPLOAD_QUOTA_BYTES.",
    en="The upload space is full (limit {limit} MB). Finish or discard uploads awaiting review and try again, or ask the admin to raise UPLOAD_QUOTA_BYTES.",
)
DISK_FULL = Msg(
    "upload.disk_full",
    id="Disk server penuh, jadi berkas tidak dapat disimpan. Tidak ada data yang berubah. Coba lagi nanti atau hubungi admin.",
    en="The server's disk is full, so the file could not be stored. No data was changed. Try again later or contact the admin.",
)
WRITE_FAILED = Msg(
    "upload.write_failed",
    id="Berkas tidak dapat disimpan di server. Tidak ada data yang berubah. Coba lagi atau hubungi admin.",
    en="The file could not be stored on the server. No data was changed. Try again or contact the admin.",
)
ALIASES_SAVED = Msg(
    "upload.aliases_saved",
    id="{count} ejaan disimpan sebagai alias dan dikenali otomatis pada unggahan berikutnya.",
    en="{count} spelling(s) saved as aliases; the next upload recognises them automatically.",
)
ALIASES_NOT_SAVED = Msg(
    "upload.aliases_not_saved",
    id="Data tersimpan, tetapi alias tidak dapat disimpan; pilih lagi ejaannya pada unggahan berikutnya.",
    en="The data was stored, but the aliases could not be saved; pick the spellings again in the next upload.",
)
BUSY = Msg(
    "upload.busy",
    id="Unggahan ini sedang disimpan. Tunggu sebentar lalu buka halaman data.",
    en="This upload is being stored already. Wait a moment, then open the data page.",
)


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


@dataclass
class Preview:
    """One read + match of an upload: the table, the (decided) run, or why matching stopped."""

    table: RecordTable
    run: MatchRun | None
    problem: GeoappError | None = None

    @property
    def groups(self) -> list[ReviewGroup]:
        return [] if self.run is None else review_groups(self.run)


# ---- checks on the raw upload -------------------------------------------------------------

def display_name(filename: str | None) -> str:
    """The user's file name reduced to its last part, for display only."""
    name = re.split(r"[\\/]", str(filename or ""))[-1].strip()
    return "".join(c for c in name if c.isprintable())[:MAX_FILENAME] or "upload"


def check_upload(data: bytes, filename: str, limit: int | None = None) -> str:
    """Check size, extension and content agree; return ``csv`` or ``xlsx``."""
    if limit and len(data) > limit:
        raise GeoappError(TOO_LARGE, 413, filename=filename, limit=f"{limit / 2**20:g}")
    ext = Path(filename).suffix.lower()
    declared = _EXTENSIONS.get(ext)
    if declared is None:
        raise GeoappError(BAD_EXTENSION, 400, filename=filename, allowed=", ".join(_EXTENSIONS))
    actual, _notes = detect_format(data, filename)
    if actual != declared:
        raise GeoappError(EXT_MISMATCH, 422, filename=filename, ext=ext, actual=actual.upper())
    return actual


def clean_title(title: str | None) -> str:
    text = " ".join(str(title or "").split())
    if not text or len(text) > 200:
        raise GeoappError(BAD_TITLE, 400)
    return text


# ---- storage ----------------------------------------------------------------------------

def _paths(upload_dir: str | Path, token: str) -> tuple[Path, Path]:
    if not _TOKEN_RE.match(str(token or "")):
        raise GeoappError(UPLOAD_GONE, 404)
    folder = Path(upload_dir)
    return folder / f"{token}.upload", folder / f"{token}.json"


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def save_state(upload_dir: str | Path, state: UploadState) -> None:
    _, meta = _paths(upload_dir, state.token)
    try:
        _write_atomic(meta, json.dumps(state.as_dict(), ensure_ascii=False).encode("utf-8"))
    except OSError as exc:
        raise _storage_error(exc) from None


def _storage_error(exc: OSError) -> GeoappError:
    """A failed write as a user message: 507 when the disk (or quota) is full."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return GeoappError(DISK_FULL, 507)
    return GeoappError(WRITE_FAILED, 500)


def folder_bytes(upload_dir: str | Path) -> int:
    """Bytes held by the files directly in the upload folder."""
    total = 0
    folder = Path(upload_dir)
    if folder.is_dir():
        for path in folder.iterdir():
            try:
                total += path.stat().st_size if path.is_file() else 0
            except OSError:
                continue
    return total


def check_quota(upload_dir: str | Path, incoming: int, quota: int | None = None) -> None:
    """Refuse (507) an upload that would take the folder past its quota."""
    limit = DEFAULT_UPLOAD_QUOTA if quota is None else quota
    if limit and folder_bytes(upload_dir) + incoming > limit:
        raise GeoappError(QUOTA_FULL, 507, limit=f"{limit / 2**20:g}")


def load_state(upload_dir: str | Path, token: str, user: str) -> UploadState:
    """The state of ``token`` if it exists and belongs to ``user``; else a 404."""
    data_path, meta = _paths(upload_dir, token)
    try:
        state = UploadState.from_dict(json.loads(meta.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        raise GeoappError(UPLOAD_GONE, 404) from None
    if state.user != user or state.token != token or not data_path.is_file():
        raise GeoappError(UPLOAD_GONE, 404)
    return state


def read_upload(upload_dir: str | Path, state: UploadState) -> bytes:
    data_path, _ = _paths(upload_dir, state.token)
    try:
        return data_path.read_bytes()
    except OSError:
        raise GeoappError(UPLOAD_GONE, 404) from None


def discard(upload_dir: str | Path, token: str) -> None:
    """Remove an upload's files (missing files are fine)."""
    for path in (*_paths(upload_dir, token), Path(upload_dir) / f"{token}.lock"):
        path.unlink(missing_ok=True)


def cleanup_uploads(upload_dir: str | Path, max_age_s: float = MAX_AGE_S,
                    now: float | None = None) -> int:
    """Delete uploads whose files are older than ``max_age_s``; return how many."""
    folder, now = Path(upload_dir), time.time() if now is None else now
    removed = 0
    if not folder.is_dir():
        return 0
    for meta in folder.glob("*.json"):
        token = meta.stem
        try:
            old = now - meta.stat().st_mtime > max_age_s
        except OSError:
            continue
        if _TOKEN_RE.match(token) and old:
            discard(folder, token)
            removed += 1
    return removed


# ---- steps ------------------------------------------------------------------------------

def start_upload(upload_dir: str | Path, data: bytes, filename: str, *, program: str,
                 title: str, user: str, limit: int | None = None,
                 max_rows: int | None = None, header_row: int | None = None,
                 quota: int | None = None) -> UploadState:
    """Check and read the upload; only a readable file is stored. Return its new state.

    ``quota``: the most bytes the upload folder may hold (None = ``DEFAULT_UPLOAD_QUOTA``,
    0 = no limit); a full folder or disk gives a 507 and leaves no file behind.
    """
    get_program(program)
    name = display_name(filename)
    title = clean_title(title)
    kind = check_upload(data, name, limit)
    check_quota(upload_dir, len(data), quota)  # before the costly read
    sheet = _readable_sheet(data, name, kind, max_rows, header_row)  # bad files fail here
    token = secrets.token_hex(16)
    state = UploadState(token, user, program, title, name, hashlib.sha256(data).hexdigest(),
                        time.time(), sheet=sheet, header_row=header_row)
    Path(upload_dir).mkdir(parents=True, exist_ok=True)
    data_path, _ = _paths(upload_dir, token)
    try:
        try:
            _write_atomic(data_path, data)
        except OSError as exc:
            raise _storage_error(exc) from None
        save_state(upload_dir, state)
    except BaseException:
        discard(upload_dir, token)  # never leave half an upload behind
        raise
    return state


def _readable_sheet(data: bytes, name: str, kind: str, max_rows: int | None,
                    header_row: int | None = None) -> str | None:
    """None when the file reads as it is; for a workbook whose first sheet holds no table
    (a cover or notes sheet), the first sheet that does. Else the reader's error."""
    try:
        read_records(data, name, header_row=header_row, max_rows=max_rows)
        return None
    except GeoappError as first_error:
        if kind != "xlsx" or first_error.status == 413:
            raise
        error = first_error
    for sheet in read_xlsx_grid(data, name).sheets[1:]:
        try:
            read_records(data, name, sheet=sheet, header_row=header_row, max_rows=max_rows)
            return sheet
        except GeoappError:
            continue
    raise error


def _read(data: bytes, state: UploadState, max_rows: int | None) -> RecordTable:
    chosen = {r: c for r, c in state.columns.items() if c != NONE_COLUMN}
    table = read_records(data, state.filename, sheet=state.sheet, header_row=state.header_row,
                         columns=chosen or None, max_rows=max_rows)
    for role, column in state.columns.items():
        if column == NONE_COLUMN:
            setattr(table.mapping, role, None)
    return table


def build_preview(upload_dir: str | Path, state: UploadState, *, aliases: AliasStore | None,
                  boundaries: Any = None, max_rows: int | None = None,
                  lang: str = "id") -> Preview:
    """Read and match the stored upload with the state's options, then apply decisions."""
    table = _read(read_upload(upload_dir, state), state, max_rows)
    gazetteer = gazetteer_for(boundaries)
    try:
        result, coords = match_table(table, gazetteer, aliases, lang=lang)
    except GeoappError as exc:  # e.g. no location column: the planner picks one
        return Preview(table, None, exc)
    ledger = build_ledger(table, result)
    run = MatchRun(table, result, ledger, build_report(table, result, ledger, lang), gazetteer,
                   coords)
    return Preview(table, apply_decisions(run, state.decisions, lang))


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


def add_decision(state: UploadState, decision: Decision) -> UploadState:
    state.decisions.append(decision)
    return state


def _claim(upload_dir: str | Path, token: str) -> Path:
    lock = Path(upload_dir) / f"{token}.lock"
    try:
        os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise GeoappError(BUSY, 409) from None
    return lock


def confirm(session: Session, upload_dir: str | Path, state: UploadState, *,
            aliases: AliasStore | None, boundaries: Any = None,
            max_rows: int | None = None,
            notes: list[Note | GeoappError] | None = None) -> Dataset:
    """Store the reviewed upload as the program's new active version, then remove it.

    Stage + activate; if either fails the previous active version stays as it was and
    the upload stays for another try. Only after the version is active are the picks'
    pending aliases saved to ``aliases`` (a discarded upload saves none); what happened
    to them is appended to ``notes`` when given.
    """
    lock = _claim(upload_dir, state.token)
    try:
        preview = build_preview(upload_dir, state, aliases=aliases, boundaries=boundaries,
                                max_rows=max_rows, lang="id")
        if preview.problem is not None:
            raise preview.problem
        run = preview.run
        if run.ledger["rows"]["matched"] == 0:
            raise GeoappError(NOTHING_MATCHED, 422)
        staged = stage_import(
            session, program=state.program, title=state.title, rows=rows_from_run(run),
            headers=list(run.table.headers), ledger=run.ledger, report=run.report,
            source_sha256=state.sha256, source_name=state.filename, user=state.user,
        )
        dataset = activate(session, staged.id)
    finally:
        lock.unlink(missing_ok=True)
    discard(upload_dir, state.token)
    _save_pending_aliases(run, state, aliases, notes)
    return dataset


def _save_pending_aliases(run: MatchRun, state: UploadState, aliases: AliasStore | None,
                          notes: list[Note | GeoappError] | None) -> None:
    """Save the confirmed picks' aliases; a failure is reported, the stored data stays."""
    if aliases is None:
        return
    try:
        count = save_aliases(run, state.decisions, aliases)
    except GeoappError as exc:
        if notes is not None:
            notes.extend([Note.of(ALIASES_NOT_SAVED), exc])
        return
    if count and notes is not None:
        notes.append(Note.of(ALIASES_SAVED, count=count))
