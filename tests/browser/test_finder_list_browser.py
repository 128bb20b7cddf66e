"""The finder's paged list (/kampung/daftar) in real Chromium, as a field officer uses it:
from the finder page to the list, narrowed by provinsi and kabupaten/kota, page by page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COUNT = re.compile(r"^(\d+)–(\d+) dari (\d+)$")


def _count(page) -> tuple[int, int, int]:
    found = COUNT.match(page.get_by_test_id("list-count").inner_text().strip())
    assert found, page.get_by_test_id("list-count").inner_text()
    return tuple(int(v) for v in found.groups())


def test_the_list_keeps_the_finder_search(page, live_server):
    page.goto(live_server.at("/kampung"))
    page.get_by_test_id("search").fill("Cibodas")
    expect(page.get_by_test_id("paged-list")).to_have_attribute("href", re.compile("q=Cibodas"))
    page.get_by_test_id("paged-list").click()
    page.wait_for_url(re.compile(r"/kampung/daftar\?q=Cibodas"))
    assert page.get_by_test_id("list-search").input_value() == "Cibodas"
    assert 0 < _count(page)[2]


def test_the_list_page_by_page_narrowed_by_region(page, live_server):
    page.goto(live_server.at("/kampung"))
    page.get_by_test_id("paged-list").click()
    page.wait_for_url("**/kampung/daftar")
    first, last, total = _count(page)
    assert first == 1 and last == min(total, 50) and total > 0
    assert page.get_by_test_id("list-item").count() == last
    page.get_by_test_id("list-provinsi").select_option(label="Banten")
    page.get_by_test_id("list-kabupaten").select_option(label="Kota Tangerang")
    page.get_by_test_id("list-kind").select_option(value="kwt")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url(re.compile(r"provinsi=36"))
    first, last, kwt = _count(page)
    assert 0 < kwt < total and last == min(kwt, 50)
    assert page.get_by_test_id("list-provinsi").input_value() == "36"
    if kwt > 50:
        page.get_by_test_id("list-next").click()
        assert _count(page)[0] == 51
        page.get_by_test_id("list-previous").click()
        assert _count(page)[0] == 1
    page.get_by_test_id("list-search").fill("zzzz tidak ada")
    page.get_by_role("button", name="Tampilkan").click()
    assert page.get_by_test_id("list-item").count() == 0


def test_a_long_list_is_paged_and_the_map_capped(page, live_server):
    """2,500 places (the sample's first one, repeated a little apart): ten cards, no
    "Show all" but the link to the paged list, and at most 2,000 points on the map, said."""
    def many(route):
        response = route.fetch()
        data = response.json()
        base = next(p for p in data["places"] if p["lat"] is not None)
        data["places"] = [dict(base, id=f"x{i}", name=f"Tempat {i}", lat=base["lat"] + i * 1e-5)
                          for i in range(2500)]
        route.fulfill(response=response, json=data)

    page.route("**/kampung/data.json", many)
    page.goto(live_server.at("/kampung"))
    expect(page.get_by_test_id("map-capped")).to_be_visible()
    assert "2000 pertama dari 2500" in page.get_by_test_id("map-capped").inner_text()
    assert page.locator("#finder-svg circle.pt").count() == 2000
    assert page.get_by_test_id("place-card").count() == 10
    expect(page.get_by_test_id("show-all")).to_be_hidden()
    expect(page.get_by_test_id("paged-list")).to_be_visible()
