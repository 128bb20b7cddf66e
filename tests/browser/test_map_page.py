"""The map-first page in real Chromium: layout, live controls, URL state, keyboard, embed.

Screenshots (looked at by hand) go to test-artifacts/: map-1366.png, map-phone.png,
map-panel-closed.png, embed.png.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from browser_helpers import (
    ARTIFACTS,
    KELURAHAN_COUNT,
    KELURAHAN_PATHS,
    LAYER_RADIOS,
    MAP,
    legend_rows,
    legend_titles,
    map_payload,
    open_map,
    wait_for_map,
)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}


def _query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} is not on screen"
    return box


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def _navigations(page) -> list[str]:
    """Page loads from now on: a main-frame navigation that fetched a document.

    ``framenavigated`` also fires for history.pushState/replaceState (the URL follows the
    state); those fetch nothing, so only navigations with a document request count.
    """
    documents: list[str] = []
    loads: list[str] = []
    page.on("request", lambda r: documents.append(r.url) if r.resource_type == "document" else None)
    page.on("framenavigated", lambda frame: loads.append(frame.url)
            if frame == page.main_frame and frame.url in documents else None)
    page.evaluate("() => { window.__sameDocument = true; }")
    return loads


def _activate(page) -> None:
    """A real click: Chromium's back button skips a history entry that was left (pushState)
    without any user activation while it was current (history-manipulation intervention);
    select_option and evaluate() are no user activation, a person's choice in a select is."""
    page.click("#map-title")


def _settle(page) -> None:
    """Wait until the live update is drawn and every layer request it started has answered
    (networkidle alone does not wait: load states, once reached, stay reached)."""
    page.wait_for_function("() => document.getElementById('map-controls').getAttribute('aria-busy') !== 'true'"
                           " && (document.documentElement.dataset.fetching || '0') === '0'")
    page.wait_for_load_state("networkidle")


def test_map_fills_the_first_screen_at_1366x768(page, live_server):
    page.set_viewport_size(DESKTOP)
    open_map(page, live_server)
    page.wait_for_load_state("networkidle")
    box = _box(page, MAP)
    header = _box(page, ".site-header")
    assert box["y"] <= header["y"] + header["height"] + 1, "the map does not start under the navigation"
    visible = min(box["y"] + box["height"], DESKTOP["height"]) - box["y"]
    share = box["width"] * visible / (DESKTOP["width"] * DESKTOP["height"])
    assert share >= 0.70, f"the map covers {share:.0%} of the first screen"
    # the city is drawn clear of the panel and of the legend
    panel, legend = _box(page, "#map-panel"), _box(page, f"{MAP} .geoapp-legends")
    shapes = page.evaluate("""(sel) => { const r = [...document.querySelectorAll(sel)]
        .map(p => p.getBoundingClientRect()); return [Math.min(...r.map(b => b.left)),
        Math.max(...r.map(b => b.right))]; }""", KELURAHAN_PATHS)
    assert shapes[0] >= panel["x"] + panel["width"] - 2, "the panel covers the city"
    assert shapes[1] <= legend["x"] + 2, "the legend covers the city"
    # the 9-class legend is whole: every row on screen inside the legend box, no scrolling
    page.select_option("#control-k", "9")
    _settle(page)
    rows = page.locator(f"{MAP} .geoapp-legend").first.locator("li")
    assert rows.count() == 9 + 1
    outer = _box(page, f"{MAP} .geoapp-legends")
    for i in range(rows.count()):
        row = rows.nth(i).bounding_box()
        assert outer["y"] <= row["y"] and row["y"] + row["height"] <= outer["y"] + outer["height"] + 1, \
            f"legend row {i} is cut off"
        assert row["y"] + row["height"] <= DESKTOP["height"]
    _shot(page, "map-1366.png")


def test_panel_collapses_and_is_a_bottom_sheet_on_phones(page, live_server):
    page.set_viewport_size(DESKTOP)
    open_map(page, live_server)
    toggle = page.locator("#panel-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#panel-body").is_visible()
    _shot(page, "map-panel-closed.png")
    page.set_viewport_size(PHONE)
    open_map(page, live_server)
    page.wait_for_load_state("networkidle")
    panel, frame = _box(page, "#map-panel"), _box(page, MAP)
    assert page.locator("#panel-toggle").get_attribute("aria-expanded") == "false"
    assert abs(panel["y"] + panel["height"] - PHONE["height"]) < 2   # docked at the screen's bottom
    assert panel["height"] < frame["height"] / 3
    assert page.locator("#panel-toggle").is_visible()
    _shot(page, "map-phone.png")
    page.locator("#panel-toggle").click()
    assert page.locator("#control-k").is_visible()
    _shot(page, "map-phone-open.png")


def test_controls_update_the_map_without_navigation(page, live_server, records):
    payload = open_map(page, live_server)
    title = payload["chor"][0]["title"]
    navigations = _navigations(page)
    page.select_option("#control-scheme", "fisher_jenks")
    page.select_option("#control-k", "3")
    _settle(page)
    assert len(legend_rows(page, title)) == 3 + 1
    page.select_option("#control-year", "2021")
    _settle(page)
    page.select_option("#control-kecamatan", "36.71.07")
    _settle(page)
    assert page.locator(KELURAHAN_PATHS).count() == 16
    page.select_option("#control-variant-umkm", "umkm-nilai")
    _settle(page)
    assert "umkm-nilai" in " ".join(page.locator(f"{MAP} .geoapp-legend").evaluate_all(
        "ls => ls.map(l => l.dataset.key)"))
    page.check("#layer-blk")
    _settle(page)
    page.uncheck("#overlay-kwt-titik")
    assert navigations == [], f"a control change loaded a page: {navigations}"
    assert page.evaluate("() => window.__sameDocument === true")
    q = _query(page)
    assert q["scheme"] == "fisher_jenks" and q["k"] == "3" and q["year"] == "2021"
    assert q["kecamatan"] == "36.71.07" and q["layer"] == "blk" and q["v_umkm"] == "umkm-nilai"
    assert "kwt-titik" in q["hide"].split(",")
    assert records.page_errors == [] and records.console_errors == []


def test_program_filter_for_another_layer_says_so(page, live_server):
    open_map(page, live_server, "layer=blk")
    option = page.locator("#control-program option[value^='umkm:']").first.get_attribute("value")
    page.select_option("#control-program", option)
    _settle(page)
    notes = page.locator("#map-live-notes")
    assert notes.is_visible() and "hanya berlaku" in notes.inner_text()


def test_one_choropleth_at_a_time(page, live_server):
    payload = open_map(page, live_server)
    radios = page.locator(LAYER_RADIOS)
    assert radios.count() == len(payload["chor"]) == 4
    for i in range(radios.count()):
        radios.nth(i).check()
        _settle(page)
        assert page.locator(KELURAHAN_PATHS).count() == KELURAHAN_COUNT
        chor_titles = [c["title"] for c in payload["chor"]]
        shown = [t for t in legend_titles(page) if t in chor_titles]
        assert shown == [payload["chor"][i]["title"]]
    # every point layer has a legend (KWT and ecofarm icons too)
    points = [p["title"] for p in payload["pts"]]
    assert set(points) <= set(legend_titles(page))


def test_url_round_trip_and_back_button(page, live_server):
    open_map(page, live_server)
    _activate(page)
    first_url = page.url
    page.select_option("#control-k", "4")
    _settle(page)
    _activate(page)
    page.check("#layer-kwt")
    _settle(page)
    _activate(page)
    page.uncheck("#overlay-kecamatan")
    _activate(page)
    page.evaluate("() => window.geoappMap.current.map.setView([-6.2, 106.63], 14, {animate: false})")
    page.wait_for_function("() => location.search.includes('z=14')")
    kode = map_payload(page)["kel"]["kode"][5]
    _activate(page)     # each state a person leaves by acting stays on the back path
    page.evaluate(f"() => window.geoappMap.current.select('{kode}')")
    page.wait_for_function(f"() => location.search.includes('kel={kode}')")
    shared = page.url
    # a fresh page with the link shows the same state
    other = page.context.new_page()
    other.goto(shared)
    wait_for_map(other)
    assert other.input_value("#control-k") == "4" and other.is_checked("#layer-kwt")
    assert not other.is_checked("#overlay-kecamatan")
    assert other.evaluate("() => window.geoappMap.current.map.getZoom()") == 14
    assert other.evaluate("() => window.geoappMap.current.selected()") == kode
    assert other.locator(".leaflet-popup").count() == 1
    other.close()
    # one step back removes the selection and keeps the rest of the state (walking further
    # back is flaky in headless Chromium: its history intervention skips entries left without
    # user activation; the URL round trip above covers restoring every control)
    navigations = _navigations(page)
    page.evaluate("() => { setTimeout(() => history.back(), 0); }")
    page.wait_for_function("() => document.documentElement.dataset.mapReady"
                           f" && !location.search.includes('kel={kode}')")
    assert page.input_value("#control-k") == "4" and page.is_checked("#layer-kwt")
    _settle(page)
    assert urlsplit(page.url).path == urlsplit(first_url).path
    assert all(n.split("?")[0] == page.url.split("?")[0] for n in navigations)


def test_share_button_copies_or_shows_the_link(page, live_server):
    open_map(page, live_server)
    page.click("#share-button")
    status = page.locator("#share-status")
    status.wait_for(state="visible")
    box = page.locator("#share-url")
    # over plain http on 127.0.0.1 the clipboard API may be missing: the link is shown instead
    if box.is_visible():
        assert box.input_value() == page.url
    else:
        assert status.inner_text().strip() == "Tautan disalin."


def test_print_and_embed_links_carry_the_state(page, live_server):
    open_map(page, live_server, "k=4&layer=blk")
    pdf = page.get_attribute("#print-pdf", "href")
    png = page.get_attribute("#print-png", "href")
    assert pdf.startswith("/map/print.pdf?") and png.startswith("/map/print.png?")
    q = parse_qs(urlsplit(pdf).query)
    assert q["k"] == ["4"] and q["layer"] == ["blk"] and len(q["bbox"][0].split(",")) == 4
    assert "Cetak / Unduh peta" in page.inner_text("#print-pdf")
    page.click('[data-testid="embed"] summary')
    code = page.input_value("#embed-code")
    assert code.startswith("<iframe") and "/embed?" in code and "layer=blk" in code


def test_embed_page_has_the_map_and_no_navigation(page, live_server):
    response = page.goto(live_server.at("/embed?layer=kwt&k=3"))
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self' 'nonce-" in csp
    wait_for_map(page)
    assert page.locator("nav, .site-header, #map-controls").count() == 0
    frame, viewport = page.locator(MAP).bounding_box(), page.viewport_size
    assert frame["width"] == viewport["width"] and frame["height"] == viewport["height"]
    assert page.evaluate("() => window.geoappMap.current.shown()") == "kwt-bibit"
    assert len(legend_rows(page, map_payload(page)["chor"][2]["title"])) == 3 + 1
    _shot(page, "embed.png")


def test_keyboard_walk_of_the_map_controls(page, live_server):
    open_map(page, live_server)
    navigations = _navigations(page)
    page.focus("#panel-toggle")
    page.keyboard.press("Enter")              # the panel folds and unfolds by keyboard
    assert page.get_attribute("#panel-toggle", "aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.get_attribute("#panel-toggle", "aria-expanded") == "true"
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => document.activeElement.id || document.activeElement.tagName"))
        if seen[-1] == "layer-umkm":
            break
    assert seen[-1] == "layer-umkm", f"Tab never reached the layer list: {seen}"
    page.keyboard.press("ArrowDown")          # radio group: next layer
    _settle(page)
    assert page.is_checked("#layer-blk")
    while page.evaluate("() => document.activeElement.id") != "overlay-kwt-titik":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert not page.is_checked("#overlay-kwt-titik")
    while page.evaluate("() => document.activeElement.id") != "share-button":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#share-status").wait_for(state="visible")
    # a kelurahan shape is reachable and Enter opens its popup
    page.focus(KELURAHAN_PATHS)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for(state="visible")
    assert navigations == []


def test_only_what_changed_is_fetched(page, live_server):
    payload = open_map(page, live_server)
    page.wait_for_load_state("networkidle")
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(urlsplit(r.url).path + "?" + urlsplit(r.url).query)
            if "/api/" in r.url else None)
    shown = payload["chor"][0]["key"]
    page.select_option("#control-k", "6")              # classes: the shown layer only
    _settle(page)
    assert fetched == [f"/api/map/{shown}.json?scheme=quantiles&k=6"], fetched
    page.select_option("#control-k", "5")
    _settle(page)
    fetched.clear()
    page.uncheck("#overlay-ecofarm-titik")             # a switch: nothing
    page.check("#overlay-ecofarm-titik")
    page.select_option("#control-k", "6")               # a state seen before: from memory
    _settle(page)
    assert fetched == [], fetched
    page.select_option("#control-year", "2020")        # a filter: every layer, never geometry
    _settle(page)
    keys = sorted(p.split("?")[0].rsplit("/", 1)[1] for p in fetched)
    expected = sorted([f"{c['key']}.json" for c in payload["chor"]]
                      + [f"{p['key']}.json" for p in payload["pts"]])
    assert keys == expected
    assert not any("batas" in p for p in fetched)


def test_selected_kelurahan_survives_a_control_change(page, live_server):
    payload = open_map(page, live_server)
    _activate(page)
    kode = payload["kel"]["kode"][10]
    page.evaluate(f"() => window.geoappMap.current.select('{kode}')")
    page.wait_for_function(f"() => location.search.includes('kel={kode}')")
    entries = page.evaluate("() => history.length")
    _activate(page)
    page.select_option("#control-k", "3")
    _settle(page)
    assert _query(page).get("kel") == kode and _query(page)["k"] == "3"
    page.wait_for_function("() => document.querySelectorAll('.leaflet-popup').length === 1")
    assert page.evaluate("() => history.length") == entries + 1   # one step back, not two
    page.go_back()
    page.wait_for_function("() => document.getElementById('control-k').value === '5'")
    assert _query(page).get("kel") == kode


def test_kelurahan_picker_selects_and_follows_the_map(page, live_server):
    payload = open_map(page, live_server)
    picker = page.locator("#control-kel")
    assert picker.is_visible() and picker.locator("option").count() == KELURAHAN_COUNT + 1
    kode = payload["kel"]["kode"][20]
    picker.select_option(kode)
    page.wait_for_function(f"() => location.search.includes('kel={kode}')")
    popup = page.locator(".leaflet-popup")
    popup.wait_for(state="visible")
    assert payload["kel"]["nama"][20] in popup.inner_text()
    page.select_option("#control-kecamatan", "36.71.07")     # the list follows the filter
    _settle(page)
    assert picker.locator("option").count() == 16 + 1


def test_a_filter_fetches_the_visible_layers_first(page, live_server):
    """A year change asks for the shown choropleth and the switched-on points first; the
    hidden layers are asked for only after those are on the map (fast live updates)."""
    payload = open_map(page, live_server)
    page.wait_for_load_state("networkidle")
    page.uncheck("#overlay-kwt-titik")
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(urlsplit(r.url).path.rsplit("/", 1)[1])
            if "/api/map/" in r.url else None)
    page.select_option("#control-year", "2020")
    _settle(page)
    page.wait_for_load_state("networkidle")
    shown = payload["chor"][0]["key"]
    visible = {f"{shown}.json"} | {f"{p['key']}.json" for p in payload["pts"]
                                   if p["key"] != "kwt-titik"}
    assert set(fetched[:len(visible)]) == visible, fetched
    hidden = {f"{c['key']}.json" for c in payload["chor"][1:]} | {"kwt-titik.json"}
    assert set(fetched[len(visible):]) == hidden, fetched
