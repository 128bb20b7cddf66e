"""Kelurahan profile (reached from the map popup) and the id/en language switch."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    ARTIFACTS,
    exactly,
    kelurahan_targets,
    legend_rows,
    map_payload,
    open_map,
    wait_for_map,
)

pytestmark = pytest.mark.browser

RANK_ID = re.compile(r"^peringkat \d+ dari \d+$")
RANK_EN = re.compile(r"^rank \d+ of \d+$")
H1 = {"id": "Peta program Kota Tangerang", "en": "Kota Tangerang program map"}


def _figure_rows(page):
    return page.locator('[data-testid="figures-table"] tbody tr[data-testid^="figure-"]')


def _check_profile(page, kode: str, nama: str) -> None:
    profile = page.locator('[data-testid="profile"]')
    assert profile.get_attribute("data-kode") == kode
    assert nama in page.locator("h1").inner_text()
    rows = _figure_rows(page)
    assert rows.count() >= 4, "the sample data has at least four area layers"
    ranked = 0
    for i in range(rows.count()):
        cells = [t.strip() for t in rows.nth(i).locator("td").all_inner_texts()]
        value, rank_kec, rank_city = cells[0], cells[1], cells[2]
        assert value, "every figure shows a value (or 'Tidak ada data')"
        for rank in (rank_kec, rank_city):
            assert rank == "" or RANK_ID.match(rank), f"rank not in Indonesian: {rank!r}"
        ranked += bool(rank_city)
    assert ranked >= 1, "no figure has a city rank"
    assert page.locator('[data-testid="profile-outline"] path.outline-self').count() >= 1


def test_profile_opens_from_the_map_popup(page, records, live_server):
    payload = open_map(page, live_server)
    target = kelurahan_targets(page, payload, limit=1)[0]
    page.mouse.click(target.x, target.y)
    popup = page.locator(".leaflet-popup .geoapp-popup")
    popup.wait_for(state="visible")
    assert popup.locator("strong").first.inner_text().strip() == target.nama
    link = popup.locator("a.geoapp-profile-link")
    assert link.get_attribute("href") == f"/kelurahan/{target.kode}"
    with page.expect_navigation():
        link.click()
    assert page.url == live_server.at(f"/kelurahan/{target.kode}")
    _check_profile(page, target.kode, target.nama)
    assert records.page_errors == []


def test_profile_screenshot_artifact(page, live_server):
    kode = "36.71.01.1007"                                  # Sukasari, Kecamatan Tangerang
    response = page.goto(live_server.at(f"/kelurahan/{kode}"))
    assert response.status == 200
    _check_profile(page, kode, "Sukasari")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "profile.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _switch(page, lang: str) -> None:
    with page.expect_navigation():
        page.click(f'.lang-switch a[hreflang="{lang}"]')


def test_language_switch_to_english_and_back(page, live_server):
    payload = open_map(page, live_server)
    title = payload["chor"][0]["title"]
    assert page.locator("h1").inner_text().strip() == H1["id"]
    assert page.get_attribute("html", "lang") == "id"
    assert legend_rows(page, title)[-1].startswith("Tidak ada data")

    _switch(page, "en")
    wait_for_map(page)
    assert page.locator("h1").inner_text().strip() == H1["en"]
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("#control-submit").inner_text().strip() == "Show on the map"
    english = map_payload(page)
    assert english["lang"] == "en"
    assert legend_rows(page, english["chor"][0]["title"])[-1].startswith("No data")
    assert page.locator(".lang-switch [aria-current]").inner_text().strip() == "EN"

    page.goto(live_server.at("/kelurahan/36.71.01.1007"))     # the choice is kept
    rank = page.locator('[data-testid="figures-table"] tbody td').nth(2).inner_text().strip()
    assert rank == "" or RANK_EN.match(rank)
    assert page.get_by_text(exactly("Rank in the city")).count() == 1

    _switch(page, "id")
    assert page.get_by_text(exactly("Rank in the city")).count() == 0
    page.goto(live_server.at("/"))
    wait_for_map(page)
    assert page.locator("h1").inner_text().strip() == H1["id"]
    assert page.get_attribute("html", "lang") == "id"
