"""The national map (WILAYAH=ID) in real Chromium: the app's own bytes stay under the
1.5 MB budget at national zoom and after drilling down, and clicking a province drills
down to its kabupaten/kota. One server for the module, on the shipped national data.
On a Banten instance: figures, the URL state, and the browser history (choices are steps
of Back/Forward, panning and zooming are not)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import postgres
import pytest
from browser_helpers import LOCAL_HOST, served

pytestmark = pytest.mark.browser

BUDGET = 1_500_000


@pytest.fixture(scope="module")
def national_url(tmp_path_factory):
    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path_factory.mktemp("nat") / "instance"),
                      "WILAYAH": "ID", "CREATE_DEFAULT_PLANNER": False,
                      "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                      **postgres.shared_database()})
    with served(app) as url:
        yield url


def _count_own_bytes(page) -> list[int]:
    """Body sizes of every app response that is not a vendored library (geoapp's own map.js
    and map.css, served under /static/vendor/geoapp/, count)."""
    sizes: list[int] = []

    def on_response(response) -> None:
        if LOCAL_HOST in response.url and "/static/vendor/leaflet/" not in response.url:
            try:
                sizes.append(len(response.body()))
            except Exception:  # noqa: BLE001 - a redirect has no body
                pass

    page.on("response", on_response)
    return sizes


def test_national_map_loads_in_budget_and_drills_down(page, records, national_url):
    sizes = _count_own_bytes(page)
    page.goto(national_url + "/?lang=en")
    canvas = page.locator("[data-testid=levels-canvas]")
    page.wait_for_selector("path[data-kode='36']", state="attached")
    assert page.locator("path[data-kode]").count() == 38
    national = sum(sizes)
    assert national < BUDGET, national

    # shapes are concave and islands: a click at a box's centre may land on a neighbour, so
    # the click goes to the shape itself (as for the lower levels below)
    page.locator("path[data-kode='36']").dispatch_event("click")
    page.wait_for_selector("path[data-kode='36.71']", state="attached")
    assert canvas.get_attribute("data-level") == "kabupaten"
    assert canvas.get_attribute("data-parent") == "36"
    assert page.locator("[data-testid=levels-path]").inner_text().count("Banten") == 1

    # a real click lands on whatever is drawn at the centre of a shape's box; the
    # lower levels' shapes are concave, so those clicks go to the shape itself
    page.locator("path[data-kode='36.71']").dispatch_event("click")
    page.wait_for_selector("path[data-kode='36.71.01']", state="attached")
    page.locator("path[data-kode='36.71.01']").dispatch_event("click")
    page.wait_for_selector("path[data-kode='36.71.01.1001']", state="attached")
    assert sum(sizes) < BUDGET, sum(sizes)

    page.locator("[data-testid=levels-path-0]").click()
    page.wait_for_selector("path[data-kode='11']", state="attached")
    assert canvas.get_attribute("data-level") == "provinsi"
    assert page.locator("path[data-kode]").count() == 38
    assert not records.page_errors and not records.console_errors


# --------------------------------------------------------------------------- figures
# A Banten instance (WILAYAH=36) with hand-made UMKM rows in Kota Tangerang Selatan and
# Kabupaten Pandeglang, imported under a hostile dataset title.

HOSTILE = '</script><img src=x onerror="window.__xss=1">'
UMKM = (
    "Kode Kelurahan,Kelurahan,Kecamatan,Jumlah Kelompok,Nilai Bantuan\n"
    "36.01.25.1001,Kadumerak,Karang Tanjung,2,1000000\n"
    "36.74.01.1001,Ciater,Serpong,3,1500000\n"
    "36.74.01.1002,Rawabuntu,Serpong,5,2500000\n"
)


@pytest.fixture(scope="module")
def banten_url(tmp_path_factory):
    from geoapp.imports.staging import ImportRequest, import_file
    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path_factory.mktemp("banten") / "instance"),
                      "WILAYAH": "36", "CREATE_DEFAULT_PLANNER": False})
    with app.app_context():
        from geoapp.web.db import get_db

        import_file(get_db(), ImportRequest(program="umkm", data=UMKM.encode(),
                                            filename="umkm.csv", title=HOSTILE))
    with served(app) as url:
        yield url


def _shown(page, level: str, layer: str | None = None) -> None:
    """Wait until ``level`` (and ``layer``) is drawn and no request is in flight."""
    check = f"c.dataset.level === '{level}'" + (f" && c.dataset.layer === '{layer}'" if layer else "")
    page.wait_for_function("() => { const c = document.querySelector('[data-testid=levels-canvas]');"
                           f" return {check} && (document.documentElement.dataset.fetching || '0') === '0'; }}")


def _legend(page) -> str:
    return page.locator("[data-testid=levels-canvas] .geoapp-legends").inner_text()


def _hostile_names(route) -> None:
    """Kota Tangerang Selatan renamed to hostile markup on its way to the page."""
    response = route.fetch()
    layer = response.json()
    for feature in layer["features"]:
        if feature["properties"]["kode"] == "36.74":
            feature["properties"]["nama"] = HOSTILE
    route.fulfill(response=response, json=layer)


def test_layer_choice_legend_and_tooltips(page, records, banten_url):
    page.route("**/api/levels/kabupaten.json?parent=36", _hostile_names)
    page.goto(banten_url + "/?lang=id")
    _shown(page, "kabupaten", "umkm-kelompok-km2")
    legend = _legend(page)
    assert "Tidak ada data" in legend and "Kabupaten/kota" in legend
    page.select_option("[data-testid=levels-layer]", "umkm-nilai")
    _shown(page, "kabupaten", "umkm-nilai")
    legend = _legend(page)
    assert "Rp 1.000.000" in legend and "Rp 4.000.000" in legend     # Indonesian numbers
    # classes on the shapes: two kabupaten with data, the others hatched "no data"
    tangsel = page.locator("path[data-kode='36.74']")
    assert tangsel.get_attribute("data-class") == "1"
    assert page.locator("path[data-kode='36.71']").get_attribute("data-class") == "-1"
    tangsel.dispatch_event("mouseover")
    tip = page.locator(".leaflet-tooltip", has_text="Rp 4.000.000").inner_text()
    assert HOSTILE in tip and "Rp 4.000.000" in tip                   # names are text
    assert page.evaluate("() => window.__xss") is None
    assert page.locator(".leaflet-tooltip img").count() == 0
    href = page.locator("[data-testid=levels-export-csv]").get_attribute("href")
    assert "/api/levels/kabupaten/export.csv" in href and "layer=umkm-nilai" in href
    assert page.locator("[data-testid=levels-sample]").is_hidden()
    assert not records.page_errors and not records.console_errors


def test_zoom_drills_down_and_back_up(page, records, banten_url):
    sizes = _count_own_bytes(page)
    page.goto(banten_url + "/?lang=en")
    _shown(page, "kabupaten")
    canvas = page.locator("[data-testid=levels-canvas]")
    zoom = int(canvas.get_attribute("data-zoom"))
    for step in (1, 2):           # one click at a time: Leaflet ignores clicks mid-animation
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_function("(z) => document.querySelector('[data-testid=levels-canvas]')"
                               ".dataset.zoom === String(z)", arg=zoom + step)
    _shown(page, "kecamatan")
    parents = canvas.get_attribute("data-parent").split(",")
    assert parents and all(p.startswith("36.") and p.count(".") == 1 for p in parents)
    assert page.locator("path[data-kode^='36.'][data-kode$='.01']").count() >= 1
    for step in (1, 2):
        page.locator(".leaflet-control-zoom-out").click()
        page.wait_for_function("(z) => document.querySelector('[data-testid=levels-canvas]')"
                               ".dataset.zoom === String(z)", arg=zoom + 2 - step)
    _shown(page, "kabupaten")
    assert page.locator("path[data-kode='36.74']").count() == 1
    assert sum(sizes) < BUDGET, sum(sizes)        # page, geometry and figures, all zooms
    assert not records.page_errors and not records.console_errors


def test_click_drills_to_desa_with_figures(page, records, banten_url):
    page.goto(banten_url + "/?lang=id")
    _shown(page, "kabupaten")
    page.select_option("[data-testid=levels-layer]", "umkm-nilai")
    _shown(page, "kabupaten", "umkm-nilai")
    page.locator("path[data-kode='36.74']").dispatch_event("click")
    _shown(page, "kecamatan")
    assert page.locator("[data-testid=levels-canvas]").get_attribute("data-parent") == "36.74"
    page.locator("path[data-kode='36.74.01']").dispatch_event("click")
    _shown(page, "desa")
    assert page.locator("path[data-kode='36.74.01.1002']").get_attribute("data-class") != "-1"
    assert "Serpong" in page.locator("[data-testid=levels-path]").inner_text()
    page.locator("path[data-kode='36.74.01.1002']").dispatch_event("mouseover")
    # a closed tooltip fades out for 200 ms: pick the one of the hovered desa
    assert "Rp 2.500.000" in page.locator(".leaflet-tooltip", has_text="Rawabuntu").inner_text()
    assert not records.page_errors and not records.console_errors


# --------------------------------------------------------------------------- URL state

def _canvas_state(page) -> dict:
    canvas = page.locator("[data-testid=levels-canvas]")
    return {name: canvas.get_attribute(f"data-{name}") for name in ("level", "parent", "layer", "zoom")}


def test_url_holds_layer_drill_and_view_across_reload(page, records, banten_url):
    page.goto(banten_url + "/?lang=en")
    _shown(page, "kabupaten")
    page.select_option("[data-testid=levels-layer]", "umkm-nilai")
    _shown(page, "kabupaten", "umkm-nilai")
    page.select_option("[data-testid=levels-k]", "4")
    _shown(page, "kabupaten", "umkm-nilai")
    page.locator("path[data-kode='36.74']").dispatch_event("click")
    _shown(page, "kecamatan", "umkm-nilai")
    zoom = int(page.locator("[data-testid=levels-canvas]").get_attribute("data-zoom"))
    for step in (1, 2):                    # zoom past the clicked level: desa of the view
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_function("(z) => document.querySelector('[data-testid=levels-canvas]')"
                               ".dataset.zoom === String(z)", arg=zoom + step)
    _shown(page, "desa", "umkm-nilai")
    before = _canvas_state(page)
    url = page.url
    for part in ("lang=en", "layer=umkm-nilai", "k=4", "area=36.74", "level=desa", f"z={zoom + 2}"):
        assert part in url, (part, url)

    page.reload()
    _shown(page, "desa", "umkm-nilai")
    assert _canvas_state(page) == before
    assert page.locator("[data-testid=levels-layer]").input_value() == "umkm-nilai"
    assert page.locator("[data-testid=levels-k]").input_value() == "4"
    assert "36.74" in page.locator("[data-testid=levels-path]").inner_text() or \
        "Tangerang Selatan" in page.locator("[data-testid=levels-path]").inner_text()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "lang=en" in page.url and "area=36.74" in page.url
    # the other language shows the same map
    page.locator("[data-testid=lang-switch] a[hreflang=id]").click()
    _shown(page, "desa", "umkm-nilai")
    assert _canvas_state(page) == before and "lang=id" in page.url
    assert page.evaluate("document.documentElement.lang") == "id"
    page.goto(url)
    _shown(page, "desa", "umkm-nilai")

    # the same link opened afresh (a colleague's browser) shows the same map
    other = page.context.new_page()
    other.goto(url)
    _shown(other, "desa", "umkm-nilai")
    assert _canvas_state(other) == before
    other.close()

    # the share button hands out the link: copied, or (no clipboard) shown selected
    page.locator("[data-testid=share-button]").click()
    page.wait_for_function("() => document.querySelector('[data-testid=share-status]').textContent")
    box = page.locator("[data-testid=share-url]")
    status = page.locator("[data-testid=share-status]").inner_text()
    if box.is_visible():
        assert box.input_value() == page.url and "Copy this link" in status
    else:
        assert "Link copied" in status
    assert not records.page_errors and not records.console_errors


@pytest.mark.parametrize("query", [
    "layer=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E&scheme=%3Cb%3E&k=99&z=abc&c=999,999"
    "&level=desa&area=%3Cimg%20src%3Dx%20onerror%3D%22window.__xss%3D1%22%3E",
    "z=9&c=91,200&area=32.01&level=provinsi",          # centre out of range, foreign area
    "z=1e3&c=-6.2,106.6&area=36.99&lang=%3Cscript%3E",  # no such kabupaten, bad language
])
def test_hostile_url_falls_back_to_defaults(page, records, banten_url, query):
    page.goto(banten_url + "/?" + query)
    _shown(page, "kabupaten", "umkm-kelompok-km2")
    canvas = page.locator("[data-testid=levels-canvas]")
    assert canvas.get_attribute("data-parent") == "36"
    assert page.locator("[data-testid=levels-scheme]").input_value() == "quantiles"
    assert page.locator("path[data-kode='36.74']").count() == 1
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src=x]").count() == 0
    # the URL is rewritten with the values in force, none of the hostile ones
    page.wait_for_function("() => location.search.includes('layer=umkm-kelompok-km2')")
    for bad in ("script", "img", "999", "32.01", "36.99", "abc", "1e3"):
        assert bad not in page.url, (bad, page.url)
    assert not records.page_errors and not records.console_errors


# --------------------------------------------------------------------------- history
# Choices add a history entry (pushState), panning and zooming replace the current one, and
# Back/Forward restore a view in place. Chromium's back button skips an entry that was left
# without a user activation (see README: the city map's back-button tests), and
# select_option/dispatch_event are none: a real click on the heading comes first.

def _activate(page) -> None:
    page.click("[data-testid=levels-map] h1")


def _entries(page) -> int:
    return page.evaluate("() => history.length")


def _query(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query))


def _same_document(page) -> None:
    """Mark the document: a reload would lose the mark (checked by ``_no_reload``)."""
    page.evaluate("() => { window.__sameDocument = true; }")


def _no_reload(page) -> None:
    assert page.evaluate("() => window.__sameDocument") is True, "the page was reloaded"


def _at(page, url: str, level: str, layer: str) -> None:
    """After Back/Forward: the URL is ``url`` again and the page shows its level and layer."""
    page.wait_for_function("(u) => location.href === u", arg=url)
    _shown(page, level, layer)
    assert page.url == url
    assert page.locator("[data-testid=levels-layer]").input_value() == layer


def test_back_and_forward_step_through_choices(page, records, banten_url):
    page.add_init_script("window.__entriesOnOpen = history.length")      # before map-levels.js
    page.goto(banten_url + "/?lang=en")
    _shown(page, "kabupaten", "umkm-kelompok-km2")
    page.wait_for_function("() => location.search.includes('layer=')")
    opened = _entries(page)                     # restoring the link on opening adds nothing
    assert opened == page.evaluate("() => window.__entriesOnOpen")
    _same_document(page)
    canvas = page.locator("[data-testid=levels-canvas]")
    path = page.locator("[data-testid=levels-path]")
    start = page.url

    _activate(page)
    page.select_option("[data-testid=levels-layer]", "umkm-nilai")
    _shown(page, "kabupaten", "umkm-nilai")
    assert _entries(page) == opened + 1 and _query(page)["layer"] == "umkm-nilai"
    layer = page.url

    _activate(page)
    page.locator("path[data-kode='36.74']").dispatch_event("click")
    _shown(page, "kecamatan", "umkm-nilai")
    assert _entries(page) == opened + 2 and _query(page)["area"] == "36.74"

    # panning and zooming (into the next level, too) replace the entry: no new one
    page.evaluate("() => window.geoappLevels.map.panBy([40, 0], {animate: false})")
    page.wait_for_function("(c) => !location.search.includes(c)", arg="c=" + _query(page)["c"])
    zoom = int(canvas.get_attribute("data-zoom"))
    for step in (1, 2):
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_function("(z) => document.querySelector('[data-testid=levels-canvas]')"
                               ".dataset.zoom === String(z)", arg=zoom + step)
    _shown(page, "desa", "umkm-nilai")
    page.wait_for_function("() => location.search.includes('level=desa')")
    assert _entries(page) == opened + 2
    drilled = page.url

    page.go_back()                              # the layer's entry: Banten's kabupaten again
    _at(page, layer, "kabupaten", "umkm-nilai")
    assert canvas.get_attribute("data-parent") == "36"
    assert "Tangerang Selatan" not in path.inner_text()
    assert "Rp" in _legend(page)                # the figures of the layer chosen then
    page.go_back()                              # the page as opened: the default layer
    _at(page, start, "kabupaten", "umkm-kelompok-km2")
    assert "layer=umkm-kelompok-km2" in page.url

    page.go_forward()
    _at(page, layer, "kabupaten", "umkm-nilai")
    page.go_forward()                           # the drilled-down area as last seen (desa)
    _at(page, drilled, "desa", "umkm-nilai")
    assert canvas.get_attribute("data-zoom") == str(zoom + 2)
    assert "Tangerang Selatan" in path.inner_text()
    assert _entries(page) == opened + 2        # restoring pushed nothing
    _no_reload(page)
    assert not records.page_errors and not records.console_errors


def test_path_up_and_share_are_steps_back(page, records, banten_url):
    page.goto(banten_url + "/?lang=id&layer=umkm-nilai&k=4")
    _shown(page, "kabupaten", "umkm-nilai")
    _same_document(page)
    opened = _entries(page)
    _activate(page)
    page.locator("path[data-kode='36.74']").dispatch_event("click")
    _shown(page, "kecamatan", "umkm-nilai")
    _activate(page)
    page.locator("path[data-kode='36.74.01']").dispatch_event("click")
    _shown(page, "desa", "umkm-nilai")
    assert _entries(page) == opened + 2
    desa = page.url

    page.locator("[data-testid=levels-path-1]").click()     # up to Kota Tangerang Selatan
    _shown(page, "kecamatan", "umkm-nilai")
    assert _query(page)["area"] == "36.74" and _entries(page) == opened + 3
    kecamatan = page.url
    page.go_back()
    _at(page, desa, "desa", "umkm-nilai")
    assert page.locator("[data-testid=levels-k]").input_value() == "4"
    assert page.locator("[data-testid=levels-canvas]").get_attribute("data-parent") == "36.74.01"
    page.go_forward()
    _at(page, kecamatan, "kecamatan", "umkm-nilai")

    # the view that was shared stays on the Back path: the next pan starts a new entry
    page.locator("[data-testid=share-button]").click()
    page.wait_for_function("() => document.querySelector('[data-testid=share-status]').textContent")
    assert _entries(page) == opened + 3
    page.evaluate("() => window.geoappLevels.map.panBy([40, 0], {animate: false})")
    page.wait_for_function("(u) => location.href !== u", arg=kecamatan)
    assert _entries(page) == opened + 4
    panned = page.url
    page.evaluate("() => window.geoappLevels.map.panBy([0, 40], {animate: false})")
    page.wait_for_function("(u) => location.href !== u", arg=panned)
    assert _entries(page) == opened + 4     # only the first move after sharing
    page.go_back()
    _at(page, kecamatan, "kecamatan", "umkm-nilai")
    _no_reload(page)
    assert not records.page_errors and not records.console_errors


def test_back_to_a_hostile_url_falls_back_to_defaults(page, records, banten_url):
    """An entry with values that do not fit (an old or hand-made link) restores the defaults
    on Back as it does on opening, and its markup never reaches the page."""
    page.goto(banten_url + "/?lang=en&layer=umkm-nilai&k=4")
    _shown(page, "kabupaten", "umkm-nilai")
    _same_document(page)
    hostile = ("/?lang=en&layer=%3Cimg%20src%3Dx%20onerror%3D%22window.__xss%3D1%22%3E"
               "&scheme=%3Cb%3E&k=99&z=abc&c=999,999&level=desa&area=32.01")
    _activate(page)
    page.evaluate("(u) => history.pushState(null, '', u)", hostile)
    _activate(page)
    page.select_option("[data-testid=levels-k]", "3")
    _shown(page, "kabupaten", "umkm-nilai")
    page.wait_for_function("() => location.search.includes('k=3')")
    page.go_back()
    page.wait_for_function("() => location.search.includes('layer=umkm-kelompok-km2')")
    _shown(page, "kabupaten", "umkm-kelompok-km2")
    assert page.locator("[data-testid=levels-k]").input_value() == "5"
    assert page.locator("[data-testid=levels-scheme]").input_value() == "quantiles"
    assert page.locator("[data-testid=levels-canvas]").get_attribute("data-parent") == "36"
    for bad in ("img", "999", "32.01", "abc"):
        assert bad not in page.url, (bad, page.url)
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src=x]").count() == 0
    _no_reload(page)
    assert not records.page_errors and not records.console_errors


# --------------------------------------------------------------------------- years
# A second Banten instance with UMKM rows of 2023 and 2024 (a Tahun column).

UMKM_YEARS = (
    "Kode Kelurahan,Kelurahan,Kecamatan,Tahun,Jumlah Kelompok,Nilai Bantuan\n"
    "36.74.01.1001,Ciater,Serpong,2023,1,1000000\n"
    "36.74.01.1001,Ciater,Serpong,2024,2,2000000\n"
    "36.01.25.1001,Kadumerak,Karang Tanjung,2024,4,4000000\n"
)


@pytest.fixture(scope="module")
def banten_years(tmp_path_factory):
    """(url, app): the app stays reachable so a test can import while the page is open."""
    from geoapp.imports.staging import ImportRequest, import_file
    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path_factory.mktemp("years") / "instance"),
                      "WILAYAH": "36", "CREATE_DEFAULT_PLANNER": False})
    with app.app_context():
        from geoapp.web.db import get_db

        import_file(get_db(), ImportRequest(program="umkm", data=UMKM_YEARS.encode(),
                                            filename="umkm.csv", title="UMKM"))
    with served(app) as url:
        yield url, app


def _year_shown(page, year: str) -> None:
    page.wait_for_function("(y) => document.querySelector('[data-testid=levels-canvas]')"
                           ".dataset.year === y && (document.documentElement.dataset.fetching"
                           " || '0') === '0'", arg=year)


def _tip(page, kode: str) -> str:
    page.locator(f"path[data-kode='{kode}']").dispatch_event("mouseover")
    return page.locator(".leaflet-tooltip").last.inner_text()


def test_choosing_a_year(page, records, banten_years):
    url = banten_years[0]
    page.goto(url + "/?lang=id&layer=umkm-nilai")
    _shown(page, "kabupaten", "umkm-nilai")
    year = page.locator("[data-testid=levels-year]")
    assert year.input_value() == ""                                  # all years by default
    assert "Semua tahun (2023–2024)" in _legend(page)
    assert "Rp 3.000.000" in _tip(page, "36.74")                     # 2023 + 2024
    assert "year=" not in page.url

    _activate(page)
    page.select_option("[data-testid=levels-year]", "2024")
    _year_shown(page, "2024")
    assert "Tahun 2024" in _legend(page) and "Semua tahun" not in _legend(page)
    assert "Rp 2.000.000" in _tip(page, "36.74")
    assert _query(page)["year"] == "2024"
    href = page.locator("[data-testid=levels-export-csv]").get_attribute("href")
    assert "year=2024" in href
    # another layer keeps the year: every layer shows the same rows
    page.select_option("[data-testid=levels-layer]", "umkm-kelompok")
    _shown(page, "kabupaten", "umkm-kelompok")
    assert "Tahun 2024" in _legend(page) and _tip(page, "36.74").strip().endswith(": 2")

    page.reload()                                                    # the URL holds the year
    _shown(page, "kabupaten", "umkm-kelompok")
    assert year.input_value() == "2024" and "Tahun 2024" in _legend(page)
    page.go_back()                                                   # the choice was a step
    page.wait_for_function("() => location.search.includes('layer=umkm-nilai')")
    _shown(page, "kabupaten", "umkm-nilai")
    page.go_back()
    _year_shown(page, "")
    assert year.input_value() == "" and "Semua tahun (2023–2024)" in _legend(page)
    assert not records.page_errors and not records.console_errors


@pytest.mark.parametrize("value", ["2019", "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E", "20%2024"])
def test_a_year_not_held_falls_back_to_all_years(page, records, banten_years, value):
    page.goto(banten_years[0] + f"/?lang=id&layer=umkm-nilai&year={value}")
    _shown(page, "kabupaten", "umkm-nilai")
    assert page.locator("[data-testid=levels-year]").input_value() == ""
    assert "Semua tahun (2023–2024)" in _legend(page)
    page.wait_for_function("() => !location.search.includes('year=')")
    assert page.evaluate("() => window.__xss") is None
    assert not records.page_errors and not records.console_errors


def test_a_layer_seen_before_shows_data_imported_since(page, records, banten_years):
    """Figures are asked for again when a layer is chosen again (no stale page cache): a
    layer seen before an import shows the new rows, as one seen for the first time does."""
    from geoapp.imports.staging import ImportRequest, import_file

    url, app = banten_years
    page.goto(url + "/?lang=id&layer=umkm-nilai")
    _shown(page, "kabupaten", "umkm-nilai")
    assert "Rp 3.000.000" in _tip(page, "36.74")
    newer = ("Kode Kelurahan,Kelurahan,Kecamatan,Tahun,Jumlah Kelompok,Nilai Bantuan\n"
             "36.74.01.1001,Ciater,Serpong,2023,7,7000000\n")          # replaces 2023 only
    with app.app_context():
        from geoapp.web.db import get_db

        import_file(get_db(), ImportRequest(program="umkm", data=newer.encode(),
                                            filename="umkm_2023.csv", title="UMKM 2023"))
    try:
        page.select_option("[data-testid=levels-layer]", "umkm-kelompok")
        _shown(page, "kabupaten", "umkm-kelompok")
        assert _tip(page, "36.74").strip().endswith(": 9")             # 7 (2023) + 2 (2024)
        page.select_option("[data-testid=levels-layer]", "umkm-nilai")
        _shown(page, "kabupaten", "umkm-nilai")
        assert "Rp 9.000.000" in _tip(page, "36.74")
    finally:                                                         # the module's data again
        with app.app_context():
            from geoapp.web.db import get_db

            import_file(get_db(), ImportRequest(program="umkm", data=UMKM_YEARS.encode(),
                                                filename="umkm.csv", title="UMKM"))
    assert not records.page_errors and not records.console_errors
