"""At 360 px the site navigation stays on one line (bounding boxes), for visitors and
logged-in planners, in both languages; the account menu opens by keyboard."""

from __future__ import annotations

import pytest
from browser_helpers import ARTIFACTS, login

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
HEADER_ITEMS = """() => [...document.querySelectorAll(
    '.site-header .brand, .site-nav a, .lang-switch a, .lang-switch [aria-current],'
    + ' .site-login, .site-account summary')]
    .map(e => { const r = e.getBoundingClientRect();
                return {text: e.textContent.trim(), top: r.top, bottom: r.bottom,
                        left: r.left, right: r.right, width: r.width}; })
    .filter(i => i.width > 2)"""


def _phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    context.set_default_timeout(15_000)
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url
                  else route.abort("blockedbyclient"))
    return context, context.new_page()


def _assert_one_line(page, what: str) -> None:
    items = page.evaluate(HEADER_ITEMS)
    assert len(items) >= 5, items
    centres = [(i["top"] + i["bottom"]) / 2 for i in items]
    assert max(centres) - min(centres) <= 4, f"{what}: navigation wraps: {items}"
    ordered = sorted(items, key=lambda i: i["left"])
    overlaps = [(a["text"], b["text"]) for a, b in zip(ordered, ordered[1:], strict=False)
                if a["right"] > b["left"] + 0.5]
    assert not overlaps, f"{what}: navigation items overlap: {overlaps}"
    assert all(0 <= i["left"] and i["right"] <= PHONE["width"] for i in items), \
        f"{what}: navigation leaves the screen: {items}"
    header = page.evaluate("""() => { const h = document.querySelector('.site-header');
                                      return [h.scrollWidth, h.clientWidth]; }""")
    assert header[0] <= header[1] <= PHONE["width"], f"{what}: header overflows: {header}"
    height = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert height <= 56, f"{what}: header is {height} px high"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_navigation_is_one_line_at_360_px(browser, live_server, lang):
    context, page = _phone_page(browser)
    try:
        page.goto(live_server.at(f"/kampung?lang={lang}"))
        _assert_one_line(page, f"visitor, {lang}")
        login(page, live_server)
        page.goto(live_server.at(f"/data/versions?lang={lang}"))
        _assert_one_line(page, f"planner, {lang}")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"nav-phone-{lang}.png"))
        menu = page.get_by_test_id("nav-account")
        assert not page.get_by_test_id("nav-password").is_visible()
        menu.locator("summary").focus()
        page.keyboard.press("Enter")
        assert page.get_by_test_id("nav-password").is_visible()
        box = page.get_by_test_id("nav-password").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.testid") == "nav-admin"
        page.screenshot(path=str(ARTIFACTS / f"nav-phone-menu-{lang}.png"))
    finally:
        context.close()
