"""Spelling rules that let more national rows match on their own (issue 9 §3), on tiny
hand-made gazetteers with real Kemendagri codes and names (2025 list); each rule also
has the case it must still refuse."""

from __future__ import annotations

import pandas as pd

from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.matcher import match_rows

COLUMNS = ["kode", "nama", "kode_kecamatan", "nama_kecamatan"]


def gazetteer(rows) -> Gazetteer:
    return Gazetteer.from_frame(pd.DataFrame(rows, columns=COLUMNS))


def one(gaz, kel, kec=None):
    r = match_rows(kode=None, kelurahan=[kel], kecamatan=None if kec is None else [kec],
                   lat=None, lon=None, exclude=None, gazetteer=gaz, lang="en")
    return r.status[0], r.kode[0]


RIGANGAN = gazetteer([
    ("17.04.09.2003", "Rigangan I", "17.04.09", "Kelam Tengah"),
    ("17.04.09.2004", "Rigangan II", "17.04.09", "Kelam Tengah"),
    ("17.04.09.2005", "Rigangan III", "17.04.09", "Kelam Tengah"),
])


def test_a_typo_keeping_the_written_numeral_matches_that_sibling():
    """Reaching a sibling with another numeral takes a second typo: one edit farther."""
    assert one(RIGANGAN, "Rigangn III", "Kelam Tengah") == ("matched", "17.04.09.2005")
    assert one(RIGANGAN, "Rigangn II", "Kelam Tengah") == ("matched", "17.04.09.2004")
    assert one(RIGANGAN, "Rigangan II", "Kelam Tengah") == ("matched", "17.04.09.2004")


def test_a_typo_without_the_numeral_stays_in_review():
    assert one(RIGANGAN, "Rigangn", "Kelam Tengah")[0] == "review"


def test_names_told_apart_by_spacing_alone_follow_the_written_spacing():
    gaz = gazetteer([
        ("36.04.22.2007", "Sindangmandi", "36.04.22", "Baros"),
        ("36.04.30.2002", "Sindang Mandi", "36.04.30", "Anyar"),
        ("53.11.01.2001", "Praibakul", "53.11.01", "Lewa"),           # made-up second
        ("53.11.02.2001", "Praibakul", "53.11.02", "Haharu"),         # Praibakul
        ("53.11.03.2001", "Prai Bakul", "53.11.03", "Kota Waingapu"),  # made up
    ])
    assert one(gaz, "Sindang Mandi") == ("matched", "36.04.30.2002")
    assert one(gaz, "SINDANGMANDI") == ("matched", "36.04.22.2007")
    assert one(gaz, "PRAIBAKUL")[0] == "review"       # two spelled so: still ambiguous
    assert one(gaz, "Sindang-Mandi") == ("matched", "36.04.30.2002")


def test_a_code_of_the_other_spacing_is_not_a_disagreement():
    gaz = gazetteer([("36.04.22.2007", "Sindangmandi", "36.04.22", "Baros"),
                     ("36.04.30.2002", "Sindang Mandi", "36.04.30", "Anyar")])
    r = match_rows(kode=["36.04.22.2007"], kelurahan=["Sindang Mandi"], kecamatan=None,
                   lat=None, lon=None, exclude=None, gazetteer=gaz, lang="en")
    assert (r.status[0], r.kode[0]) == ("matched", "36.04.22.2007")


def test_a_two_letter_word_with_a_letter_dropped():
    gaz = gazetteer([
        ("17.06.14.2002", "Air Dikit", "17.06.14", "Air Dikit"),
        ("53.18.02.2005", "Wee Namba", "53.18.02", "Wewewa Utara"),
        ("53.18.02.2003", "Wee Paboba", "53.18.02", "Wewewa Utara"),
        ("36.71.04.1001", "Cipadu", "36.71.04", "Larangan"),
        ("36.71.04.1002", "Cipadu Jaya", "36.71.04", "Larangan"),
    ])
    assert one(gaz, "Ai Dikit", "Air Dikit") == ("matched", "17.06.14.2002")
    assert one(gaz, "We Namba", "Wewewa Utara") == ("matched", "53.18.02.2005")
    assert one(gaz, "Cipadu J", "Larangan")[0] != "matched"       # one letter: never
    assert one(gaz, "Cipadu Ja", "Larangan")[0] != "matched"      # two of four: never


def test_ilir_and_hilir_are_one_word():
    gaz = gazetteer([
        ("14.07.03.2014", "Sekeladi Hilir", "14.07.03", "Tanah Putih"),
        ("14.07.03.2005", "Sekeladi", "14.07.03", "Tanah Putih"),
        ("61.06.07.2001", "Jongkong Kiri Hilir", "61.06.07", "Jongkong"),
        ("61.06.07.2003", "Jongkong Kiri Hulu", "61.06.07", "Jongkong"),
    ])
    assert one(gaz, "Sekeladi ilir", "Tanah Putih") == ("matched", "14.07.03.2014")
    assert one(gaz, "Jongkong Kiri Ilir", "Jongkong") == ("matched", "61.06.07.2001")
    assert one(gaz, "Jongkong Kiri Ulu", "Jongkong")[1] != "61.06.07.2001"


def test_a_shortened_typo_is_not_taken_for_a_piece_of_a_sibling_word():
    """'Bturapa' is shorter than Baturapa: it holds no piece of the sibling's 'II'.
    'CipaduJ', longer than Cipadu, may: still refused (tests/test_matcher.py)."""
    gaz = gazetteer([("71.01.05.2001", "Baturapa", "71.01.05", "Lolak"),
                     ("71.01.05.2019", "Baturapa II", "71.01.05", "Lolak"),
                     ("36.71.04.1001", "Cipadu", "36.71.04", "Larangan"),
                     ("36.71.04.1002", "Cipadu Jaya", "36.71.04", "Larangan")])
    assert one(gaz, "Bturapa", "Lolak") == ("matched", "71.01.05.2001")
    assert one(gaz, "Bturapa II", "Lolak") == ("matched", "71.01.05.2019")
    assert one(gaz, "CipaduJ", "Larangan")[0] != "matched"


def test_roman_numerals_up_to_ten_tell_siblings_apart():
    gaz = gazetteer([(f"12.11.05.20{i:02d}", f"Pegagan Julu {r}", "12.11.05", "Sumbul")
                     for i, r in enumerate(["III", "VII", "VIII", "IX"], start=1)])
    assert one(gaz, "Pgagan Julu VIII", "Sumbul") == ("matched", "12.11.05.2003")
    assert one(gaz, "Pgagan Julu IX", "Sumbul") == ("matched", "12.11.05.2004")
    assert one(gaz, "Pgagan Julu", "Sumbul")[0] == "review"
