"""The upload preview's column report: every input column, its use and why (issue #14)."""

from __future__ import annotations

import re

from tests.web.test_upload_flow import token_of, upload

# Hand-made: Kota Tangerang kelurahan names under a header nobody recognises (content),
# BPS-shaped codes (kecamatan parts 010/020, desa parts 001), a measure, a year, an
# identifier and a free-text column; one header carries markup that must be escaped.
FILE = (
    b"No,<b>lokasi</b>,Kecamatan,kode_x,Jumlah,Tahun,catatan\n"
    b"1,Sudimara Barat,Ciledug,3671010001,5,2023,a\n"
    b"2,Sukarasa,Tangerang,3671020001,7,2023,b\n"
    b"3,Sudimara Timur,Ciledug,3671010002,2,2023,c\n"
)


def _report(html: str) -> list[tuple[str, str, str, str]]:
    table = re.search(r'data-testid="column-report".*?<tbody>(.*?)</tbody>', html, re.S)
    assert table, "no column report on the preview page"
    rows = re.findall(r'<tr data-use="([^"]*)" data-how="([^"]*)">\s*<td>\d+</td><td>(.*?)</td>'
                      r'\s*<td>(.*?)</td>', table.group(1), re.S)
    return [(use, how, header, label) for use, how, header, label in rows]


def test_preview_lists_every_column_with_its_use_and_why(planner, token):  # noqa: F811
    r = upload(planner, token, name="kolom.csv", data=FILE)
    assert r.status_code == 302
    html = planner.get(r.headers["Location"] + "?lang=en").get_data(as_text=True)
    report = _report(html)
    assert [(u, h) for u, h, _, _ in report] == [
        ("identifier", "header"), ("kelurahan", "content"), ("kecamatan", "header"),
        ("kode not used", "content"), ("measure", "content"), ("year", "header"),
        ("ignored", "")]
    assert report[1][2] == "&lt;b&gt;lokasi&lt;/b&gt;" and "<b>lokasi</b>" not in html
    assert "BPS" in report[3][3] and "code column not used" in report[3][3]
    assert "look like BPS codes" in html                      # the BPS note itself
    assert "What each column was used for" in html
    planner.get("/?lang=id")
    indonesian = planner.get("/data/upload/" + token_of(r)).get_data(as_text=True)
    assert "What each column was used for" not in indonesian


def test_preview_says_when_a_code_column_was_not_used(planner, token):  # noqa: F811
    data = (b"kelurahan,kecamatan,kode_kelurahan,catatan_lain\n"
            b"Sudimara Barat,Ciledug,36.71.06.1002,36.71.06.1002\n"
            b"Sukarasa,Tangerang,36.71.01.1001,36.71.01.1001\n")
    r = upload(planner, token, name="kode_lain.csv", data=data)
    html = planner.get(r.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert [u for u, _, _, _ in _report(html)] == ["kelurahan", "kecamatan", "kode", "ignored"]
    assert "catatan_lain" in html and "looks like a code column" in html
