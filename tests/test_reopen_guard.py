"""A reopened version is activated only while the version it came from is still active.

Reopening the active version of a program and confirming it later made that version's
rows active again even when, meanwhile, another version (a new upload, ``geoapp import``,
a rollback) had become active: the newer one was silently undone. ``activate(replaces=)``
(``NewVersion.replaces``, set by the upload confirm of a reopened upload) now checks, in
the activating transaction after the write lock, that the version it replaces is still
the active one; otherwise the staged version is removed and ``ActiveChanged`` (409) raised.
Runs on SQLite and, with GEOAPP_TEST_DATABASE=postgres, on PostgreSQL (no Flask).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geoapp.imports.staging import NewVersion, stage_and_activate, stage_version
from geoapp.imports.upload.confirm import reopen_refusal
from geoapp.store import activate, active_dataset, create_engine_for, init_db, rollback
from geoapp.store.lifecycle import ActiveChanged
from geoapp.store.models import Dataset, DatasetRow


def _version(user: str, replaces: int | None = None) -> NewVersion:
    row = {"position": 0, "status": "matched", "kode": "36.71.01.1001", "cells": ["Sukarasa"],
           "measures": {}}
    return NewVersion(program="umkm", title=f"UMKM dari {user}", rows=[row],
                      headers=["Kelurahan"], ledger={}, report={}, source_sha256="",
                      source_name=f"{user}.csv", user=user, replaces=replaces)


@pytest.fixture
def engine(tmp_path, test_database):
    engine = create_engine_for(test_database or tmp_path / "reopen.sqlite3")
    init_db(engine)
    yield engine
    engine.dispose()


def _counts(session: Session) -> tuple[int, int]:
    return (session.scalar(select(func.count()).select_from(Dataset)),
            session.scalar(select(func.count()).select_from(DatasetRow)))


def test_a_reopened_version_replaces_its_base_while_it_is_active(engine):
    with Session(engine) as s:
        base = stage_and_activate(s, _version("lama"))
        fixed = stage_and_activate(s, _version("ani", replaces=base.id))
        assert fixed.state == "active" and fixed.previous_id == base.id
        assert active_dataset(s, "umkm").id == fixed.id


def test_a_version_activated_meanwhile_is_not_undone(engine):
    """The reported case: v1 reopened (v3 staged from it) while v2, staged earlier by
    someone else, became active; v3 is newer than v2, so "newest wins" let it through."""
    with Session(engine) as s:
        base = stage_and_activate(s, _version("lama"))
        other = stage_version(s, _version("budi"))                   # v2
        reopened = stage_version(s, _version("ani", replaces=base.id))    # v3, from v1
        assert activate(s, other.id).state == "active"
        before = _counts(s)
        reopened_id = reopened.id
        with pytest.raises(ActiveChanged) as refused:
            activate(s, reopened_id, keep_years=True, replaces=base.id)
        exc = refused.value
        assert exc.status == 409 and exc.code == "store.active_changed"
        assert (exc.replaced_version, exc.active_version, exc.active_by) == (1, 2, "budi")
        assert exc.active_since is not None
        assert active_dataset(s, "umkm").id == other.id             # v2 stays active
        assert s.get(Dataset, reopened_id) is None                  # nothing stored
        assert s.scalar(select(func.count()).select_from(DatasetRow)
                        .where(DatasetRow.dataset_id == reopened_id)) == 0
        assert _counts(s) == (before[0] - 1, before[1] - 1)
        assert s.get(Dataset, base.id).state == "archived"


def test_a_newer_version_activated_meanwhile_is_not_undone_either(engine):
    """Staged after the reopened one: the reopened one is refused, not kept archived."""
    with Session(engine) as s:
        base = stage_and_activate(s, _version("lama"))
        reopened = stage_version(s, _version("ani", replaces=base.id))
        newer = stage_and_activate(s, _version("budi"))
        reopened_id = reopened.id
        with pytest.raises(ActiveChanged):
            activate(s, reopened_id, replaces=base.id)
        assert active_dataset(s, "umkm").id == newer.id
        assert s.get(Dataset, reopened_id) is None


def test_a_rollback_meanwhile_is_not_undone(engine):
    with Session(engine) as s:
        first = stage_and_activate(s, _version("lama"))
        base = stage_and_activate(s, _version("lama"))
        assert rollback(s, "umkm").id == first.id
        with pytest.raises(ActiveChanged) as refused:
            stage_and_activate(s, _version("ani", replaces=base.id))
        assert (refused.value.replaced_version, refused.value.active_version) == (2, 1)
        assert active_dataset(s, "umkm").id == first.id
        assert [d.version for d in s.scalars(select(Dataset).order_by(Dataset.version))] == [1, 2]


def test_the_upload_confirm_says_both_versions_in_english_and_indonesian(engine):
    with Session(engine) as s:
        base = stage_and_activate(s, _version("lama"))
        newer = stage_and_activate(s, _version("budi"))
        with pytest.raises(ActiveChanged) as refused:
            stage_and_activate(s, _version("ani", replaces=base.id))
        said = reopen_refusal(refused.value, "UTC")
        assert said.status == 409 and said.code == "upload.reopen_outdated"
        since = newer.activated_at
        english = said.text("en")
        assert english.startswith("Version 1 was reopened, but since then version 2 (stored "
                                  "by budi) became the active version, on ")
        assert f"{since.day} " in english and "Nothing was stored" in english
        assert "reopen version 2 to fix its rows" in english
        indonesian = said.text("id")
        assert "Versi 1 dibuka kembali" in indonesian and "versi 2" in indonesian
        assert "budi" in indonesian and "Tidak ada yang disimpan" in indonesian
