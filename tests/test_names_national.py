"""Real names that broke matching (issue 9 §3, issue 14 point 5), on tiny hand-made
gazetteers holding the real codes and names of places outside Kota Tangerang."""

from __future__ import annotations

import pandas as pd
import pytest

from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.matcher import match_rows
from geoapp.matching.resolve import resolve_kecamatan

ROWS = [  # kode, nama, kode_kecamatan, nama_kecamatan (from the Kemendagri 2025 list)
    ("32.09.18.2003", "Lurah", "32.09.18", "Plumbon"),
    ("32.09.18.2004", "Karangasem", "32.09.18", "Plumbon"),
    ("15.71.07.1001", "Simpang III Sipin", "15.71.07", "Kota Baru"),
    ("15.71.01.1001", "Pasar Jambi", "15.71.01", "Pasar Jambi"),
    ("32.01.29.2009", "Kotabatu", "32.01.29", "Ciomas"),
    ("32.01.29.2001", "Ciomas", "32.01.29", "Ciomas"),
    ("32.05.38.2001", "Limbangan Tengah", "32.05.38", "Limbangan"),
    ("32.05.38.2002", "Limbangan Barat", "32.05.38", "Limbangan"),
    ("31.01.01.1001", "Pulau Panggang", "31.01.01", "Kepulauan Seribu Utara"),
    ("31.01.02.1001", "Pulau Tidung", "31.01.02", "Kepulauan Seribu Selatan"),
    ("18.06.01.2027", "Kota Agung", "18.06.01", "Kota Agung"),
    ("18.06.01.1001", "Kuripan", "18.06.01", "Kota Agung"),
    ("18.06.02.2001", "Talang Padang", "18.06.02", "Talang Padang"),
    ("14.09.12.2009", "Inuman", "14.09.12", "Cerenti"),
    ("14.09.11.2002", "Koto Inuman", "14.09.11", "Inuman"),
]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_frame(pd.DataFrame(ROWS, columns=["kode", "nama", "kode_kecamatan",
                                                            "nama_kecamatan"]))


def one(gaz, kel, kec=None):
    r = match_rows(kode=None, kelurahan=[kel], kecamatan=None if kec is None else [kec],
                   lat=None, lon=None, exclude=None, gazetteer=gaz, lang="en")
    return r.status[0], r.kode[0]


def test_a_desa_really_named_lurah_is_not_a_placeholder(gaz):
    assert one(gaz, "Lurah", "Plumbon") == ("matched", "32.09.18.2003")
    assert one(gaz, "LURAH") == ("matched", "32.09.18.2003")
    assert one(gaz, "Kelurahan")[0] == "unmatched"


@pytest.mark.parametrize("written", ["KOTABARU", "Kota Baru", "kec. kota baru"])
def test_kota_names_keep_the_joined_and_split_spellings_as_kecamatan(gaz, written):
    assert resolve_kecamatan(gaz, written).codes == frozenset({"15.71.07"})


@pytest.mark.parametrize("written", ["KOTA BATU", "Kotabatu", "Desa Kota Batu"])
def test_kota_names_keep_the_joined_and_split_spellings_as_desa(gaz, written):
    assert one(gaz, written) == ("matched", "32.01.29.2009")


@pytest.mark.parametrize("written, kec", [
    ("BL. LIMBANGAN", "32.05.38"), ("Bl. Limbangan", "32.05.38"),
    ("KEP. SERIBU UTARA", "31.01.01"), ("Kec. Kep. Seribu Selatan", "31.01.02"),
    ("Kec. Kota Agung", "18.06.01"), ("KOTA AGUNG", "18.06.01"), ("Kec. Talang Padang", "18.06.02"),
])
def test_abbreviated_and_kota_kecamatan_are_found(gaz, written, kec):
    assert resolve_kecamatan(gaz, written).codes == frozenset({kec})


def test_a_city_phrase_is_still_a_city_when_no_kecamatan_has_that_name(gaz):
    assert resolve_kecamatan(gaz, "Kota Jambi").kind == "city"
    assert resolve_kecamatan(gaz, "Kab. Tanggamus").kind == "city"


def test_kota_agung_as_kecamatan_decides_the_desa(gaz):
    assert one(gaz, "Kuripan", "Kota Agung") == ("matched", "18.06.01.1001")
    assert one(gaz, "Kota Agung", "Kota Agung") == ("matched", "18.06.01.2027")


def test_kota_inuman_is_not_matched_to_inuman(gaz):
    status, kode = one(gaz, "Kota Inuman")
    assert kode != "14.09.12.2009"


def test_a_typo_is_looked_up_among_its_kecamatan_members_first():
    """Fifteen desa of the same name elsewhere (listed first) used to fill the whole
    gazetteer's top-12 candidates, so the kecamatan's own desa was never compared."""
    rows = [(f"33.{k:02d}.01.2001", "Karanganyar", f"33.{k:02d}.01", f"Kec {k}")
            for k in range(1, 16)]
    rows.append(("33.99.01.2001", "Karanganyar", "33.99.01", "Tujuan"))
    gaz = Gazetteer.from_frame(pd.DataFrame(rows, columns=["kode", "nama", "kode_kecamatan",
                                                           "nama_kecamatan"]))
    assert one(gaz, "Karanganyr", "Tujuan") == ("matched", "33.99.01.2001")


def test_a_closing_roman_numeral_is_not_glued_onto_the_name():
    gaz = Gazetteer.from_frame(pd.DataFrame({
        "kode": ["12.11.14.2001", "12.11.14.2004"], "nama": ["Silalahi II", "Silalahi III"],
        "kode_kecamatan": ["12.11.14"] * 2, "nama_kecamatan": ["Silahisabungan"] * 2}))
    assert one(gaz, "Silalah III", "Silahisabungan")[1] != "12.11.14.2001"
    assert one(gaz, "SILALAHI III") == ("matched", "12.11.14.2004")
