"""Step 3: store the reviewed upload as the program's new active version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.imports.decisions import save_aliases
from geoapp.imports.pipeline import MatchRun
from geoapp.imports.staging import stage_and_activate, version_of_run
from geoapp.imports.upload import folder
from geoapp.imports.upload.preview import build_preview
from geoapp.imports.upload.state import UploadState, upload_year
from geoapp.matching.aliases import AliasStore
from geoapp.store.datasets import active_dataset
from geoapp.store.lifecycle import ActiveChanged, superseding_version
from geoapp.store.models import Dataset
from geoapp.store.uploads import UploadShelf
from geoapp.values.dates import DISPLAY_TIMEZONE, format_datetime

NOTHING_MATCHED = Msg(
    "upload.nothing_matched",
    "No row matches a kelurahan yet, so this data cannot be stored. Choose the right "
    "kelurahan/kode/coordinate column or fix rows in the review.",
)
ALIASES_SAVED = Msg(
    "upload.aliases_saved",
    "{count} spelling(s) saved as aliases; the next upload recognises them automatically.",
)
STORED = Msg("upload.stored",
             "Data '{title}' was stored as version {version} and is now active on the map.")
SUPERSEDED = Msg(
    "upload.superseded",
    "Your data '{title}' was stored as version {version} but NOT activated: version "
    "{newer} of the same program, confirmed at nearly the same time by {newer_by}, is newer "
    "and stays active. Your version {version} is kept as archived in Stored versions: "
    "compare the two there, and if yours should be the active one, upload your file again.",
)
ROWS_LOST = Msg(
    "upload.reopen_rows_lost",
    "Read as it is now, this reopened data has {now} rows, but version {version} holds "
    "{rows}. Nothing was stored, so no row is lost: set the read options (header row, "
    "sheet) back, or discard this and reopen the version again.",
)
REOPEN_OUTDATED = Msg(
    "upload.reopen_outdated",
    "Version {version} was reopened, but since then version {active} (stored by {by}) "
    "became the active version, on {since_en}. Nothing was stored: confirming would have "
    "replaced version {active} with the rows of version {version}. Discard this upload and "
    "reopen version {active} to fix its rows.",
)
REOPEN_NONE_ACTIVE = Msg(
    "upload.reopen_none_active",
    "Version {version} was reopened, but it is no longer active and no version of this "
    "program is active now. Nothing was stored. Discard this upload and ask the admin "
    "which version should be active.",
)
ALIASES_NOT_SAVED = Msg(
    "upload.aliases_not_saved",
    "The data was stored, but the aliases could not be saved; pick the "
    "spellings again in the next upload.",
)


@dataclass
class Confirmed:
    """What a confirm stored: the new version, and whether it became the active one."""

    dataset: Dataset
    message: Note                  # stored and active, or stored but superseded
    newer: Dataset | None = None   # the newer version that stays active instead

    @property
    def active(self) -> bool:
        return self.newer is None


def confirm(session: Session, shelf: UploadShelf, state: UploadState, *,
            aliases: AliasStore | None, boundaries: Any = None,
            max_rows: int | None = None,
            notes: list[Note | GeoappError] | None = None,
            max_columns: int | None = None, tz: str = DISPLAY_TIMEZONE) -> Confirmed:
    """Store the reviewed upload as the program's new active version, then remove it.

    Stage + activate (``stage_and_activate``); if either fails the previous active
    version stays as it was and the upload stays for another try. A reopened version
    must still hold every row of the version it came from (``_check_rows_kept``). When a
    newer version of the program, confirmed at the same time by someone else, is already
    active, the upload is stored as an archived version instead and the message says so.
    Only once the version is stored are the picks' pending aliases saved to ``aliases``
    (a discarded upload saves none); what happened to them is appended to ``notes``.
    """
    folder.claim(shelf, state.token)
    try:
        if state.reopened_from is not None:
            _check_still_active(session, state.program, state.reopened_from, tz)
        run = _confirmable_run(shelf, state, aliases, boundaries, max_rows, max_columns)
        if state.reopened_from is not None:
            _check_rows_kept(session, state.reopened_from, run)
        version = version_of_run(run, program=state.program, title=state.title,
                                 source_sha256=state.sha256, source_name=state.filename,
                                 user=state.user, year=upload_year(state))
        if state.reopened_from is not None:
            version.report = {**version.report, "reopened_from": state.reopened_from}
            version.replaces = state.reopened_from
        try:
            dataset = stage_and_activate(session, version)
        except ActiveChanged as exc:       # another version became active meanwhile
            raise reopen_refusal(exc, tz) from exc
    finally:
        folder.release(shelf, state.token)
    folder.discard(shelf, state.token)
    _save_pending_aliases(run, state, aliases, notes)
    return _outcome(session, dataset)


def _outcome(session: Session, dataset: Dataset) -> Confirmed:
    newer = superseding_version(session, dataset)
    if newer is None:
        return Confirmed(dataset, Note.of(STORED, title=dataset.title, version=dataset.version))
    return Confirmed(dataset, Note.of(SUPERSEDED, title=dataset.title, version=dataset.version,
                                      newer=newer.version, newer_by=newer.imported_by or "-"),
                     newer)


def _confirmable_run(shelf: UploadShelf, state: UploadState, aliases: AliasStore | None,
                     boundaries: Any, max_rows: int | None,
                     max_columns: int | None = None) -> MatchRun:
    """The decided run of the upload (stored texts in Indonesian); 422 when nothing matched."""
    preview = build_preview(shelf, state, aliases=aliases, boundaries=boundaries,
                            max_rows=max_rows, max_columns=max_columns, lang="id")
    if preview.problem is not None:
        raise preview.problem
    if preview.run.ledger["rows"]["matched"] == 0:
        raise GeoappError(NOTHING_MATCHED, 422)
    return preview.run


def _check_still_active(session: Session, program: str, base_id: int, tz: str) -> None:
    """A reopened upload is confirmed only while the version it came from is the active
    one (a first check; ``activate`` checks again under the write lock)."""
    active = active_dataset(session, program)
    if active is None or active.id != base_id:
        base = session.get(Dataset, base_id)
        raise reopen_refusal(ActiveChanged(program, None if base is None else base.version,
                                           active), tz)


def reopen_refusal(changed: ActiveChanged, tz: str = DISPLAY_TIMEZONE) -> GeoappError:
    """The 409 said when a reopened version's base is no longer the active version."""
    version = "-" if changed.replaced_version is None else changed.replaced_version
    if changed.active_version is None:
        return GeoappError(REOPEN_NONE_ACTIVE, 409, version=version)
    return GeoappError(REOPEN_OUTDATED, 409, version=version, active=changed.active_version,
                       by=changed.active_by or "-",
                       since_en=format_datetime(changed.active_since, "en", tz) or "-",
                       since_id=format_datetime(changed.active_since, "id", tz) or "-")


def _check_rows_kept(session: Session, base_id: int, run: MatchRun) -> None:
    """A reopened version stored again holds every row of the version it came from:
    refuse (409) a run of another number of rows (read options changed meanwhile)."""
    base = session.get(Dataset, base_id)
    now = int(run.ledger["rows"]["total"])
    if base is not None and now != base.row_count:
        raise GeoappError(ROWS_LOST, 409, now=now, version=base.version, rows=base.row_count)


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
