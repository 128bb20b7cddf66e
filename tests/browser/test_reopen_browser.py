"""A version imported with ``geoapp import`` is finished in the browser: data staff open
Data → Versi tersimpan, reopen the active version, page through its unmatched rows, type a
kelurahan code where the working area is too large for a list, and confirm; a reopened
version whose row count changed is refused and the active version stays.

The data is ``tests/data/browser/umkm_cli_2022.csv`` (30 rows: 22 matched, 1 to review,
7 unmatched), imported with the command line into ``reopen_server`` (no sample data). The
page size of the unmatched rows (``MAX_LISTED_UNMATCHED``, 100) and the size of a working
area that gets a typed code (``MAX_CHOICES``, 3.000 kelurahan) are lowered per test with
``monkeypatch`` (the server runs in this process), as the web tests do.
"""

from __future__ import annotations

import os
import re

import pytest
from browser_helpers import DATA, ledger_rows, login
from click.testing import CliRunner

from geoapp.imports.upload import view

pytestmark = pytest.mark.browser

CSV = DATA / "umkm_cli_2022.csv"
UNMATCHED = ["Antah Berantah", "Negeri Dongeng", "Kampung Khayalan", "Desa Rekaan",
             "Tanah Impian", "Lembah Sunyi", "Bukit Awan"]          # in file order
SOURCE_ROWS = [4, 8, 13, 19, 22, 26, 31]                             # their lines in the file
ACTIVE = '[data-testid="version-row"][data-state="active"][data-program="umkm"]'
UNMATCHED_ROWS = '[data-testid="unmatched-row"]'


def cli_import(server, monkeypatch) -> str:
    """``geoapp import CSV --program umkm --instance <server's> --yes`` (its database)."""
    from geoapp.cli.main import main

    for name in list(os.environ):
        if name.startswith("GEOAPP_") and name != "GEOAPP_REQUIRE_BROWSER":
            monkeypatch.delenv(name)
    url = server.app.config.get("DATABASE_URL")
    if url:                                          # the suite on PostgreSQL
        monkeypatch.setenv("GEOAPP_DATABASE_URL", url)
    result = CliRunner().invoke(main, ["--lang", "id", "import", str(CSV), "--program", "umkm",
                                       "--instance", str(server.instance), "--yes"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Perbaiki baris yang belum cocok" in " ".join(result.output.split())
    return result.output


def active_version(page, server) -> dict[str, str]:
    """The active UMKM version as the versions page shows it."""
    page.goto(server.at("/data/versions?program=umkm"))
    row = page.locator(ACTIVE)
    assert row.count() == 1
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    return {"version": cells[2], "rows": cells[5], "matched": cells[6], "review": cells[7],
            "unmatched": cells[8]}


def reopen_active(page, server) -> dict[str, str]:
    """Log in, check the imported version on the versions page and press 'Perbaiki baris
    yang belum cocok'; lands on the reopened version's preview. Returns the version."""
    login(page, server)
    version = active_version(page, server)
    assert version["rows"] == "30" and version["unmatched"] == "7", version
    # "Poris" is to review unless an earlier test in this session saved its alias
    assert int(version["matched"]) + int(version["review"]) == 23, version
    button = page.locator(ACTIVE).get_by_role("button", name="Perbaiki baris yang belum cocok")
    with page.expect_navigation():
        button.click()
    assert re.search(r"/data/upload/[0-9a-f]{32}(#review)?$", page.url), page.url
    assert ledger_rows(page)["total"] == "30" and ledger_rows(page)["unmatched"] == "7"
    return version


def unmatched_names(page) -> list[str]:
    rows = page.locator(UNMATCHED_ROWS)
    return [rows.nth(i).locator("td").nth(1).inner_text().strip() for i in range(rows.count())]


def unmatched_source_rows(page) -> list[int]:
    rows = page.locator(UNMATCHED_ROWS)
    return [int(rows.nth(i).locator("td").first.inner_text()) for i in range(rows.count())]


def shown(page) -> str:
    return page.get_by_test_id("unmatched-shown").inner_text().strip()


def follow(page, testid: str) -> None:
    with page.expect_navigation():
        page.get_by_test_id(testid).click()


def unmatched_row(page, name: str):
    return page.locator(UNMATCHED_ROWS).filter(
        has=page.locator("td", has_text=re.compile(rf"^{re.escape(name)}$")))


def test_the_unmatched_rows_of_a_reopened_version_are_paged(page, records, reopen_server,
                                                            monkeypatch):
    monkeypatch.setattr(view, "MAX_LISTED_UNMATCHED", 3)
    cli_import(reopen_server, monkeypatch)
    reopen_active(page, reopen_server)

    pages, texts = [], []
    for number in (1, 2, 3):
        if number > 1:
            follow(page, "unmatched-next")
            assert f"unmatched_page={number}" in page.url
        pages.append(unmatched_names(page))
        texts.append(shown(page))
        assert page.get_by_test_id("unmatched-previous").count() == (number > 1)
        assert page.get_by_test_id("unmatched-next").count() == (number < 3)
        assert page.get_by_text("Halaman berikutnya").count() == (number < 3)
    assert pages == [UNMATCHED[0:3], UNMATCHED[3:6], UNMATCHED[6:]]
    assert texts == ["Baris 1–3 dari 7 baris yang belum cocok",
                     "Baris 4–6 dari 7 baris yang belum cocok",
                     "Baris 7–7 dari 7 baris yang belum cocok"]
    assert sum(len(p) for p in pages) == 7 == int(ledger_rows(page)["unmatched"])

    follow(page, "unmatched-previous")                  # back: the same rows as before
    assert "unmatched_page=2" in page.url and unmatched_names(page) == UNMATCHED[3:6]
    assert unmatched_source_rows(page) == SOURCE_ROWS[3:6]

    # Assign a row on page 2 by hand (a list: 104 kelurahan): the page stays, one row fewer.
    row = unmatched_row(page, "Tanah Impian")
    assert row.locator("select[data-testid=manual-kode]").count() == 1
    row.locator("select[data-testid=manual-kode]").select_option("36.71.03.1004")
    with page.expect_navigation():
        row.get_by_role("button", name="Tetapkan").click()
    assert "unmatched_page=2" in page.url
    assert unmatched_names(page) == ["Desa Rekaan", "Lembah Sunyi", "Bukit Awan"]
    assert shown(page) == "Baris 4–6 dari 6 baris yang belum cocok"
    assert page.get_by_test_id("unmatched-next").count() == 0          # now the last page
    assert ledger_rows(page)["unmatched"] == "6"
    assert "36.71.03.1004" in page.get_by_test_id("decisions").inner_text()
    follow(page, "unmatched-previous")
    assert unmatched_names(page) == UNMATCHED[0:3]
    assert shown(page) == "Baris 1–3 dari 6 baris yang belum cocok"
    assert records.page_errors == []


def test_a_large_working_area_gets_a_typed_kode(page, records, reopen_server, monkeypatch):
    monkeypatch.setattr(view, "MAX_CHOICES", 50)          # Kota Tangerang's 104 count as many
    monkeypatch.setattr(view, "MAX_LISTED_UNMATCHED", 3)
    cli_import(reopen_server, monkeypatch)
    before = reopen_active(page, reopen_server)

    note = page.get_by_test_id("typed-kode-note")
    assert "Wilayah kerja ini memiliki 104 kelurahan/desa" in note.inner_text()
    review = page.locator("#review")
    assert review.locator("select").count() == 0          # no dropdown of kelurahan
    assert before["review"] == "1"      # "Poris": only this test saves its alias (confirm)
    assert review.locator("input[data-typed=yes]").count() == 1 + 3     # its group + 3 rows
    fields = review.locator(f"{UNMATCHED_ROWS} input[data-testid=manual-kode]")
    assert fields.count() == 3
    assert fields.first.get_attribute("type") == "text"

    # Page 2: a code the boundary set lacks is refused, said why, on the same page.
    follow(page, "unmatched-next")
    row = unmatched_row(page, "Tanah Impian")
    row.get_by_label("Kelurahan untuk baris 22").fill("99.99.99.9999")
    with page.expect_navigation():
        row.get_by_role("button", name="Tetapkan").click()
    error = page.get_by_test_id("preview-error")
    assert error.inner_text().strip() == (
        "Kelurahan '99.99.99.9999' tidak ada di batas wilayah. Periksa kode kelurahan "
        "(kode wilayah, mis. 36.71.01.1001) atau pilih kelurahan lain.")   # no list here
    assert unmatched_names(page) == UNMATCHED[3:6]         # still the page of that row
    assert shown(page) == "Baris 4–6 dari 7 baris yang belum cocok"
    assert ledger_rows(page)["unmatched"] == "7"

    # The same code typed without dots and with spaces, sent with Enter: assigned.
    field = unmatched_row(page, "Tanah Impian").get_by_label("Kelurahan untuk baris 22")
    field.fill(" 3671031004 ")
    with page.expect_navigation():
        field.press("Enter")
    assert "unmatched_page=2" in page.url
    assert unmatched_names(page) == ["Desa Rekaan", "Lembah Sunyi", "Bukit Awan"]
    assert ledger_rows(page)["unmatched"] == "6"
    decisions = page.get_by_test_id("decisions").inner_text()
    assert "Ditetapkan ke 36.71.03.1004" in decisions

    group = page.locator('[data-testid="review-group"][data-name="Poris"]')  # type a code
    group.locator("input[data-testid=pick-other]").fill("36.71.03.1007")
    with page.expect_navigation():
        group.get_by_role("button", name="Pakai kelurahan ini").click()
    assert page.get_by_test_id("no-review").is_visible()
    assert "Ditetapkan ke 36.71.03.1007" in page.get_by_test_id("decisions").inner_text()
    assert ledger_rows(page)["review"] == "0" and ledger_rows(page)["matched"] == "24"

    with page.expect_navigation():
        page.get_by_test_id("confirm").click()
    assert "/data/versions" in page.url
    after = active_version(page, reopen_server)
    assert int(after["version"]) == int(before["version"]) + 1
    assert (after["rows"], after["matched"], after["review"], after["unmatched"]) == (
        "30", "24", "0", "6")
    assert records.page_errors == []


def test_a_reopened_version_whose_row_count_changed_is_refused(page, records, reopen_server,
                                                               monkeypatch):
    cli_import(reopen_server, monkeypatch)
    before = reopen_active(page, reopen_server)

    page.get_by_test_id("opt-header-row").fill("11")         # 10 rows become the header
    with page.expect_navigation():
        page.get_by_role("button", name="Baca ulang dengan pilihan ini").click()
    assert ledger_rows(page)["total"] == "20"
    preview = page.url
    with page.expect_navigation():
        page.get_by_role("button", name="Konfirmasi dan simpan").click()
    error = page.get_by_test_id("preview-error")
    assert error.is_visible() and error.get_attribute("role") == "alert"
    text = " ".join(error.inner_text().split())
    assert (f"data yang dibuka lagi ini memiliki 20 baris, padahal versi {before['version']} "
            "memuat 30. Tidak ada yang disimpan") in text, text
    assert active_version(page, reopen_server) == before        # nothing stored
    assert page.locator('[data-testid="version-row"][data-program="umkm"]').first.locator(
        "td").nth(2).inner_text().strip() == before["version"]  # no newer version either

    # The upload is kept: the header row set back, the same reopened data is stored.
    page.goto(preview)
    assert ledger_rows(page)["total"] == "20"
    page.get_by_test_id("opt-header-row").fill("1")
    with page.expect_navigation():
        page.get_by_role("button", name="Baca ulang dengan pilihan ini").click()
    assert ledger_rows(page)["total"] == "30"
    with page.expect_navigation():
        page.get_by_role("button", name="Konfirmasi dan simpan").click()
    after = active_version(page, reopen_server)
    assert int(after["version"]) == int(before["version"]) + 1
    assert {k: after[k] for k in ("rows", "matched", "review", "unmatched")} == {
        k: before[k] for k in ("rows", "matched", "review", "unmatched")}
    assert records.page_errors == []
