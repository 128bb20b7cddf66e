"""A planner uploads a messy CSV, reviews the ambiguous row and stores it; the map shows it."""

from __future__ import annotations

import re

import pytest
from browser_helpers import DATA, ledger_rows, login, map_payload, open_map, upload

pytestmark = pytest.mark.browser

TITLE = "UMKM 2021 uji browser"
MESSY = DATA / "messy_umkm_2021.csv"
SUDIMARA = {"36.71.06.1002", "36.71.06.1003", "36.71.06.1006", "36.71.06.1007",
            "36.71.11.1002"}                      # Barat, Timur, Jaya, Selatan; Sudimara Pinang
MATCHED_KELURAHAN = {"36.71.01.1007", "36.71.01.1005", "36.71.07.1003", "36.71.03.1003"}


def _preview_row(page, first_cell: str):
    return page.locator('[data-testid="preview-rows"] tbody tr').filter(
        has=page.locator("td", has_text=re.compile(rf"^{re.escape(first_cell)}$")))


def _check_preview(page) -> None:
    assert page.locator('[data-testid="filename"]').inner_text() == MESSY.name
    ledger = page.locator('[data-testid="ledger"]')
    assert ledger.get_attribute("data-balanced") == "yes"
    assert ledger_rows(page) == {"total": "7", "matched": "4", "review": "1",
                                 "unmatched": "1", "excluded": "1"}
    sums = page.locator('[data-testid="ledger-sum"]').all_inner_texts()
    assert any("Rp 8.100.000,50" in s for s in sums), sums
    assert any("1.250" in s for s in sums), sums
    typo = _preview_row(page, "Karawaci Baruu")
    assert typo.get_attribute("data-status") == "matched"
    assert "Karawaci Baru (Karawaci)" in typo.inner_text()
    assert _preview_row(page, "Antah Berantah").get_attribute("data-status") == "unmatched"


def _pick_sudimara(page) -> str:
    group = page.locator('[data-testid="review-group"][data-name="Sudimara"]')
    assert group.count() == 1
    buttons = group.locator('[data-testid="pick-suggestion"]')
    kodes = [buttons.nth(i).get_attribute("data-kode") for i in range(buttons.count())]
    assert kodes and set(kodes) <= SUDIMARA, kodes
    with page.expect_navigation():
        buttons.first.click()
    assert page.locator('[data-testid="no-review"]').is_visible()
    assert kodes[0] in page.locator('[data-testid="decisions"]').inner_text()
    assert ledger_rows(page)["matched"] == "5" and ledger_rows(page)["review"] == "0"
    return kodes[0]


def test_upload_review_confirm_then_dataset_on_data_page_and_map(page, records, upload_server):
    login(page, upload_server)
    upload(page, upload_server, MESSY, TITLE)
    _check_preview(page)
    chosen = _pick_sudimara(page)

    with page.expect_navigation():
        page.click("#confirm")
    assert "/data/versions" in page.url
    assert TITLE in " ".join(page.locator('[data-testid="flash"]').all_inner_texts())
    row = page.locator('[data-testid="version-row"][data-state="active"][data-program="umkm"]')
    assert row.count() == 1 and TITLE in row.inner_text()
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    # the file (no Tahun column; "2021" in its name) replaced the sample data entirely
    assert cells[4] == "2021"
    assert cells[5:9] == ["7", "5", "0", "1"]             # rows, matched, review, unmatched
    flashes = " ".join(page.locator('[data-testid="flash"]').all_inner_texts())
    assert "diganti 2021 (" in flashes and "Data contoh" in flashes

    open_map(page, upload_server, "year=2021")
    assert TITLE in page.locator("ul.datasets").inner_text()
    chor = next(c for c in map_payload(page)["chor"] if c["key"].startswith("umkm-"))
    assert chor["label"] and "data contoh" not in chor["label"]    # no longer the sample
    kodes = map_payload(page)["kel"]["kode"]
    with_data = {kodes[i] for i, v in enumerate(chor["v"]) if v is not None}
    assert with_data == MATCHED_KELURAHAN | {chosen}
    assert records.page_errors == []
