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
