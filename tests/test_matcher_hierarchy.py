"""Provinsi and kabupaten/kota columns restrict the matcher to the row's region.

Hand-made gazetteers use real Kemendagri codes (so the shipped national gazetteer names
their kabupaten and provinsi); the desa names are the real ones or made up where noted.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geoapp.imports.pipeline import match_table, read_table
from geoapp.io.boundaries.national import gazetteer_frame
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.hierarchy import resolve_kabupaten, resolve_provinsi, row_region
from geoapp.matching.region_match import match_by_region

ROWS = [  # kode, nama, kode_kecamatan, nama_kecamatan
    ("32.09.21.2007", "Kalisapu", "32.09.21", "Gunung Jati"),        # Kab. Cirebon
    ("33.28.10.2001", "Kalisapu", "33.28.10", "Slawi"),              # Kab. Tegal
    ("33.28.15.2001", "Mejasem Barat", "33.28.15", "Kramat"),        # Kab. Tegal
    ("33.76.01.1005", "Kraton", "33.76.01", "Tegal Barat"),          # Kota Tegal
    ("35.14.16.2022", "Kraton", "35.14.16", "Kraton"),               # Kab. Pasuruan
    ("33.28.10.2099", "Sumberjaya", "33.28.10", "Slawi"),            # made up: Kab. Tegal
    ("33.76.01.1099", "Sumberjaya", "33.76.01", "Tegal Barat"),      # made up: Kota Tegal
    ("32.16.11.1007", "Sertajaya", "32.16.11", "Cikarang Timur"),    # Kab. Bekasi
    ("36.01.01.2001", "Cigeulis", "36.01.01", "Cigeulis"),           # Kab. Pandeglang
]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_frame(pd.DataFrame(ROWS, columns=["kode", "nama", "kode_kecamatan",
                                                             "nama_kecamatan"]))


def run(gaz, kel, kab=None, prov=None, kec=None):
    n = len(kel)
    return match_by_region(kode=None, kelurahan=kel, kecamatan=kec or [None] * n,
                           kabupaten=kab, provinsi=prov, lat=None, lon=None, exclude=None,
                           gazetteer=gaz, lang="en")


@pytest.mark.parametrize("text, names", [
    ("Kab. Tegal", ["Kabupaten Tegal"]), ("KAB TEGAL", ["Kabupaten Tegal"]),
    ("Kabupaten Tegal", ["Kabupaten Tegal"]), ("Kota Tegal", ["Kota Tegal"]),
    ("TEGAL KOTA", ["Kota Tegal"]), ("Tegal", ["Kabupaten Tegal", "Kota Tegal"]),
    ("Kab. Pandeglng", ["Kabupaten Pandeglang"]), ("kab bekasi", ["Kabupaten Bekasi"]),
])
def test_kabupaten_spellings(text, names):
    frame = gazetteer_frame().set_index("kode")["nama"]
    assert sorted(frame[c] for c in resolve_kabupaten(text)) == names


@pytest.mark.parametrize("text, code", [
    ("Jatim", "35"), ("Jateng", "33"), ("Jabar", "32"), ("DIY", "34"), ("DKI", "31"),
    ("Sumut", "12"), ("NTB", "52"), ("NTT", "53"), ("Kaltim", "64"),
    ("Prov. Jawa Tengah", "33"), ("JAWA TIMUR", "35"), ("Jawa Tmur", "35"),
])
def test_province_abbreviations(text, code):
    assert resolve_provinsi(text) == frozenset({code})


def test_unknown_region_is_none():
    assert resolve_kabupaten("Xyzzy Qwerty") is None and resolve_provinsi("Planet Mars") is None
    assert row_region("Tegal", "Jateng") == frozenset({"33.28", "33.76"})


def test_same_named_desa_in_two_kabupaten(gaz):
    res = run(gaz, ["Kalisapu", "Kalisapu", "Kalisapu"],
              kab=["Kab. Tegal", "KAB CIREBON", None])
    assert list(res.kode[:2]) == ["33.28.10.2001", "32.09.21.2007"]
    assert res.status[2] == "review"          # no kabupaten: two candidates


def test_tegal_alone_lower_levels_decide(gaz):
    res = run(gaz, ["Kraton", "Mejasem Barat", "Sumberjaya", "Sumberjaya"],
              kab=["Tegal", "Tegal", "Tegal", "Kota Tegal"])
    assert list(res.kode[:2]) == ["33.76.01.1005", "33.28.15.2001"]
    assert res.status[2] == "review" and res.kode[2] is None    # in both: review
    assert res.kode[3] == "33.76.01.1099"


def test_province_abbreviation_restricts(gaz):
    res = run(gaz, ["Kraton", "Kraton", "Kraton"], prov=["Jatim", "Jateng", ""])
    assert list(res.kode[:2]) == ["35.14.16.2022", "33.76.01.1005"]
    assert res.status[2] == "review"


def test_desa_under_wrong_kabupaten_goes_to_review(gaz):
    res = run(gaz, ["Sertajaya"], kab=["Kabupaten Pandeglang"], prov=["Banten"])
    assert res.kode[0] is None and res.status[0] == "review"
    assert ("'Sertajaya' is in Kabupaten Bekasi, Provinsi Jawa Barat (Sertajaya, kecamatan "
            "Cikarang Timur), not in Kabupaten Pandeglang as written") in res.note[0]
    assert res.suggestions[0][-1].kode == "32.16.11.1007"      # offered, never matched


def test_desa_under_wrong_kabupaten_said_in_indonesian(gaz):
    res = match_by_region(kode=None, kelurahan=["Kalisapu"], kecamatan=[None],
                          kabupaten=["Kab. Pandeglang"], provinsi=[None], lat=None, lon=None,
                          exclude=None, gazetteer=gaz, lang="id")
    assert res.status[0] == "review"
    assert ("'Kalisapu' ada di Kabupaten Cirebon, Provinsi Jawa Barat (Kalisapu, kecamatan "
            "Gunung Jati), Kabupaten Tegal, Provinsi Jawa Tengah (Kalisapu, kecamatan Slawi), "
            "bukan di Kabupaten Pandeglang yang tertulis") in res.note[0]
    assert [s.kode for s in res.suggestions[0]] == ["32.09.21.2007", "33.28.10.2001"]


def test_desa_under_wrong_provinsi_names_the_kabupaten(gaz):
    """The written province first: its desa of that name lead the note and suggestions."""
    res = run(gaz, ["Kraton", "Sertajaya"], prov=["Jawa Barat", "Jateng"])
    assert list(res.status) == ["review", "review"] and list(res.kode) == [None, None]
    assert ("'Kraton' is in Kota Tegal, Provinsi Jawa Tengah (Kraton, kecamatan Tegal Barat), "
            "Kabupaten Pasuruan, Provinsi Jawa Timur (Kraton, kecamatan Kraton), not in "
            "Provinsi Jawa Barat as written") in res.note[0]
    assert "Kabupaten Bekasi, Provinsi Jawa Barat" in res.note[1]
    assert "not in Provinsi Jawa Tengah as written" in res.note[1]
    assert res.suggestions[1][-1].kode == "32.16.11.1007"


def test_close_names_inside_the_kabupaten_come_before_the_desa_elsewhere(gaz):
    """'Sertajaya' under Kab. Tegal: not a desa there; the close names of Tegal's own
    desa first (two at most), then the desa of that name elsewhere."""
    res = run(gaz, ["Sumberjaya"], kab=["Kab. Tegal"], kec=[None])
    assert res.status[0] == "matched"            # control: it is a desa of Kab. Tegal
    res = run(gaz, ["Sertajaya"], kab=["Kab. Tegal"], kec=[None])
    assert res.status[0] == "review" and len(res.suggestions[0]) <= 3
    assert res.suggestions[0][-1].kode == "32.16.11.1007"
    assert "not in Kabupaten Tegal as written" in res.note[0]


def test_kabupaten_outside_the_written_provinsi_goes_to_review(gaz):
    """Evidence that disagrees: Kab. Tegal is in Jawa Tengah, not Jawa Timur. The desa is
    looked up in both, found ones are offered first, nothing is taken."""
    res = run(gaz, ["Kalisapu", "Kraton", "Kalisapu"], kab=["Kab. Tegal", "Tegal", "Kab. Tegal"],
              prov=["Jatim", "Jawa Timur", "Jateng"])
    assert list(res.status) == ["review", "review", "matched"]
    assert list(res.kode) == [None, None, "33.28.10.2001"]
    assert res.suggestions[0][0].kode == "33.28.10.2001"
    assert ("Kabupaten Tegal is in Provinsi Jawa Tengah, not in Provinsi Jawa Timur as "
            "written") in res.note[0]
    assert {s.kode for s in res.suggestions[1]} == {"33.76.01.1005", "35.14.16.2022"}
    assert "Kabupaten Tegal / Kota Tegal is in Provinsi Jawa Tengah" in res.note[1]
    assert "as written" not in res.note[2]


def test_unrecognised_region_is_said(gaz):
    res = run(gaz, ["Mejasem Barat"], kab=["Xyzzy Qwerty"])
    assert res.kode[0] == "33.28.15.2001" and "Xyzzy Qwerty" in res.note[0]


def test_an_unrecognised_kabupaten_next_to_a_known_provinsi_is_said(gaz):
    """Matched within the provinsi that was recognised; the kabupaten text is not dropped
    silently (and a recognised one is not mentioned)."""
    res = run(gaz, ["Mejasem Barat", "Mejasem Barat", "Mejasem Barat"],
              kab=["Kab. Xyzzy", "Kab. Tegal", None], prov=["Jateng", "Planet Mars", "Jateng"])
    assert list(res.kode) == ["33.28.15.2001"] * 3
    assert "'Kab. Xyzzy' was not recognised" in res.note[0]
    assert "'Planet Mars' was not recognised" in res.note[1] and "Tegal'" not in res.note[1]
    assert "not recognised" not in res.note[2]


CSV = b"""Prov,Kab/Kota,Kecamatan,Desa,Jumlah
Jateng,Kab. Tegal,Slawi,Kalisapu,2
Jawa Barat,KAB CIREBON,Gunung Jati,Kalisapu,3
Banten,Kabupaten Pandeglang,Cigeulis,Sertajaya,5
"""


def test_file_columns_are_used_and_reported(gaz):
    table = read_table(CSV, "hier.csv")
    result, _ = match_table(table, gaz, lang="en")
    use = {c["header"]: c["use"] for c in table.info.column_use}
    assert use["Prov"] == "provinsi" and use["Kab/Kota"] == "kabupaten"
    assert list(result.kode) == ["33.28.10.2001", "32.09.21.2007", None]
    assert list(result.status) == ["matched", "matched", "review"]


def test_national_gazetteer_same_names():
    """On the shipped national gazetteer (83,762 desa): the kabupaten decides."""
    frame = gazetteer_frame()
    desa = frame[frame["tingkat"] == "desa_kelurahan"][["kode", "nama"]]
    gaz = Gazetteer.from_frame(desa.reset_index(drop=True))
    res = run(gaz, ["Kalisapu", "Kalisapu", "Sertajaya", "Kraton", "Kraton"],
              kab=["Kab. Tegal", "Cirebon", "Kab. Pandeglang", "Kota Tegal", "Kab Pasuruan"],
              prov=["Jateng", "Jabar", "Banten", "", "Jatim"])
    assert list(res.kode) == ["33.28.10.2001", "32.09.21.2007", None, "33.76.01.1005",
                              "35.14.16.2022"]
    assert res.status[2] == "review"


def test_twice_inside_the_kabupaten_is_review_without_elsewhere_note():
    rows = [("33.28.10.2098", "Kemiri", "33.28.10", "Slawi"),      # made up: Kab. Tegal twice
            ("33.28.15.2098", "Kemiri", "33.28.15", "Kramat")]
    gaz = Gazetteer.from_frame(pd.DataFrame(rows, columns=["kode", "nama", "kode_kecamatan",
                                                           "nama_kecamatan"]))
    res = run(gaz, ["Kemiri", "Kemiri"], kab=["Kab. Tegal", "Kab. Tegal"],
              kec=[None, "Kramat"])
    assert res.status[0] == "review" and "as written" not in res.note[0]
    assert res.kode[1] == "33.28.15.2098"


def test_region_columns_can_be_switched_off(gaz):
    from geoapp.imports.pipeline import MatchOptions
    table = read_table(CSV, "hier.csv", MatchOptions(columns={"kabupaten": None,
                                                              "provinsi": None}))
    result, _ = match_table(table, gaz, lang="en")
    assert table.mapping.kabupaten is None and table.mapping.provinsi is None
    assert list(result.kode) == ["33.28.10.2001", "32.09.21.2007", None]   # by kecamatan
