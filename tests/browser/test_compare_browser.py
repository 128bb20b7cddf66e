"""The compare view in Chromium: A and B side by side (views kept in step), the swipe map
(B cut at the slider) and the change map, drawn from the app's own Leaflet; the printed
change map downloads as a PDF. Screenshots go to test-artifacts/compare/."""

from __future__ import annotations

import pytest
from browser_helpers import ARTIFACTS, login
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHAPES = ".leaflet-interactive"


def _shot(page, name: str) -> None:
    folder = ARTIFACTS / "compare"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_side_by_side_swipe_and_change_map(page, records, live_server):
    login(page, live_server)
    page.goto(live_server.at("/data/versions/compare?program=umkm"))
    for testid in ("map-a", "map-b", "map-change"):
        page.wait_for_function(
            "id => document.querySelectorAll(`[data-testid=${id}] .leaflet-interactive`)"
            ".length === 104", arg=testid)
    assert page.locator('[name="year_a"] option:checked').inner_text() == "2020"
    assert page.locator('[name="year_b"] option:checked').inner_text() == "2021"
    fills = page.eval_on_selector_all('[data-testid="map-change"] path.leaflet-interactive',
                                      "els => els.map(e => e.getAttribute('fill'))")
    assert len(set(fills)) >= 3                      # decreases, increases, no data
    # side by side: zooming A moves B and the change map too
    page.evaluate("() => window.geoappCompare.maps[0].setZoom("
                  "window.geoappCompare.maps[0].getZoom() + 1)")
    zooms = page.evaluate("() => [...window.geoappCompare.maps, window.geoappCompare.change]"
                          ".map(m => m.getZoom())")
    assert len(set(zooms)) == 1, zooms
    assert page.locator('[data-testid="compare-disappeared"] li').count() > 0
    href = page.get_attribute('[data-testid="compare-print-pdf"]', "href")
    assert "bbox=" in href and "year_a=2020" in href      # the print follows the view
    _shot(page, "side_by_side")

    page.evaluate("() => { window.notReloaded = true; }")
    page.select_option('[data-testid="compare-view"]', "swipe")      # switched in place
    page.wait_for_function("() => document.querySelectorAll("
                           "'[data-testid=map-swipe] .leaflet-interactive').length === 208")
    assert page.evaluate("() => window.notReloaded === true") and "view=swipe" in page.url
    expect(page.locator('[data-testid="map-a"]')).to_be_hidden()
    before = page.eval_on_selector(".leaflet-pane.pane-b", "e => e.style.clipPath")
    page.fill('[data-testid="swipe-range"]', "20")
    after = page.eval_on_selector(".leaflet-pane.pane-b", "e => e.style.clipPath")
    assert before.startswith("polygon(") and before != after
    _shot(page, "swipe")
    page.select_option('[data-testid="compare-view"]', "side")
    assert page.locator('[data-testid="map-a"]').is_visible()
    with page.expect_navigation():                                      # the form still works
        page.select_option('[data-testid="compare-view"]', "swipe")
        page.click('[data-testid="compare-form"] button[type=submit]')
    assert "view=swipe" in page.url
    expect(page.locator('[data-testid="map-a"]')).to_be_hidden()     # once the page script ran

    with page.expect_download() as download:
        page.evaluate("""() => { const a = document.querySelector(
            '[data-testid=compare-print-pdf]'); a.setAttribute('download', ''); a.click(); }""")
    path = download.value.path()
    with open(path, "rb") as f:
        assert f.read(4) == b"%PDF"
    assert not records.page_errors and not records.console_errors, records
    assert not records.blocked, records.blocked
