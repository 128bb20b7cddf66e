"""A reopened version's matched rows keep their stored kelurahan code (no Flask)."""

from __future__ import annotations

from geoapp.imports.pipeline import MatchOptions, run_match
from geoapp.imports.upload.stored_codes import KODE_HEADER, keep_stored_codes, stored_codes

# Row 1 was assigned by hand (its kecamatan disagrees with its code), row 2 matched by
# name, row 3 was never matched, row 4 carries a code outside the working area.
REOPENED = (f"Kelurahan,Kecamatan,Jumlah,{KODE_HEADER}\n"
            "Desa Antah,Tangerang,1,36.71.05.1001\n"
            "Sukarasa,Tangerang,2,36.71.01.1001\n"
            "Poris,,3,\n"
            "Ciater,Serpong,4,36.74.01.1001\n")


def matched(text: str = REOPENED):
    columns = {"kode": 4} if KODE_HEADER in text else {}
    options = MatchOptions(columns=columns, allow_nothing_matched=True, lang="en")
    return run_match(text.encode("utf-8"), "v1_perbaikan.csv", options)


def test_stored_codes_are_read_from_their_column_only_inside_the_area():
    assert stored_codes(matched()) == ["36.71.05.1001", "36.71.01.1001", None, None]
    plain = "Kelurahan,Kecamatan\nSukarasa,Tangerang\n"
    assert stored_codes(matched(plain)) == [None]


def test_rows_with_a_stored_code_stay_matched_to_it():
    run = matched()
    assert run.result.status[0] != "matched"          # the matcher doubts the hand-made one
    kept = keep_stored_codes(run, "en")
    r = kept.result
    assert list(r.status) == ["matched", "matched", run.result.status[2], run.result.status[3]]
    assert list(r.kode[:2]) == ["36.71.05.1001", "36.71.01.1001"]
    assert "Matched as stored in the reopened version" in r.note[0]
    assert kept.ledger["rows"]["matched"] == 2 and kept.ledger["sums"]["Jumlah"]["matched"] == 3
    assert kept.ledger["sums"]["Jumlah"]["difference"] == 0
    assert run.result.status[0] != "matched"          # the run given is not changed
    assert keep_stored_codes(kept, "en") is kept      # nothing to change: the same run
