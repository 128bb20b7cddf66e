"""The finder at 360 px in Chromium: places above the fold, compact cards, kelurahan and
kecamatan search, route and WhatsApp links, one offline sentence, no downloads offline,
the location-denied message above its picker, and a keyboard-only walk (Tab and Enter)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import test_finder_browser
from browser_helpers import ARTIFACTS
from test_finder_browser import (
    CARDS,
    PHONE,
    _all_cards,
    _data,
    _expected,
    _first_cards,
    _located,
    _open,
    _open_card,
    _wait_offline_ready,
)

from geoapp.places.contacts import phone_number, whatsapp_number
from geoapp.places.search import text_matches

pytestmark = pytest.mark.browser

phone = test_finder_browser.phone      # the phone-size context factory (a fixture)
SUMMARY = '[data-testid="place-summary"]'
FOLD = PHONE["height"]


def _bottoms(page, n: int) -> list[float]:
    return page.evaluate(f"""() => [...document.querySelectorAll('{CARDS}')].slice(0, {n})
        .map(e => e.getBoundingClientRect().bottom)""")


def _gps_phone(phone, data):
    p = _located(data)[len(_located(data)) // 3]
    lat, lon = p["lat"] + 0.0017, p["lon"] + 0.0011
    context, page = phone(geolocation={"latitude": lat, "longitude": lon, "accuracy": 20},
                          permissions=["geolocation"])
    return context, page, (lat, lon)


# ----------------------------------------------------------------------------- first screen


def test_first_screen_shows_places_above_the_fold(phone, live_server):
    data = _data(live_server)
    context, page = phone()
    _open(page, live_server)
    page.wait_for_selector(CARDS)
    assert page.get_by_test_id("nearest").bounding_box()["y"] < FOLD / 2   # the prompt
    assert all(b <= FOLD for b in _bottoms(page, 3)), _bottoms(page, 3)
    context, page, (lat, lon) = _gps_phone(phone, data)
    _open(page, live_server)
    page.get_by_test_id("nearest").click()
    nearest = _first_cards(page, 2)
    assert nearest == _expected(data, lat, lon, 2)
    assert page.evaluate("window.scrollY") == 0
    assert all(b <= FOLD for b in _bottoms(page, 2)), _bottoms(page, 2)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "finder-first-screen.png"))


def test_cards_are_compact_with_details_on_demand(phone, live_server):
    data = _data(live_server)
    total = len(data["places"])
    context, page = phone()
    _open(page, live_server)
    assert page.get_by_test_id("count").inner_text().startswith(f"{total} tempat")
    assert page.locator(CARDS).count() == 10
    assert page.locator(f"{CARDS} details[open]").count() == 0
    assert page.locator(".finder-card-body").count() == 0            # built when opened
    assert page.evaluate("document.documentElement.scrollHeight") < 3500
    show_all = page.get_by_test_id("show-all")
    assert show_all.inner_text() == f"Tampilkan semua {total} tempat"
    show_all.focus()
    page.keyboard.press("Enter")                          # by keyboard: focus moves on
    assert page.locator(CARDS).count() == total and not show_all.is_visible()
    assert page.evaluate("document.activeElement.closest('li').querySelector("
                         "'.finder-num').textContent") == "11"
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < total * 100, f"{total} collapsed cards take {height} px"
    first = page.locator(CARDS).first
    _open_card(first)
    assert first.locator("dl").is_visible() and page.locator(".finder-card-body").count() == 1


# ----------------------------------------------------------------------------- search


@pytest.mark.parametrize("query", ["Cibodas", "kec. cibodas", "Poris Gaga Baru"])
def test_search_finds_kecamatan_and_kelurahan(phone, live_server, query):
    data = _data(live_server)
    expected = sorted(p["name"] for p in data["places"] if text_matches(query, " ".join(
        t for t in (p["name"], p["theme"], p["kelurahan"], p["kecamatan"]) if t)))
    in_area = [p["name"] for p in data["places"]
               if query.lower().endswith((p["kecamatan"] or "?").lower())
               or query == p["kelurahan"]]
    assert in_area and set(in_area) <= set(expected)
    context, page = phone()
    _open(page, live_server)
    page.get_by_test_id("search").fill(query)
    names = _all_cards(page).locator('[data-testid="place-name"]').all_inner_texts()
    assert sorted(names) == expected


# ----------------------------------------------------------------------------- links


def test_route_and_whatsapp_links(phone, live_server):
    data = _data(live_server)
    context, page, (lat, lon) = _gps_phone(phone, data)
    _open(page, live_server)
    page.get_by_test_id("nearest").click()
    _first_cards(page, 1)
    card = page.locator(CARDS).first
    _open_card(card)
    place_id = card.get_attribute("data-place-id")
    place = next(p for p in _located(data) if p["id"] == place_id)
    to = f"{place['lat']},{place['lon']}"
    origin = f"{lat:.6f},{lon:.6f}"
    href = lambda testid: card.get_by_test_id(testid).get_attribute("href")  # noqa: E731
    assert href("geo-link").startswith(f"geo:{to}?q={to}(")
    assert href("osm-link") == ("https://www.openstreetmap.org/directions?route="
                                + quote(f"{origin};{to}", safe=""))
    assert href("gmaps-link") == ("https://www.google.com/maps/dir/?api=1&destination="
                                  + quote(to, safe="") + "&origin=" + quote(origin, safe=""))
    for testid in ("osm-link", "gmaps-link"):
        assert card.get_by_test_id(testid).get_attribute("rel") == "noopener"
    assert phone_number(place["contact"]) and whatsapp_number(place["contact"])
    assert href("tel-link") == f"tel:{phone_number(place['contact'])}"
    wa = href("wa-link")
    assert wa == f"https://wa.me/{whatsapp_number(place['contact'])}"
    assert re.fullmatch(r"https://wa\.me/628\d{8,11}", wa)
    assert card.get_by_test_id("wa-link").inner_text() == "WhatsApp"


# ----------------------------------------------------------------------------- offline


def test_offline_notice_once_and_no_downloads(phone, live_server):
    context, page = phone()
    _open(page, live_server)
    assert page.get_by_test_id("download-csv").is_visible()
    assert not page.get_by_test_id("downloads-offline").is_visible()
    _wait_offline_ready(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector('#finder[data-ready="cache"]')
    status = page.get_by_test_id("data-status").inner_text()
    assert status.count("tersimpan di ponsel ini") == 1, status
    assert re.search(r"luring.*\(diambil \d{1,2} \w+ \d{4} \d{2}\.\d{2}\)\.", status), status
    assert page.get_by_test_id("downloads-offline").is_visible()
    for testid in ("download-gpx", "download-kml", "download-geojson", "download-csv",
                   "print-link"):
        assert not page.get_by_test_id(testid).is_visible(), testid
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector('#finder[data-ready="network"]')
    assert page.get_by_test_id("download-csv").is_visible()
    assert not page.get_by_test_id("downloads-offline").is_visible()


def test_denied_location_message_is_above_its_picker(phone, live_server):
    context, page = phone()
    _open(page, live_server)
    page.get_by_test_id("nearest").click()
    page.wait_for_function(
        "() => /tidak tersedia/.test(document.querySelector('[data-testid=near-status]')"
        ".textContent)")
    status = page.get_by_test_id("near-status")
    assert "di bawah" in status.inner_text() and "atas" not in status.inner_text()
    picker = page.get_by_test_id("origin-kelurahan")
    assert status.bounding_box()["y"] + status.bounding_box()["height"] <= \
        picker.bounding_box()["y"]
    assert page.evaluate("document.activeElement.id") == "finder-origin-kel"
    assert picker.bounding_box()["y"] + picker.bounding_box()["height"] <= FOLD


# ----------------------------------------------------------------------------- keyboard


def _tab_to(page, selector: str, limit: int = 40) -> list[str]:
    """Press Tab until the focused element matches ``selector``; returns what was visited."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("""() => { const e = document.activeElement;
            return e.dataset.testid || e.id || e.tagName + ':' + e.textContent.trim(); }"""))
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return seen
    raise AssertionError(f"Tab never reached {selector}: {seen}")


def test_keyboard_walk(phone, live_server):
    data = _data(live_server)
    context, page, (lat, lon) = _gps_phone(phone, data)
    _open(page, live_server)
    page.locator("body").focus()
    _tab_to(page, '[data-testid="nearest"]')
    page.keyboard.press("Enter")
    assert _first_cards(page, 3) == _expected(data, lat, lon, 3)
    _tab_to(page, '[data-testid="origin-kelurahan"]', 3)
    _tab_to(page, '[data-testid="search"]', 2)
    page.keyboard.type("Cibodas")
    _tab_to(page, ".finder-more summary", 2)
    page.keyboard.press("Enter")                                   # filters open
    _tab_to(page, '[data-testid="filter-kind"]', 2)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")                                   # and close again
    _tab_to(page, SUMMARY, 2)
    first = page.evaluate("document.activeElement.closest('li').dataset.placeId")
    page.keyboard.press("Enter")
    card = page.locator(f'{CARDS}[data-place-id="{first}"]')
    assert card.locator("details").get_attribute("open") is not None
    visited = _tab_to(page, '[data-testid="gmaps-link"]', 4)
    assert visited == ["copy-coords", "geo-link", "osm-link", "gmaps-link"], visited
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Tab")
    names = page.locator(f'{CARDS} [data-testid="place-name"]').all_inner_texts()
    assert names and all(text_matches("Cibodas", n + " " + p["kelurahan"] + " " + p["kecamatan"])
                         for n, p in ((n, next(x for x in data["places"] if x["name"] == n))
                                      for n in names))
    _tab_to(page, "#finder-zoom-in")
    before = page.locator("#finder-svg .outlines path").first.get_attribute("d")
    page.keyboard.press("Enter")
    assert page.locator("#finder-svg .outlines path").first.get_attribute("d") != before
    _tab_to(page, '[data-testid="download-csv"]', 6)
