"""Hostile or broken files posted to the real upload form by a logged-in planner.

Each case must be refused with 400/413/415/422 (never 500), a clear message in the
interface language, and no change to stored data, aliases or the upload folder.
"""

from __future__ import annotations

import pytest
import sample_app as samples
from badinput_support import error_text, login_planner, post_upload, snapshot
from corpus import (
    read_file,
    truncated,
    workbook_bytes,
    xlsx_declared_huge,
    xlsx_entity_bomb_shared,
    xlsx_entity_bomb_sheet,
    xlsx_external_entity,
    xlsx_many_members,
    xlsx_million_rows,
    xlsx_ratio_bomb,
)


def _good_xlsx() -> bytes:
    return workbook_bytes([["Kelurahan", "Kecamatan", "Jumlah"], ["Sukasari", "Tangerang", 3],
                           ["Cikokol", "Tangerang", 4]])


def _million_csv() -> bytes:
    return b"Kelurahan,Jumlah\n" + b"Cikokol,3\n" * 1_000_000


def _file(name: str):
    return lambda: read_file(name)


# (case id, bytes factory, upload file name, expected status, Indonesian text expected)
CASES = [
    ("empty", _file("empty.csv"), "empty.csv", 422, "kosong (0 byte)"),
    ("whitespace-only", _file("whitespace_only.csv"), "whitespace_only.csv", 422,
     "Baris judul kolom tidak ditemukan"),
    ("header-only", _file("header_only.csv"), "header_only.csv", 422, "Tidak ada baris data"),
    ("truncated-xlsx", lambda: truncated(_good_xlsx()), "potong.xlsx", 422, "rusak atau terpotong"),
    ("truncated-xlsx-head", lambda: truncated(_good_xlsx(), 0.1), "awal.xlsx", 422,
     "rusak atau terpotong"),
    ("csv-named-xlsx", _file("csv_content.xlsx"), "csv_content.xlsx", 422, "isinya CSV"),
    ("xlsx-named-csv", _good_xlsx, "tabel.csv", 422, "isinya XLSX"),
    ("binary-garbage", _file("garbage.csv"), "garbage.csv", 422, "bukan teks CSV maupun XLSX"),
    ("high-byte-garbage", _file("garbage_high_bytes.csv"), "garbage_high_bytes.csv", 422,
     "Baris judul kolom tidak ditemukan"),
    ("utf16", _file("utf16.csv"), "utf16.csv", 422, "bukan teks CSV maupun XLSX"),
    ("gzip", _file("gzip_content.csv"), "gzip_content.csv", 422, "(gzip)"),
    ("png", _file("png_content.csv"), "png_content.csv", 422, "(PNG)"),
    ("pdf", _file("pdf_content.csv"), "pdf_content.csv", 422, "(PDF)"),
    ("old-xls-as-xlsx", _file("old_excel.xlsx"), "old_excel.xlsx", 422, "Excel lama (.xls)"),
    ("old-xls", _file("old_excel.xls"), "old_excel.xls", 400, "tidak didukung"),
    ("zip-not-xlsx", _file("zip_not_xlsx.xlsx"), "zip_not_xlsx.xlsx", 422,
     "bukan buku kerja XLSX"),
    ("nul-in-csv", _file("nul_in_name.csv"), "nul_in_name.csv", 422, "bukan teks CSV"),
    ("html-as-csv", _file("page.csv"), "page.csv", 422, "Baris judul kolom tidak ditemukan"),
    ("unclosed-quote", _file("unclosed_quote.csv"), "unclosed_quote.csv", 422,
     "tidak dapat dibaca sebagai CSV"),
    ("entity-bomb-sheet", xlsx_entity_bomb_sheet, "bom.xlsx", 422, "deklarasi entitas (DTD)"),
    ("entity-bomb-shared", xlsx_entity_bomb_shared, "bom2.xlsx", 422, "deklarasi entitas (DTD)"),
    ("xxe-sheet", xlsx_external_entity, "xxe.xlsx", 422, "deklarasi entitas (DTD)"),
    ("xlsx-million-rows", xlsx_million_rows, "sejuta.xlsx", 413, "lebih dari batas 50000"),
    ("csv-million-rows", _million_csv, "sejuta.csv", 413, "lebih dari batas 50000"),
    ("xlsx-ratio-bomb", xlsx_ratio_bomb, "rasio.xlsx", 413, "terlalu besar saat dibuka"),
    ("xlsx-many-members", xlsx_many_members, "anggota.xlsx", 413, "members"),
    ("xlsx-declared-huge", xlsx_declared_huge, "besar.xlsx", 413, "terlalu besar saat dibuka"),
    ("kml-with-entities", _file("entities.kml"), "entities.kml", 400, "tidak didukung"),
    ("kml-named-csv", _file("entities_kml.csv"), "entities_kml.csv", 422,
     "Tidak ada baris data"),
    ("geojson", _file("boundary.geojson"), "boundary.geojson", 400, "tidak didukung"),
    ("vrt-as-geojson", _file("vrt_local.geojson"), "vrt_local.geojson", 400, "tidak didukung"),
    ("vrt-url", _file("vrt_url.vrt"), "vrt_url.vrt", 400, "tidak didukung"),
    ("vrt-named-csv", _file("vrt_local.csv"), "vrt_local.csv", 422,
     "Baris judul kolom tidak ditemukan"),
    ("path-etc-passwd", _file("header_only.csv"), "../../etc/passwd", 400, "tidak didukung"),
    ("path-vsicurl", _good_xlsx, "/vsicurl/http://127.0.0.1:1/", 400, "tidak didukung"),
    ("path-vsizip", _good_xlsx, "/vsizip//etc/passwd", 400, "tidak didukung"),
    ("secure-filename-empty", _good_xlsx, "../..", 400, "tidak didukung"),
]


@pytest.mark.parametrize("factory,filename,status,expected",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_file_is_refused_cleanly(hostile_app, planner, factory, filename, status, expected):
    before = snapshot(hostile_app)
    response = post_upload(planner, factory(), filename)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert expected in error_text(response)
    assert "Traceback" not in page and 'lang="id"' in page
    assert snapshot(hostile_app) == before


ENGLISH = [
    ("empty", "empty.csv", 422, "is empty (0 bytes)"),
    ("garbage", "garbage.csv", 422, "is neither CSV text nor XLSX"),
    ("csv-named-xlsx", "csv_content.xlsx", 422, "but its content is CSV"),
    ("kml", "entities.kml", 400, "is not supported"),
]


@pytest.mark.parametrize("name,status,expected", [c[1:] for c in ENGLISH],
                         ids=[c[0] for c in ENGLISH])
def test_messages_in_english_with_lang_query(hostile_app, planner, name, status, expected):
    before = snapshot(hostile_app)
    response = post_upload(planner, read_file(name), name, query="?lang=en")
    assert response.status_code == status and expected in error_text(response)
    assert 'lang="en"' in response.get_data(as_text=True)
    assert snapshot(hostile_app) == before


def test_entity_bomb_message_in_english_from_the_session_choice(hostile_app, planner):
    planner.get("/?lang=en")                  # the choice is remembered in the session
    response = post_upload(planner, xlsx_entity_bomb_shared(), "bom.xlsx")
    assert response.status_code == 422
    assert "entity declarations (DTD)" in error_text(response)


def test_request_without_file_or_title(hostile_app, planner):
    from badinput_support import csrf

    before = snapshot(hostile_app)
    no_file = planner.post("/data/upload", data={"program": "umkm", "title": "x",
                                                 "csrf_token": csrf(planner)})
    assert no_file.status_code == 400 and "Belum ada berkas" in error_text(no_file)
    long_title = post_upload(planner, read_file("numbers_hostile.csv"), "a.csv",
                             title="x" * 10_000)
    assert long_title.status_code == 400 and "Judul" in error_text(long_title)
    bad_program = post_upload(planner, read_file("numbers_hostile.csv"), "a.csv",
                              program="'; DROP TABLE datasets;--")
    assert bad_program.status_code == 400 and "DROP TABLE" not in bad_program.headers.get(
        "Location", "")
    bad_header = post_upload(planner, read_file("numbers_hostile.csv"), "a.csv",
                             header_row="1; DROP TABLE datasets")
    assert bad_header.status_code == 400 and "header_row" in error_text(bad_header)
    assert snapshot(hostile_app) == before


def test_body_over_the_limit_is_413(sample_template, tmp_path):
    app = samples.make_app(samples.copy_instance(sample_template, tmp_path / "inst"),
                           MAX_CONTENT_LENGTH=4096)
    try:
        client = login_planner(app)
        before = snapshot(app)
        response = post_upload(client, _million_csv()[:100_000], "besar.csv")
        assert response.status_code == 413 and "MB" in response.get_data(as_text=True)
        assert snapshot(app) == before
    finally:
        samples.dispose_app(app)
