"""A reopened version is content from the database, not a browser upload: the upload row
limit and the quota's size check do not bind it (no Flask)."""

from __future__ import annotations

import pytest
from shared_state import new_shelf

from geoapp.core.errors import GeoappError
from geoapp.imports.upload import folder
from geoapp.imports.upload.state import UploadState, match_options


def a_state(reopened_from: int | None = None) -> UploadState:
    return UploadState(folder.new_token(), "perencana", "umkm", "UMKM", "umkm.csv", "0" * 64,
                       0.0, reopened_from=reopened_from)


def test_the_row_limit_binds_uploads_but_not_a_reopened_version():
    upload = match_options(a_state(), max_rows=20, max_columns=30, lang="id")
    reopened = match_options(a_state(reopened_from=7), max_rows=20, max_columns=30, lang="id")
    assert (upload.max_rows, upload.max_columns) == (20, 30)
    assert (reopened.max_rows, reopened.max_columns) == (None, 30)


@pytest.fixture
def shelf(tmp_path):
    shelf = new_shelf(tmp_path)
    yield shelf
    shelf.engine.dispose()


def test_check_room_refuses_only_a_full_upload_space(shelf):
    folder.check_room(shelf, 100)               # empty: room, whatever comes next
    state = a_state()
    folder.store_upload(shelf, state, b"x" * 99)
    folder.check_room(shelf, 100)               # one byte left
    with pytest.raises(GeoappError) as info:
        folder.check_quota(shelf, 2, 100)       # an upload must fit in what is left
    assert info.value.status == 507
    folder.store_upload(shelf, a_state(), b"y")
    with pytest.raises(GeoappError) as info:
        folder.check_room(shelf, 100)           # full: nothing more until space is free
    assert info.value.status == 507
    folder.check_room(shelf, 0)                 # 0: no limit
