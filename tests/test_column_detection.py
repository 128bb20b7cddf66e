"""Header synonyms, content-based column detection, identifier columns and the column
report (issue 14 point 3, issue 9 §3). Hand-made inline files; names of Kota Tangerang."""

from __future__ import annotations

import pytest

from geoapp.imports.pipeline import MatchOptions, run_match
from geoapp.io.records.columns import identifier_header
from geoapp.io.records.headers import auto_mapping


def run(text: str, **columns):
    options = MatchOptions(lang="en", columns=columns, allow_nothing_matched=True)
    return run_match(text.encode("utf-8"), "t.csv", options)


def uses(r) -> dict[str, str]:
    return {c["header"]: c["use"] for c in r.ledger["columns"]}


@pytest.mark.parametrize("headers, expected", [
    (["ID_KEL", "nama"], {"kode": 0}),
    (["bps_nama_desa_kelurahan", "bps_nama_kecamatan"], {"kelurahan": 0, "kecamatan": 1}),
    (["kemendagri_kode_desa_kelurahan"], {"kode": 0}),
    (["nama_desa"], {"kelurahan": 0}),
    (["desa/kelurahan"], {"kelurahan": 0}),
    (["kelurahan/desa"], {"kelurahan": 0}),
    (["Nama Desa/Kel (BPS)", "KODE_DESA_BPS", "Kode Desa Kemendagri"],
     {"kelurahan": 0, "kode": 2}),
    (["bps_kode_desa_kelurahan", "kemendagri_kode_desa_kelurahan"], {"kode": 1}),
    (["Jumlah Desa", "Luas Kelurahan"], {}),
])
def test_header_synonyms(headers, expected):
    assert auto_mapping(headers) == expected


@pytest.mark.parametrize("header", ["NPSN", "NIK", "No", "No.", "kode", "ID_SEKOLAH", "sekolah_id",
                                    "NUPTK", "Kode Pos"])
def test_identifier_headers(header):
    assert identifier_header(header)


def test_identifier_columns_are_neither_summed_nor_mapped():
    r = run("No,NPSN,Nama Sekolah,Kecamatan,Desa/Kelurahan,ID_SEKOLAH,Siswa\n"
            "1,20603123,SDN 1,Kec. Larangan,Gaga,1001,30\n"
            "2,20603124,SDN 2,Kec. Ciledug,Tajur,1002,40\n")
    assert list(r.ledger["sums"]) == ["Siswa"]
    use = uses(r)
    assert use["No"] == use["NPSN"] == use["ID_SEKOLAH"] == "identifier"
    assert use["Siswa"] == "measure" and use["Nama Sekolah"] == "ignored"
    assert use["Kecamatan"] == "kecamatan" and use["Desa/Kelurahan"] == "kelurahan"
    assert list(r.result.kode) == ["36.71.13.1006", "36.71.06.1004"]   # Dapodik's "Kec. X"


def test_a_column_of_ten_digit_codes_is_an_identifier_not_a_measure():
    r = run("wilayah,jumlah\n3671131006,1\n3671061004,2\n3671071005,3\n")
    assert list(r.ledger["sums"]) == ["jumlah"]


def test_place_columns_are_found_by_content_whatever_their_header():
    r = run("lokasi,wil,area,jumlah\nGaga,3671131006,Larangan,1\nTajur,3671061004,Ciledug,2\n"
            "Cimone,3671071005,Karawaci,3\n")
    m = r.table.mapping
    assert (m.kelurahan, m.kode, m.kecamatan) == (0, 1, 2)
    assert all(c["how"] == "content" for c in r.ledger["columns"][:3])
    assert list(r.result.method) == ["kode"] * 3
    assert any("because of its content" in n["text"] for n in r.report["notes"])


def test_a_chosen_no_column_is_not_overruled_by_content():
    r = run("lokasi,wil,jumlah\nGaga,3671131006,1\nTajur,3671061004,2\n", kode=None)
    assert r.table.mapping.kode is None
    assert list(r.result.method) == ["nama", "nama"]
    assert any("looks like a code column" in n["text"] for n in r.report["notes"])


@pytest.mark.parametrize("headers, kel, kec", [
    (["ID_DESA", "bps_nama_desa_kelurahan", "bps_nama_kecamatan"], 1, 2),
    (["Jumlah Desa", "Desa/Kelurahan", "Kec."], 1, 2),
    (["kode_kelurahan", "nama_kelurahan", "nama_kecamatan"], 1, 2),
])
def test_stored_column_map_takes_name_columns_not_code_or_count_columns(headers, kel, kec):
    from geoapp.core.programs import detect_columns

    found = detect_columns("umkm", headers, [])
    assert (found.position("kelurahan"), found.position("kecamatan")) == (kel, kec)


def test_a_city_column_is_never_taken_as_the_kecamatan():
    r = run("Kelurahan,Kota,Kab/Kota,jumlah\nGaga,Tangerang,Tangerang,1\nTajur,Tangerang,Tangerang,2\n")
    assert r.table.mapping.kecamatan is None
    assert list(r.result.kode) == ["36.71.13.1006", "36.71.06.1004"]


def test_codes_stored_as_numbers_in_xlsx_are_identifiers(tmp_path):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Kelurahan", "Wilayah", "NIK", "Jumlah"])
    sheet.append(["Gaga", 3671131006, 3671010101900001, 2])
    sheet.append(["Tajur", 3671061004, 3671010101900002, 3])
    buf = io.BytesIO()
    book.save(buf)
    r = run_match(buf.getvalue(), "t.xlsx", MatchOptions(lang="en"))
    assert list(r.ledger["sums"]) == ["Jumlah"]


def test_provinsi_and_kabupaten_columns_are_found_by_their_content():
    r = run("Daerah,Asal,Kelurahan,Jumlah\n"
            "Banten,Kota Tangerang,Gaga,1\nBANTEN,KOTA TANGERANG,Tajur,2\n"
            "banten,Tangerang,Cipadu,3\nBanten,Kota Tangerang,Sudimara Barat,4\n")
    use = uses(r)
    assert use["Daerah"] == "provinsi" and use["Asal"] == "kabupaten"
    how = {c["header"]: c["how"] for c in r.ledger["columns"]}
    assert how["Daerah"] == how["Asal"] == "content"
    assert list(r.result.status) == ["matched"] * 4


def test_short_region_names_are_found_by_their_content():
    """Other regions than the working area's: detected, and their rows kept out of it."""
    r = run("Prop,Kab,Kelurahan,Jumlah\nx,y,Gaga,1\n", kabupaten=None)
    assert uses(r)["Prop"] == "provinsi"          # control: the header says it
    r = run("A,B,Kelurahan,Jumlah\nJatim,Kab. Tegal,Gaga,1\nJateng,KAB TEGAL,Tajur,2\n"
            "DIY,Jaksel,Cipadu,3\nNTB,Tangsel,Sudimara Barat,4\n")
    use = uses(r)
    assert use["A"] == "provinsi" and use["B"] == "kabupaten"
    assert "36.71" not in "".join(k or "" for k in r.result.kode)


def test_a_kelurahan_column_is_not_taken_for_a_region_column():
    r = run("Nama,Jumlah\nGaga,1\nTajur,2\nCipadu,3\nSudimara Barat,4\n")
    assert uses(r)["Nama"] == "kelurahan"


def test_nik_and_code_columns_are_never_summed():
    r = run("NIK,Kode Sekolah,KODE,Kelurahan,Siswa\n"
            "3671011203900001,101,7,Gaga,30\n3671011203900002,102,8,Tajur,40\n")
    assert list(r.ledger["sums"]) == ["Siswa"]
    use = uses(r)
    assert use["NIK"] == use["Kode Sekolah"] == "identifier"
