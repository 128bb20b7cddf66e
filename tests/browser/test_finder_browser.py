"""The field teams' finder in real Chromium at phone size: nearest to me (with and without
permission), offline after one visit (service worker), downloads, phone screenshot."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from browser_helpers import ARTIFACTS, local_only

from geoapp.places.distance import format_distance, haversine_m

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
GPX = "{http://www.topografix.com/GPX/1/1}"
KML = "{http://www.opengis.net/kml/2.2}"
CARDS = '[data-testid="place-card"]'
TIMEOUT_MS = 15_000


# ----------------------------------------------------------------------------- helpers


@pytest.fixture
def phone(browser, request):
    """A factory of phone-size contexts (id-ID, external requests blocked, errors recorded)."""
    made = []

    def make(**options):
        context = browser.new_context(viewport=PHONE, locale="id-ID", accept_downloads=True,
                                      has_touch=True, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", local_only)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        made.append((context, page))
        return context, page

    yield make
    for context, page in made:
        context.close()
        assert not page.errors, f"JavaScript errors: {page.errors}"


def _data(server) -> dict:
    with urllib.request.urlopen(server.at("/kampung/data.json"), timeout=30) as response:
        return json.loads(response.read())


def _located(data: dict) -> list[dict]:
    """Places with coordinates (the others are listed but have no distance)."""
    return [p for p in data["places"] if p["lat"] is not None and p["lon"] is not None]


def _expected(data: dict, lat: float, lon: float, n: int = 3) -> list[tuple[str, str]]:
    ranked = sorted(_located(data), key=lambda p: (
        haversine_m(lat, lon, p["lat"], p["lon"]), p["name"]))
    return [(p["name"], format_distance(haversine_m(lat, lon, p["lat"], p["lon"]), "id"))
            for p in ranked[:n]]


def _open(page, server) -> None:
    page.goto(server.at("/kampung"))
    page.wait_for_selector("#finder[data-ready]")


def _first_cards(page, n: int = 3) -> list[tuple[str, str]]:
    page.wait_for_selector(f'{CARDS} [data-testid="place-distance"]')
    cards = page.locator(CARDS)
    return [(cards.nth(i).locator('[data-testid="place-name"]').inner_text().strip(),
             cards.nth(i).locator('[data-testid="place-distance"]').inner_text().strip())
            for i in range(n)]


def _all_cards(page):
    """Every card of the current list (pressing "Show all" when the list is cut short)."""
    more = page.get_by_test_id("show-all")
    if more.is_visible():
        more.click()
    return page.locator(CARDS)


def _open_card(card) -> None:
    """Open a card's details (built on first opening)."""
    card.locator('[data-testid="place-summary"]').click()
    card.locator(".finder-card-body").wait_for()


def _distances_unique(expected: list[tuple[str, str]]) -> bool:
    return len({d for _, d in expected}) == len(expected)


# ----------------------------------------------------------------------------- tests


def test_nearest_to_me_with_gps(phone, live_server):
    data = _data(live_server)
    target = _located(data)[len(_located(data)) // 2]
    lat, lon = target["lat"] + 0.0021, target["lon"] - 0.0013
    context, page = phone(geolocation={"latitude": lat, "longitude": lon, "accuracy": 35},
                          permissions=["geolocation"])
    _open(page, live_server)
    assert page.get_by_test_id("sample-banner").is_visible()
    assert re.search(r"Data per \d{1,2} \w+ \d{4} \d{2}\.\d{2}",
                     page.get_by_test_id("data-status").inner_text())
    page.get_by_test_id("nearest").click()
    expected = _expected(data, lat, lon)
    assert _first_cards(page) == expected
    assert all(re.fullmatch(r"\d+ m|\d+,\d km", d) for _, d in expected)
    accuracy = page.get_by_test_id("accuracy")
    assert accuracy.inner_text().strip() == "akurasi ± 35 m"
    assert "warn" not in (accuracy.get_attribute("class") or "")
    _check_phone_layout(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("finder-map").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -60)")
    page.screenshot(path=str(ARTIFACTS / "finder-phone.png"))
    assert (ARTIFACTS / "finder-phone.png").stat().st_size > 1000


def _check_phone_layout(page) -> None:
    """No sideways scrolling at 360 px; buttons/links/selects >= 44 px; text >= 16 px."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    small = page.evaluate("""() => [...document.querySelectorAll(
        '#finder button, #finder select, #finder input, #finder .finder-actions a, #finder a.big')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect().height])
        .filter(([, h]) => h < 44)""")
    assert small == []
    _open_card(page.locator(CARDS).first)
    size = page.evaluate("""() => parseFloat(getComputedStyle(
        document.querySelector('[data-testid="place-card"] dd')).fontSize)""")
    assert size >= 16


def test_poor_accuracy_is_flagged(phone, live_server):
    data = _data(live_server)
    p = _located(data)[0]
    context, page = phone(geolocation={"latitude": p["lat"], "longitude": p["lon"],
                                       "accuracy": 250}, permissions=["geolocation"])
    _open(page, live_server)
    page.get_by_test_id("nearest").click()
    accuracy = page.get_by_test_id("accuracy")
    page.wait_for_function("() => document.querySelector('[data-testid=accuracy]').textContent")
    assert "± 250 m" in accuracy.inner_text()
    assert "warn" in accuracy.get_attribute("class")
    assert _first_cards(page, 1)[0] == (p["name"], "0 m")


def test_refused_permission_falls_back_to_kelurahan(phone, live_server):
    data = _data(live_server)
    context, page = phone()                                  # no geolocation permission
    _open(page, live_server)
    page.get_by_test_id("nearest").click()
    status = page.get_by_test_id("near-status")
    page.wait_for_function(
        "() => /tidak tersedia/.test(document.querySelector('[data-testid=near-status]')"
        ".textContent)")
    assert "izin ditolak" in status.inner_text() and "pilih kelurahan" in status.inner_text()
    kel = next(k for k in data["kelurahan"] if k["nama"] == "Poris Gaga Baru")
    page.get_by_test_id("origin-kelurahan").select_option(kel["kode"])
    expected = _expected(data, kel["lat"], kel["lon"])
    assert _first_cards(page) == expected
    assert "Poris Gaga Baru" in status.inner_text()
    assert page.get_by_test_id("accuracy").inner_text().strip() == ""


def _wait_offline_ready(page) -> None:
    page.wait_for_function("""async () => {
        const reg = await navigator.serviceWorker.ready;
        if (!reg.active || !navigator.serviceWorker.controller) return false;
        const keys = await caches.keys();
        for (const key of keys) {
            const cache = await caches.open(key);
            if (await cache.match('/kampung/data.json') && await cache.match('/kampung')
                && await cache.match('/static/finder/finder.js')) return true;
        }
        return false;
    }""", polling=250)


def test_works_offline_after_one_visit(phone, live_server):
    data = _data(live_server)
    context, page = phone()
    _open(page, live_server)
    _wait_offline_ready(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector('#finder[data-ready="cache"]')
    status = page.get_by_test_id("data-status").inner_text()
    assert "Data per" in status and "luring" in status
    note = page.get_by_test_id("tiles-note")
    assert note.is_visible() and note.inner_text() == "Peta dasar tidak tersedia tanpa sinyal"
    page.get_by_test_id("search").fill("kampung bekelri")
    names = _all_cards(page).locator('[data-testid="place-name"]').all_inner_texts()
    expected = [p["name"] for p in data["places"] if p["theme"] == "Kampung Bekelir"]
    assert sorted(names) == sorted(expected) and names
    page.get_by_test_id("search").fill("")
    kel = data["kelurahan"][0]
    page.get_by_test_id("origin-kelurahan").select_option(kel["kode"])
    assert _first_cards(page) == _expected(data, kel["lat"], kel["lon"])
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector('#finder[data-ready="network"]')


def _download(page, fmt: str) -> bytes:
    return _download_named(page, fmt, "semua")


def _download_named(page, fmt: str, kind: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_test_id(f"download-{fmt}").click()
    download = info.value
    assert re.fullmatch(rf"tempat-{kind}-\d{{8}}\.{fmt}", download.suggested_filename)
    with open(download.path(), "rb") as handle:
        return handle.read()


def test_downloads_follow_the_filters(phone, live_server):
    data = _data(live_server)
    expected = sorted(p["name"] for p in data["places"] if p["theme"] == "Kampung Bekelir")
    mapped = sorted(p["name"] for p in _located(data) if p["theme"] == "Kampung Bekelir")
    context, page = phone()
    _open(page, live_server)
    page.get_by_test_id("search").fill("Kampung  Bekelir")
    gpx = ET.fromstring(_download(page, "gpx"))
    wpts = gpx.findall(f"{GPX}wpt")
    assert sorted(w.find(f"{GPX}name").text for w in wpts) == mapped   # GPX needs a position
    assert all(w.get("lat") and w.get("lon") for w in wpts)
    kml = ET.fromstring(_download(page, "kml"))
    marks = kml.findall(f"{KML}Document/{KML}Placemark")
    assert sorted(m.find(f"{KML}name").text for m in marks) == expected
    geo = json.loads(_download(page, "geojson"))
    assert sorted(f["properties"]["name"] for f in geo["features"]) == expected
    rows = list(csv.DictReader(io.StringIO(_download(page, "csv").decode("utf-8-sig")),
                              delimiter=";"))      # the Indonesian page: ';' separated
    assert sorted(r["name"] for r in rows) == expected
    page.get_by_test_id("search").fill("")
    page.locator("details.finder-more summary").click()
    page.get_by_test_id("filter-kind").select_option("ecofarm")
    ecofarm = [p["name"] for p in data["places"] if p["kind"] == "ecofarm"]
    assert _all_cards(page).count() == len(ecofarm)
    rows = list(csv.DictReader(io.StringIO(_download_named(page, "csv", "ecofarm")
                                           .decode("utf-8-sig")), delimiter=";"))
    assert sorted(r["name"] for r in rows) == sorted(ecofarm)
    page.get_by_test_id("search").fill("Kampung  Bekelir")
    page.get_by_test_id("filter-kind").select_option("")
    page.get_by_test_id("print-link").click()
    page.wait_for_selector('[data-testid="print-table"]')
    assert page.locator('[data-testid="print-row"]').count() == len(expected)
    assert page.locator('[data-testid="print-map"] circle').count() == len(mapped)


def test_place_without_location_is_listed(phone, live_server):
    data = _data(live_server)
    unlocated = [p for p in data["places"] if p["lat"] is None]
    assert unlocated
    context, page = phone()
    _open(page, live_server)
    page.get_by_test_id("search").fill(unlocated[0]["name"])
    card = page.locator(CARDS).filter(has_text=unlocated[0]["name"]).first
    _open_card(card)
    assert "Lokasi belum tercatat" in card.locator('[data-testid="no-location"]').inner_text()
    assert card.locator('[data-testid="copy-coords"]').count() == 0
    assert page.locator(f'circle[data-place-id="{unlocated[0]["id"]}"]').count() == 0
