"""Hostile but readable files: they go through upload -> preview -> confirm without a 500.

What is checked: every non-blank data row is accounted for (ledger balances, stored row
count == rows in), stored and served JSON never holds NaN/Infinity, hostile header and
cell texts are stored as text and rendered escaped, odd file names never become paths.
"""

from __future__ import annotations

import json
import re

import pytest
from badinput_support import csrf, post_upload, snapshot
from corpus import inline_row, read_file, replace_members, sheet_xml, workbook_bytes
from corpus import xlsx_nul_rtl_names as _xlsx_nul_rtl_names
from werkzeug.utils import secure_filename

from geoapp.store import active_dataset, row_dicts
from geoapp.web.db import get_db

LAYER = "umkm-kelompok-km2"


def strict_json(text: str):
    """json.loads that refuses NaN/Infinity (what browsers' JSON.parse refuses too)."""
    def refuse(constant: str):
        raise AssertionError(f"non-standard JSON constant {constant}")
    return json.loads(text, parse_constant=refuse)


def _xlsx_native_numbers() -> bytes:
    """Numbers stored as numbers that overflow (1E309), are absurd (1E308, 1E30) or negative."""
    names = ["Sukasari", "Cikokol", "Babakan", "Sukarasa", "Tanah Tinggi", "Buaran Indah",
             "Kelapa Indah", "Sukajadi"]
    values = ["1E309", "-1E309", "1E308", "1E30", "-5", "12", "3.5", "7"]
    rows = [inline_row(1, "Kelurahan", "Kecamatan", "Jumlah")]
    for r, (name, value) in enumerate(zip(names, values, strict=True), start=2):
        rows.append(inline_row(r, name, "Tangerang")[:-6] + f'<c r="C{r}"><v>{value}</v></c></row>')
    return replace_members(workbook_bytes([["x"]]), {"xl/worksheets/sheet1.xml":
                                                     sheet_xml("".join(rows))})


def _long_names_csv() -> bytes:
    long_name = "Sukasari" * 1250                     # 10,000 characters
    return (f"Kelurahan,Kecamatan,Keterangan,Jumlah\n{long_name},Tangerang,{'x' * 10_000},3\n"
            f"Cikokol,{'K' * 10_000},biasa,4\nBabakan,Tangerang,biasa,5\n").encode()


def _nul_rtl_xlsx() -> bytes:
    return _xlsx_nul_rtl_names()


# (case id, bytes factory, file name, data rows in, sums that must come out)
CASES = [
    ("numbers-nan-inf-absurd", lambda: read_file("numbers_hostile.csv"), "angka.csv", 8, None),
    ("xlsx-native-overflow", _xlsx_native_numbers, "angka.xlsx", 8, {"Jumlah": 17.5}),
    ("names-10000-chars", _long_names_csv, "panjang.csv", 3, {"Jumlah": 12}),
    ("names-rtl-override", lambda: read_file("rtl_override_names.csv"), "rtl.csv", 4,
     {"Jumlah": 14}),
    ("names-nul-rtl-xlsx", _nul_rtl_xlsx, "nul.xlsx", 3, {"Jumlah": 14}),
    ("header-collisions", lambda: read_file("header_collisions.csv"), "kolom.csv", 2,
     {"Jumlah": 4, "Jumlah (kolom 7)": 6}),
    ("code-headers", lambda: read_file("code_headers.csv"), "kode.csv", 2, {"Jumlah": 7}),
    ("ragged-rows", lambda: read_file("ragged_rows.csv"), "baris.csv", 3, {"Jumlah": 8}),
    ("truncated-utf8", lambda: read_file("truncated_utf8.csv"), "potong.csv", 4,
     {"Jumlah": 12}),
]


def _confirm(app, client, data: bytes, name: str) -> tuple[str, dict]:
    response = post_upload(client, data, name)
    assert response.status_code == 302, response.get_data(as_text=True)[-600:]
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Traceback" not in html
    assert 'data-balanced="yes"' in html
    token = response.headers["Location"].rsplit("/", 1)[-1]
    done = client.post(f"/data/upload/{token}/confirm", data={"csrf_token": csrf(client)})
    assert done.status_code == 302, done.get_data(as_text=True)[-600:]
    with app.app_context():
        dataset_id = active_dataset(get_db(), "umkm").id
    details = client.get(f"/api/datasets/{dataset_id}")
    assert details.status_code == 200
    return html, strict_json(details.get_data(as_text=True))


@pytest.mark.parametrize("factory,name,rows,sums", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_hostile_but_readable_file_is_accounted_for(hostile_app, planner, factory, name,
                                                     rows, sums):
    _, details = _confirm(hostile_app, planner, factory(), name)
    ledger = details["ledger"]
    counts = ledger["rows"]
    # real data over the sample version replaces the sample entirely (its years: dropped)
    kept = sum(details["report"]["years"]["keeps"].values())
    assert kept == 0 and details["report"]["years"]["drops"]
    assert counts["total"] == rows == details["rows"]
    assert counts["total"] == sum(counts[s] for s in ("matched", "review", "unmatched",
                                                      "excluded"))
    assert ledger["balanced"] is True
    for label, column in ledger["sums"].items():
        assert column["difference"] == 0
        if sums is not None and label in sums:
            assert column["total"] == sums[label]
    with hostile_app.app_context():
        stored = row_dicts(get_db(), details["id"])
    assert len(stored) == rows
    json.dumps(stored, allow_nan=False)        # no NaN/Infinity anywhere in stored rows


def test_absurd_numbers_are_counted_as_unreadable_not_summed(hostile_app, planner):
    html, details = _confirm(hostile_app, planner, _xlsx_native_numbers(), "angka.xlsx")
    assert details["ledger"]["unparsed_numbers"] == {"Jumlah": 4}
    assert "tidak terhingga atau lebih besar dari" in html
    for suffix in ("", ".geojson", ".csv"):
        served = planner.get(f"/api/layers/{LAYER}{suffix}")
        assert served.status_code == 200
        if suffix != ".csv":
            strict_json(served.get_data(as_text=True))
        assert b"Infinity" not in served.data and b"NaN" not in served.data


def test_code_like_headers_stay_text_and_are_escaped(hostile_app, planner):
    html, details = _confirm(hostile_app, planner, read_file("code_headers.csv"), "kode.csv")
    assert details["headers"][2:7] == ["'; DROP TABLE datasets;--", "{{7*7}}", "__import__('os')",
                                       "${jndi:ldap://x}", "<script>alert(1)</script>"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "{{7*7}}" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    with hostile_app.app_context():
        assert active_dataset(get_db(), "umkm").title == "Uji masukan rusak"  # table intact
    listing = planner.get("/api/datasets?program=umkm")
    assert listing.status_code == 200 and len(strict_json(listing.get_data(as_text=True))
                                              ["datasets"]) >= 2


@pytest.mark.parametrize("filename,shown", [
    ("../../etc/passwd.csv", "passwd.csv"),
    ("/vsicurl/http://127.0.0.1:1/data.csv", "data.csv"),
    ("/vsizip//etc/passwd.csv", "passwd.csv"),
    ("..\\..\\windows\\win.ini.csv", "win.ini.csv"),
    ("laporan\u202evsc.csv", "laporanvsc.csv"),      # the RTL override is dropped
])
def test_path_like_names_are_display_only(hostile_app, planner, filename, shown):
    before = set(snapshot(hostile_app)["uploads"])
    response = post_upload(planner, read_file("rtl_override_names.csv"), filename)
    assert response.status_code == 302
    stored = set(snapshot(hostile_app)["uploads"]) - before   # (token, state) in the database
    assert len(stored) == 1 and all(re.fullmatch(r"[0-9a-f]{32}", t) for t, _ in stored)
    state = json.loads(next(iter(stored))[1])
    name = state["filename"]
    assert name.endswith(shown) and "/" not in name and "\\" not in name
    page = planner.get(response.headers["Location"]).get_data(as_text=True)
    assert "/etc/" not in page and "vsicurl" not in page


def test_secure_filename_can_be_empty_and_the_upload_still_fails_cleanly(hostile_app, planner):
    assert secure_filename("../..") == ""
    before = snapshot(hostile_app)
    response = post_upload(planner, read_file("rtl_override_names.csv"), "../..")
    assert response.status_code == 400 and snapshot(hostile_app) == before
