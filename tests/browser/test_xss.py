"""Hostile cells, headers and titles are shown as text on every page; no script ever runs."""

from __future__ import annotations

import pytest
from browser_helpers import DATA, login, open_map, upload

pytestmark = pytest.mark.browser

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`+alert(1)+`",
    "</script><script>alert(1)</script>",
)
TITLE = "UMKM " + " ".join(PAYLOADS)
XSS_FILE = DATA / "xss_umkm.csv"
# Executable scripts (not JSON data blocks) whose source mentions the payload call.
_INJECTED_SCRIPTS = """() => [...document.scripts].filter(s =>
    (!s.type || /javascript|module/i.test(s.type)) && s.textContent.includes('alert(1)')).length"""


def assert_inert(page, records, texts, where: str) -> None:
    """The texts are visible as text; nothing was injected and no dialog fired."""
    body = page.locator("body").inner_text()
    for text in texts:
        assert text in body, f"{where}: {text!r} is not shown as text"
    assert page.locator("img[src='x']").count() == 0, f"{where}: an <img src=x> was injected"
    assert page.evaluate(_INJECTED_SCRIPTS) == 0, f"{where}: a script with alert(1) exists"
    assert records.dialogs == [], f"{where}: a dialog fired: {records.dialogs}"
    assert records.page_errors == [], f"{where}: JavaScript errors: {records.page_errors}"


def test_payloads_render_as_text_everywhere(page, records, upload_server):
    login(page, upload_server)
    upload(page, upload_server, XSS_FILE, TITLE)

    # preview: title, header and cells; review group (kecamatan payload) and unmatched rows
    assert_inert(page, records, (TITLE, *PAYLOADS), "preview")
    header = page.locator('[data-testid="preview-rows"] thead').inner_text()
    assert PAYLOADS[0] in header
    group = page.locator('[data-testid="review-group"][data-name="Sudimara"]')
    assert PAYLOADS[1] in group.inner_text()
    unmatched = page.locator('[data-testid="unmatched"]').inner_text()
    assert all(p in unmatched for p in PAYLOADS)

    # review: pick a suggestion for the hostile-kecamatan group, back on the same page
    with page.expect_navigation():
        group.locator('[data-testid="pick-suggestion"]').first.click()
    assert_inert(page, records, (TITLE, *PAYLOADS), "review")

    # data page after storing
    with page.expect_navigation():
        page.click("#confirm")
    assert "/data/versions" in page.url
    assert_inert(page, records, (TITLE,), "data page")
    assert TITLE in " ".join(page.locator('[data-testid="flash"]').all_inner_texts())

    # map page: the active data list names the dataset
    open_map(page, upload_server)
    page.wait_for_load_state("networkidle")
    assert_inert(page, records, (TITLE,), "map page")
    assert TITLE in page.locator("ul.datasets").inner_text()
