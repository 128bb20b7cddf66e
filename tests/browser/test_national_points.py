"""Point layers on the province map (WILAYAH=36) in real Chromium: the places of the area
drawn appear with the city map's icons, legend and popups (a hostile name stays text), the
"Places" checkbox switches a layer off and the URL keeps it off (hide=), drilling into a
kabupaten/kota (by keyboard: areas are buttons) shows only its places, and axe-core finds
nothing serious in either language."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from axe_helpers import blocking, report, run_axe
from browser_helpers import REPO_ROOT, local_only, served

pytestmark = pytest.mark.browser
DATA_RECORDS = REPO_ROOT / "tests" / "data" / "records"

HOSTILE = '</script><img src=x onerror="window.__xss=1">'     # the first KWT's name
KWT = (DATA_RECORDS / "kwt_banten_points.csv").read_text(encoding="utf-8")
UMKM = ("Kode Kelurahan,Kelurahan,Kecamatan,Jumlah Kelompok\n"
        "36.74.01.1001,Ciater,Serpong,3\n")


@pytest.fixture(scope="module")
def banten_url(tmp_path_factory):
    from geoapp.imports.staging import ImportRequest, import_file
    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path_factory.mktemp("pts") / "instance"),
                      "WILAYAH": "36", "CREATE_DEFAULT_PLANNER": False})
    with app.app_context():
        from geoapp.web.db import get_db

        for program, text in (("kwt", KWT), ("umkm", UMKM)):
            import_file(get_db(), ImportRequest(program=program, data=text.encode(),
                                                filename=f"{program}.csv", title=program))
    with served(app) as url:
        yield url


def _settled(page, level: str, points: str) -> None:
    """Wait until ``level`` is drawn with ``points`` ("key:n,...") and nothing is in flight."""
    page.wait_for_function(
        "([level, points]) => { const c = document.querySelector('[data-testid=levels-canvas]');"
        " return c.dataset.level === level && (c.dataset.points || '') === points"
        " && (document.documentElement.dataset.fetching || '0') === '0'; }", arg=[level, points])


def test_places_on_the_province_map(page, records, banten_url):
    page.goto(banten_url + "/?lang=id")
    _settled(page, "kabupaten", "kwt-titik:3")
    markers = page.locator(".leaflet-marker-pane .leaflet-marker-icon")
    assert markers.count() == 3
    legend = page.locator("[data-testid=levels-canvas] .geoapp-legends").inner_text()
    assert "Kelompok Wanita Tani" in legend and "Kabupaten/kota" in legend   # both legends
    page.locator(".leaflet-marker-icon[title^='</script>']").click()
    popup = page.locator(".leaflet-popup-content")
    assert HOSTILE in popup.inner_text() and "100" in popup.inner_text()
    assert popup.locator("img").count() == 0 and page.evaluate("() => window.__xss") is None

    page.locator("[data-testid=levels-points-kwt-titik]").uncheck()
    _settled(page, "kabupaten", "")
    assert markers.count() == 0
    assert "Kelompok Wanita Tani" not in page.locator(".geoapp-legends").inner_text()
    assert dict(parse_qsl(urlsplit(page.url).query))["hide"] == "kwt-titik"
    page.reload()
    _settled(page, "kabupaten", "")
    assert not page.locator("[data-testid=levels-points-kwt-titik]").is_checked()
    page.go_back()                                   # the step before unchecking: shown again
    _settled(page, "kabupaten", "kwt-titik:3")
    assert page.locator("[data-testid=levels-points-kwt-titik]").is_checked()
    assert not records.page_errors and not records.console_errors


def test_drilling_in_shows_the_places_of_the_area(page, records, banten_url):
    page.goto(banten_url + "/?lang=en")
    _settled(page, "kabupaten", "kwt-titik:3")
    page.locator("path[data-kode='36.74']").focus()     # keyboard: Enter drills down too
    page.keyboard.press("Enter")
    _settled(page, "kecamatan", "kwt-titik:1")
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.locator(".leaflet-marker-icon").get_attribute("title").startswith("KWT Melati")
    assert not records.page_errors and not records.console_errors


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_map_with_places_passes_axe(browser, banten_url, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    context.set_default_timeout(15_000)
    context.route("**/*", local_only)           # axe-core is added as a script: CSP bypassed
    page = context.new_page()
    try:
        page.goto(banten_url + f"/?lang={lang}")
        _settled(page, "kabupaten", "kwt-titik:3")
        serious = blocking(run_axe(page))
        assert not serious, report(serious)
    finally:
        context.close()
