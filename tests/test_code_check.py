"""Codes are evidence only once checked (issue 14 point 1, 4): BPS codes, codes the names
contradict, a code with a close spelling, a code refused for a renamed desa.

Every file here is hand-made inline. The BPS codes are Kota Tangerang's BPS desa codes
(kecamatan parts 010 Ciledug, 011 Larangan, 031 Pinang, 040 Tangerang, 041 Karawaci):
3671011001 is a desa of Larangan for BPS but reads as Kemendagri 36.71.01.1001 Sukarasa.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geoapp.imports.pipeline import MatchOptions, output_frame, run_match
from geoapp.matching.gazetteer import Gazetteer
from geoapp.values.codes import looks_bps

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "data" / "boundaries" / "kota_tangerang_kelurahan.geojson"

# The right Kemendagri code of each hand-written (name, kecamatan).
TRUTH = {
    "Tajur": "36.71.06.1004", "Parung Serab": "36.71.06.1005",
    "Larangan Utara": "36.71.13.1001", "Larangan Selatan": "36.71.13.1002",
    "Cipadu": "36.71.13.1003", "Gaga": "36.71.13.1006", "Kreo": "36.71.13.1004",
    "Pinang": "36.71.11.1001", "Cimone": "36.71.07.1005", "Sukarasa": "36.71.01.1001",
}
MIXED = """kode_desa,nama_desa,kecamatan,jumlah
3671010001,Tajur,Ciledug,5
3671010002,Parung Serab,Ciledug,3
3671011001,Larangan Utara,Larangan,7
3671011002,Larangan Selatan,Larangan,2
3671011003,Cipadu,Larangan,1
3671011006,Gaga,Larangan,4
3671031001,Pinang,Pinang,9
3671041005,Cimone,Karawaci,6
3671040001,Sukarasa,Tangerang,2
"""
# Only Larangan (BPS 011): every code is also a valid Kemendagri code of kecamatan
# Tangerang (36.71.01.100x), so only the names can tell.
LARANGAN_ONLY = """Kode,Desa/Kelurahan,Jumlah
3671011001,Larangan Utara,1
3671011002,Larangan Selatan,2
3671011003,Cipadu,3
3671011004,Kreo,4
3671011006,Gaga,5
"""


def run(text: str, *, lang="en", boundaries=None, **columns):
    options = MatchOptions(lang=lang, columns=columns, allow_nothing_matched=True)
    return run_match(text.encode("utf-8"), "t.csv", options, boundaries=boundaries)


def wrong(run_) -> int:
    names = run_.table.column(run_.table.mapping.kelurahan)
    return sum(1 for i, k in enumerate(run_.result.kode)
               if k is not None and TRUTH[names.iloc[i]] != k)


def test_bps_layout_is_recognised_at_column_level():
    assert looks_bps(["3671010001", "3671011001", "3671020003"])
    assert not looks_bps(["3671011001", "3671011002", "36.71.01.1003"])
    assert not looks_bps(["36.71.06.1004", "36.71.13.1001"])


def test_bps_codes_colliding_with_kota_tangerang_codes_give_no_wrong_match():
    r = run(MIXED)
    assert wrong(r) == 0
    assert r.ledger["rows"]["matched"] == 9
    assert set(r.result.method) == {"nama"}
    assert all("BPS" in n for n in r.result.note)
    kode = next(c for c in r.ledger["columns"] if c["header"] == "kode_desa")
    assert kode["use"] == "kode not used" and kode["reason"] == "bps"
    assert any("BPS" in n["text"] for n in r.report["notes"])
    assert r.ledger["sums"]["jumlah"]["matched"] == 39 and r.ledger["balanced"]


def test_codes_that_all_read_as_valid_kemendagri_codes_are_checked_against_names():
    r = run(LARANGAN_ONLY)
    assert wrong(r) == 0
    assert r.ledger["rows"]["matched"] == 5
    kode = next(c for c in r.ledger["columns"] if c["header"] == "Kode")
    assert kode["reason"] == "disagree"


def test_a_file_with_only_bps_codes_goes_to_review_never_to_a_match():
    r = run("kode_desa,jumlah\n3671010001,1\n3671011001,2\n3671040001,3\n")
    assert list(r.result.status) == ["review"] * 3
    assert all(k is None for k in r.result.kode)
    assert all("BPS" in n for n in r.result.note)
    assert r.ledger["balanced"] and r.ledger["sums"]["jumlah"]["review"] == 6


def test_a_code_column_named_bps_is_never_read_as_kemendagri():
    r = run("kode_bps_desa,jumlah\n3671011001,1\n3671011002,2\n")
    assert r.ledger["rows"]["matched"] == 0
    assert list(r.result.status) == ["review", "review"]


def test_checked_kemendagri_codes_still_match_by_code():
    r = run("kode,kelurahan,kecamatan\n36.71.13.1001,Larangan Utara,Larangan\n"
            "3671131006,GAGA,Larangan\n36.71.06.1004,,\n")
    assert list(r.result.method) == ["kode"] * 3
    assert list(r.result.kode) == ["36.71.13.1001", "36.71.13.1006", "36.71.06.1004"]


def test_a_seventh_digit_other_than_1_2_3_is_never_kemendagri():
    # Kemendagri desa parts start with 1, 2 or 3 (Papua's desa adat); BPS kecamatan 014
    assert looks_bps(["3671014001", "3671014002"])
    assert not looks_bps(["3671011001", "3671012001", "9103013007"])
    r = run("kode_desa,jumlah\n3671014001,1\n3671014002,2\n")
    assert list(r.result.status) == ["review", "review"]


def test_bps_codes_alone_with_an_implausible_spread_are_not_used():
    # BPS Pinang (031) has desa parts 001-011: read as Kemendagri 36.71.03.1001-1011, but
    # kecamatan 36.71.03 has only 1001-1007, so 4 of 11 codes point nowhere
    text = "kode_desa,jumlah\n" + "".join(f"3671031{d:03d},1\n" for d in range(1, 12))
    r = run(text)
    assert r.ledger["rows"]["matched"] == 0
    assert list(r.result.status) == ["review"] * 11
    kode = next(c for c in r.ledger["columns"] if c["header"] == "kode_desa")
    assert kode["use"] == "kode not used" and kode["reason"] == "implausible"
    assert any("4 of 11" in n["text"] for n in r.report["notes"])


def test_codes_nothing_can_confirm_are_used_but_the_report_says_so():
    # BPS Larangan (011) 001-008 and Kemendagri Tangerang (01) 1001-1008 are the same
    # digits: nothing in such a file tells them apart, so the report must say so
    text = "kode_desa,jumlah\n" + "".join(f"3671011{d:03d},1\n" for d in range(1, 9))
    r = run(text)
    kode = next(c for c in r.ledger["columns"] if c["header"] == "kode_desa")
    assert kode["use"] == "kode" and kode["reason"] == "unconfirmed"
    assert any("no name or point in the file confirms them" in n["text"]
               for n in r.report["notes"])


def test_kemendagri_codes_with_names_are_confirmed_and_carry_no_such_note():
    r = run("kode,kelurahan\n36.71.13.1001,Larangan Utara\n36.71.06.1004,Tajur\n")
    kode = next(c for c in r.ledger["columns"] if c["header"] == "kode")
    assert kode["use"] == "kode" and "reason" not in kode
    assert not any("confirms them" in n["text"] for n in r.report["notes"])
    only = run("kode,jumlah\n36.71.13.1001,1\n36.71.06.1004,2\n36.71.07.1016,3\n")
    assert list(only.result.method) == ["kode"] * 3        # valid codes alone still match


@pytest.fixture(scope="module")
def bogor() -> Gazetteer:
    """A tiny hand-made gazetteer: real names and codes of Kab. Bogor (32.01)."""
    return Gazetteer.from_frame(pd.DataFrame({
        "kode": ["32.01.15.2010", "32.01.15.2009", "32.01.35.2004", "32.01.35.2005",
                 "32.01.20.2001"],
        "nama": ["Cihideung Ilir", "Cihideung Udik", "Sipayung", "Cibadak", "Cipayung"],
        "kode_kecamatan": ["32.01.15", "32.01.15", "32.01.35", "32.01.35", "32.01.20"],
        "nama_kecamatan": ["Ciampea", "Ciampea", "Cileungsi", "Cileungsi", "Megamendung"],
    }))


def test_valid_code_with_a_close_spelling_matches_by_code_and_notes_the_spelling(bogor):
    r = run("kode,desa,kecamatan\n3201152010,CIHIDEUNGHILIR,CIAMPEA\n", boundaries=bogor)
    assert r.result.status[0] == "matched" and r.result.method[0] == "kode"
    assert r.result.kode[0] == "32.01.15.2010"
    assert "spelling" in r.result.note[0] and "CIHIDEUNGHILIR" in r.result.note[0]


def test_a_code_and_a_different_desa_name_stay_refused_with_the_code_first(bogor):
    r = run("kode,desa,kecamatan\n3201352004,Cipayung,Cileungsi\n"
            "3201152010,Cihideung Udik,Ciampea\n", boundaries=bogor)
    assert list(r.result.status) == ["review", "review"]
    assert r.result.suggestions[0][0].kode == "32.01.35.2004"      # Sipayung, the code's desa
    assert r.result.suggestions[1][0].kode == "32.01.15.2010"
    assert "disagree" in r.result.note[0]


def test_a_code_with_an_unrelated_name_is_not_matched_by_the_code(bogor):
    r = run("kode,desa,kecamatan\n3201152010,Zzyzx Raya,Ciampea\n", boundaries=bogor)
    assert r.result.status[0] == "review"
    assert r.result.suggestions[0][0].kode == "32.01.15.2010"


def test_output_of_a_bps_file_keeps_the_codes_as_written():
    frame = output_frame(run(MIXED))
    assert list(frame["kode_desa"]) == [line.split(",")[0] for line in MIXED.splitlines()[1:]]


def test_a_code_settles_a_name_that_several_kecamatan_share():
    gaz = Gazetteer.from_frame(pd.DataFrame({
        "kode": ["32.01.01.2001", "32.01.02.2001"], "nama": ["Sukamaju", "Sukamaju"],
        "kode_kecamatan": ["32.01.01", "32.01.02"], "nama_kecamatan": ["Satu", "Dua"]}))
    r = run("kode,desa\n3201022001,Sukamaju\n", boundaries=gaz)
    assert (r.result.status[0], r.result.kode[0]) == ("matched", "32.01.02.2001")


def test_cli_on_a_bps_only_file_lists_the_rows_for_review_and_says_why(tmp_path):
    from click.testing import CliRunner

    from geoapp.cli.main import main

    src, out = tmp_path / "bps.csv", tmp_path / "out.csv"
    src.write_text("kode_desa,jumlah\n3671010001,1\n3671011001,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "match", str(src), "-o", str(out)])
    assert result.exit_code != 0
    assert "BPS" in result.output and "Traceback" not in result.output
    written = out.read_text(encoding="utf-8")
    assert written.count(",review,") == 2 and "3671011001" in written


def test_cli_aggregate_prints_the_same_column_report_as_match(tmp_path):
    from click.testing import CliRunner

    from geoapp.cli.main import main

    src = tmp_path / "bps_names.csv"
    src.write_text("kode_x,lokasi,kecamatan,jumlah,catatan\n"
                   "3671010001,Tajur,Ciledug,1,a\n3671011001,Cipadu,Larangan,2,b\n",
                   encoding="utf-8")
    outputs = {}
    for command, out in (("match", "out.csv"), ("aggregate", "out.geojson")):
        result = CliRunner().invoke(main, ["--lang", "en", command, str(src),
                                           "-o", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
        outputs[command] = result.output
    for line in outputs["match"].splitlines():
        if line.startswith(("Columns used", "Other columns", "- The codes in column")):
            assert line in outputs["aggregate"].splitlines()
    assert "'kode_x': code column not used" in outputs["aggregate"]
    assert "look like BPS codes" in outputs["aggregate"]


@pytest.fixture(scope="module")
def bogor_twin() -> Gazetteer:
    """Real Kemendagri names: 'Cihideunghilir' is also a desa of Cidahu (Kab. Sukabumi)."""
    return Gazetteer.from_frame(pd.DataFrame({
        "kode": ["32.01.15.2010", "32.01.15.2009", "32.02.21.2005", "32.01.35.2004",
                 "32.01.26.2006"],
        "nama": ["Cihideung Ilir", "Cihideung Udik", "Cihideunghilir", "Sipayung", "Cipayung"],
        "kode_kecamatan": ["32.01.15", "32.01.15", "32.02.21", "32.01.35", "32.01.26"],
        "nama_kecamatan": ["Ciampea", "Ciampea", "Cidahu", "Cileungsi", "Megamendung"],
    }))


def test_close_spelling_that_is_also_a_desa_elsewhere_matches_when_the_kecamatan_agrees(
        bogor_twin):
    r = run("kode,desa,kecamatan\n3201152010,CIHIDEUNGHILIR,CIAMPEA\n"
            "3201152010,CIHIDEUNGHILIR,\n,CIHIDEUNGHILIR,Ciampea\n", boundaries=bogor_twin)
    assert (r.result.status[0], r.result.kode[0]) == ("matched", "32.01.15.2010")
    assert r.result.status[1] == "review"           # no kecamatan: the twin could be meant
    assert r.result.suggestions[1][0].kode == "32.01.15.2010"
    assert r.result.status[2] == "review"           # by name alone: offered first, not taken
    assert r.result.suggestions[2][0].kode == "32.01.15.2010"
    assert "Cihideung Ilir" not in r.result.note[2]


def test_a_changed_letter_stays_refused_even_with_the_kecamatan(bogor_twin):
    r = run("kode,desa,kecamatan\n3201352004,Cipayung,Cileungsi\n", boundaries=bogor_twin)
    assert r.result.status[0] == "review"
    assert r.result.suggestions[0][0].nama == "Sipayung"


def test_codes_the_area_does_not_have_while_the_names_are_known_are_not_used():
    # Kemendagri-shaped codes (kecamatan parts 011, 021 read as 01, 02) that name no
    # kelurahan of Kota Tangerang, next to names that do: matched by name, column reported
    r = run("kode,kelurahan,kecamatan\n3671011101,Gaga,Larangan\n3671021102,Tajur,Ciledug\n"
            "3671031103,Cimone,Karawaci\n3671011104,Kreo,Larangan\n")
    assert wrong(r) == 0 and r.ledger["rows"]["matched"] == 4
    assert next(c for c in r.ledger["columns"] if c["header"] == "kode")["reason"] == "disagree"


def test_combination_counts_match_a_dataframe_count():
    import numpy as np

    from geoapp.matching.code_check import _combinations

    rng = np.random.default_rng(0)
    parts = [(rng.integers(0, n, 500), np.array([str(i) for i in range(n)], dtype=object))
             for n in (7, 5, 3)]
    expected = pd.DataFrame({i: c for i, (c, _) in enumerate(parts)}).value_counts()
    got = dict(_combinations(parts))
    assert got == {tuple(int(i) for i in k): int(v) for k, v in expected.items()}


def test_code_combinations_are_counted_in_value_counts_order():
    """Most rows first, ties in order of first appearance, cut at SAMPLE_COMBOS."""
    from geoapp.matching import code_check

    rng = np.random.default_rng(0)
    for _ in range(60):
        n = int(rng.integers(0, 20000))
        sizes = [int(rng.integers(1, 80)) for _ in range(3)]
        parts = [(rng.integers(0, k, n).astype(np.int64), np.array([""] * k, dtype=object))
                 for k in sizes]
        key = parts[0][0] * (sizes[1] * sizes[2]) + parts[1][0] * sizes[2] + parts[2][0]
        counts = pd.Series(key, copy=False).value_counts(sort=True).head(code_check.SAMPLE_COMBOS)
        want = [((int(v) // (sizes[1] * sizes[2]), int(v) // sizes[2] % sizes[1], int(v) % sizes[2]),
                 int(w)) for v, w in counts.items()]
        assert code_check._combinations(parts) == want
