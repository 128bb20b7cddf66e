"""The framework-neutral upload steps and review decisions (no Flask)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from shared_state import new_shelf

from geoapp.core.errors import GeoappError
from geoapp.imports.decisions import Decision, apply_decisions, apply_review_choice, save_aliases
from geoapp.imports.upload.checks import check_upload
from geoapp.imports.upload.choices import change_options, choose_read_options, decide_rows
from geoapp.imports.upload.folder import cleanup_uploads, load_state, save_state
from geoapp.imports.upload.preview import build_preview
from geoapp.imports.upload.start import start_upload
from geoapp.matching.aliases import AliasStore

DATA = Path(__file__).resolve().parent.parent / "data" / "upload"


@pytest.fixture
def started(tmp_path):
    data = (DATA / "messy_umkm.csv").read_bytes()
    shelf = new_shelf(tmp_path)
    state = start_upload(shelf, data, "C:\\Users\\x\\messy.csv", program="umkm",
                              title="  UMKM   2020 ", user="perencana")
    yield shelf, state
    shelf.engine.dispose()


def test_start_upload_stores_under_a_server_name(started):
    folder, state = started
    assert state.filename == "messy.csv" and state.title == "UMKM 2020"
    assert folder.record(state.token).username == "perencana"
    assert folder.data(state.token) == (DATA / "messy_umkm.csv").read_bytes()
    loaded = load_state(folder, state.token, "perencana")
    assert loaded == state


@pytest.mark.parametrize("token", ["../../etc/passwd", "", "A" * 32, "0" * 31])
def test_load_state_rejects_bad_tokens(started, token):
    folder, _ = started
    with pytest.raises(GeoappError) as info:
        load_state(folder, token, "perencana")
    assert info.value.status == 404


def test_load_state_is_bound_to_its_owner(started):
    folder, state = started
    with pytest.raises(GeoappError):
        load_state(folder, state.token, "orang-lain")


def test_check_upload_rules():
    assert check_upload(b"a,b\n1,2\n", "x.csv") == "csv"
    with pytest.raises(GeoappError) as info:
        check_upload(b"a,b\n1,2\n", "x.xlsx")
    assert info.value.status == 422 and "CSV" in info.value.text("en")
    with pytest.raises(GeoappError) as info:
        check_upload(b"a,b\n", "x.exe")
    assert info.value.status == 400
    with pytest.raises(GeoappError) as info:
        check_upload(b"a" * 11, "x.csv", limit=10)
    assert info.value.status == 413


def test_bad_title_and_program_store_nothing(tmp_path):
    data = (DATA / "messy_umkm.csv").read_bytes()
    shelf = new_shelf(tmp_path)
    with pytest.raises(GeoappError):
        start_upload(shelf, data, "a.csv", program="umkm", title="  ", user="u")
    with pytest.raises(GeoappError):
        start_upload(shelf, data, "a.csv", program="nope", title="t", user="u")
    assert shelf.total_bytes() == 0
    shelf.engine.dispose()


def test_review_choice_pick_keeps_alias_pending_and_decides_rows(started, tmp_path):
    folder, state = started
    aliases = AliasStore.load(tmp_path / "aliases.csv")
    preview = build_preview(folder, state, aliases=aliases)
    group = preview.groups[0]
    decision = apply_review_choice(preview.run, "pick", group.row_indexes, "36.71.06.1003",
                                   None, "perencana")
    assert decision.alias == ["Sudimara", "Ciledug"]
    assert not (tmp_path / "aliases.csv").exists()            # nothing written at pick time
    decided = apply_decisions(preview.run, [decision])
    i = group.row_indexes[0]
    assert decided.result.status[i] == "matched" and decided.result.kode[i] == "36.71.06.1003"
    assert decided.result.method[i] == "alias"
    assert save_aliases(decided, [decision], aliases) == 1
    assert AliasStore.load(tmp_path / "aliases.csv").lookup("Sudimara", "Ciledug") == "36.71.06.1003"
    assert preview.run.result.status[i] == "review"          # the original run is untouched
    assert decided.ledger["rows"]["matched"] == preview.run.ledger["rows"]["matched"] + 1
    assert decided.ledger["balanced"]


def test_review_choice_validation(started):
    folder, state = started
    run = build_preview(folder, state, aliases=None).run
    review = [i for i, s in enumerate(run.result.status) if s == "review"]
    with pytest.raises(GeoappError):       # reason required
        apply_review_choice(run, "unmatched", review, None, "", "u")
    with pytest.raises(GeoappError):       # unknown kode
        apply_review_choice(run, "pick", review, "36.71.99.9999", None, "u")
    with pytest.raises(GeoappError):       # a matched row is not a review row
        apply_review_choice(run, "pick", [0], "36.71.06.1003", None, "u")
    with pytest.raises(GeoappError):       # unknown action
        apply_review_choice(run, "delete", review, None, None, "u")
    ok = apply_review_choice(run, "unmatched", review, None, " tidak  jelas ", "u")
    assert ok.reason == "tidak jelas" and ok.kode is None


def test_stale_decisions_are_skipped(started):
    folder, state = started
    run = build_preview(folder, state, aliases=None).run
    stale = Decision("pick", [0], "36.71.06.1003", "", "u")   # row 0 is matched already
    out = apply_decisions(run, [stale])
    assert out.result.kode[0] == run.result.kode[0]


def test_changing_read_options_drops_decisions(started):
    folder, state = started
    info = build_preview(folder, state, aliases=None).table.info
    state.decisions = [Decision("unmatched", [1], None, "x", "u")]
    change_options(state, sheet=None, header_row=None, columns={"kelurahan": 1},
                        read_as=info)
    assert state.decisions == [] and state.columns == {"kelurahan": 1}
    change_options(state, sheet=None, header_row=1, columns={"kelurahan": 2},
                        read_as=info)
    assert state.columns == {} and state.header_row == 1   # a new header row: auto columns


def test_read_options_are_kept_only_when_the_file_reads_with_them(started):
    folder, state = started
    saved = folder.record(state.token).state_json
    problem = choose_read_options(folder, state, sheet=None, header_row=999, columns={},
                                  aliases=None, max_rows=None, lang="en")
    assert problem is not None and problem.status >= 400
    assert state.header_row is None and folder.record(state.token).state_json == saved
    assert choose_read_options(folder, state, sheet=None, header_row=1, columns={},
                               aliases=None, max_rows=None, lang="en") is None
    assert load_state(folder, state.token, "perencana").header_row == 1 == state.header_row


def test_a_review_decision_is_checked_then_kept(started):
    folder, state = started
    run = build_preview(folder, state, aliases=None).run
    review = [i for i, s in enumerate(run.result.status) if s == "review"]
    with pytest.raises(GeoappError):      # leaving rows unmatched needs a reason
        decide_rows(folder, state, action="unmatched", positions=review, kode=None,
                    reason="", user="u", aliases=None, max_rows=None)
    assert load_state(folder, state.token, "perencana").decisions == []
    decision = decide_rows(folder, state, action="unmatched", positions=review, kode=None,
                           reason="tidak jelas", user="u", aliases=None, max_rows=None)
    assert load_state(folder, state.token, "perencana").decisions == [decision]


def test_cleanup_removes_only_old_uploads(started):
    folder, state = started
    old = time.time()
    assert cleanup_uploads(folder, max_age_s=3600, now=old + 10) == 0
    assert cleanup_uploads(folder, max_age_s=3600, now=old + 7200) == 1
    assert folder.record(state.token) is None and folder.total_bytes() == 0


def test_decision_state_round_trips_the_pending_alias(started):
    folder, state = started
    run = build_preview(folder, state, aliases=None).run
    review = [i for i, s in enumerate(run.result.status) if s == "review"]
    pick = apply_review_choice(run, "pick", review, "36.71.06.1003", None, "u")
    other = apply_review_choice(run, "pick", review, "36.71.01.1001", None, "u")   # Sukarasa
    assert other.alias is None and other.no_alias == "review.no_alias_kecamatan"
    state.decisions = [pick, other]
    save_state(folder, state)
    loaded = load_state(folder, state.token, "perencana")
    assert loaded.decisions == [pick, other]
    assert "Sukarasa" in loaded.decisions[1].alias_note().text("en")
