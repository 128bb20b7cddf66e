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


def test_the_stored_code_column_is_not_offered_as_the_code_column():
    """Reopened, the file's own code column is the code column; the stored-code column
    holds codes too, but no note asks to choose it as the code column."""
    text = (f"Kode Wilayah,Kelurahan,Kecamatan,Jumlah,{KODE_HEADER}\n"
            "36.71.01.1001,Sukarasa,Tangerang,1,36.71.01.1001\n"
            "36.71.01.1002,Sukaasih,Tangerang,2,36.71.01.1002\n"
            "36.71.02.1002,Cikokol,Tangerang,3,\n")
    options = MatchOptions(columns={"kode": 1}, allow_nothing_matched=True, lang="en")
    run = run_match(text.encode("utf-8"), "v1_perbaikan.csv", options)
    unused = [n for n in run.table.info.column_notes if n.key == "column_code_unused"]
    assert [dict(n.params)["column"] for n in unused] == [KODE_HEADER]
    assert run.result.status[2] == "review"           # code and names disagree
    kept = keep_stored_codes(run, "en")
    assert not [n for n in kept.table.info.column_notes if n.key == "column_code_unused"]
    assert "looks like a code column" not in str(kept.report["notes"])
    assert list(kept.result.status) == ["matched", "matched", "review"]
