"""The province map on a phone (390 x 844): the controls wrap inside the screen (the long
layer title does not make the page scroll sideways) and the legend starts folded, so it
does not cover the areas a planner taps."""

from __future__ import annotations

import pytest
from test_national_map import banten_url  # noqa: F401  (fixture: a Banten instance with data)

pytestmark = pytest.mark.browser


def test_the_province_map_fits_a_phone(page, records, banten_url):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(banten_url + "/?lang=id")
    page.wait_for_selector("path[data-kode='36.71']", state="attached")
    assert page.locator("[data-testid=levels-layer] option").count() >= 2
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    select = page.locator("[data-testid=levels-layer]").bounding_box()
    assert select["x"] + select["width"] <= 390
    legend = page.locator(".geoapp-legends")
    assert legend.is_visible() and legend.get_attribute("open") is None     # folded
    page.locator(".geoapp-legends-summary").click()                          # one tap opens it
    assert legend.get_attribute("open") is not None
    assert records.page_errors == []


def test_the_legend_stays_open_on_a_laptop(page, records, banten_url):  # noqa: F811
    page.goto(banten_url + "/?lang=id")
    page.wait_for_selector("path[data-kode='36.71']", state="attached")
    page.wait_for_selector(".geoapp-legends:not([hidden])")
    assert page.locator(".geoapp-legends").get_attribute("open") is not None


def test_a_profile_page_fits_a_phone(page, records, banten_url):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(banten_url + "/kelurahan/36.71.01.1001?lang=id")
    table = page.locator("[data-testid=figures-table]")
    assert table.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
