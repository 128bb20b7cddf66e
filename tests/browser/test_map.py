"""The planners' map in real Chromium: shapes, overlays and legends, tooltips, classes, download."""

from __future__ import annotations

import json
import math
import struct

import pytest
import shapely
from browser_helpers import (
    ARTIFACTS,
    ID_NUMBER,
    KELURAHAN_COUNT,
    KELURAHAN_PATHS,
    LOCAL_HOST,
    hover,
    is_tile,
    kelurahan_targets,
    legend,
    legend_rows,
    legend_titles,
    open_map,
    overlay_checkbox,
    overlay_labels,
)
from playwright.sync_api import expect
from shapely.geometry import shape

pytestmark = pytest.mark.browser

# Kota Tangerang lies within these bounds (lon, lat): catches swapped axes.
LON_RANGE, LAT_RANGE = (106.45, 106.85), (-6.35, -6.0)


def test_map_draws_104_kelurahan_from_local_resources_only(page, records, live_server):
    payload = open_map(page, live_server)
    page.wait_for_load_state("networkidle")
    assert page.locator(KELURAHAN_PATHS).count() == KELURAHAN_COUNT
    assert len(payload["kel"]["kode"]) == KELURAHAN_COUNT
    assert records.local, "no request reached the local server"
    assert records.blocked == [], f"the page asked for non-local resources: {records.blocked}"
    assert all(is_tile(url) for url in records.external)
    assert records.tiles, "the basemap asked for no tile (TILE_URL is set by the fixture)"
    assert all(url.startswith(f"http://{LOCAL_HOST}:") for url in records.local)
    assert records.page_errors == [], f"JavaScript errors: {records.page_errors}"
    assert records.console_errors == [], f"console errors: {records.console_errors}"


def test_every_overlay_toggles_its_legend(page, records, live_server):
    """The panel's switches: each point layer shows/hides its markers' legend; the
    kecamatan outlines have none; the one choropleth's legend stays."""
    payload = open_map(page, live_server)
    expected = [p["title"] for p in payload["pts"]] + [payload["t"]["kecLayer"]]
    labels = overlay_labels(page)
    assert labels == expected
    by_title = {p["title"]: p for p in payload["pts"]}
    assert set(by_title) <= set(legend_titles(page))   # a legend for every point symbol
    for title in labels:
        box = overlay_checkbox(page, title)
        before = sorted(legend_titles(page))
        box.set_checked(False)
        after = legend_titles(page)
        if title in by_title:
            assert sorted(set(before) - set(after)) == [title], f"legend of '{title}' did not follow it"
        else:
            assert sorted(after) == before, f"toggling '{title}' changed the legends"
        assert page.locator(KELURAHAN_PATHS).count() == KELURAHAN_COUNT   # one choropleth
        box.set_checked(True)
        assert sorted(legend_titles(page)) == before
    assert records.page_errors == []


def test_hover_shows_kelurahan_name_and_indonesian_value(page, live_server):
    payload = open_map(page, live_server)
    chor = payload["chor"][0]
    target = kelurahan_targets(page, payload, limit=1)[0]
    hover(page, target)
    tip = page.locator(".leaflet-tooltip .geoapp-tip")
    tip.wait_for(state="visible")
    assert tip.locator("strong").inner_text().strip() == target.nama
    value = tip.locator(".geoapp-tip-value").inner_text().strip()
    expected = chor["v"][target.index]
    assert value == (payload["t"]["noData"] if expected is None else expected)
    assert value == "Tidak ada data" or ID_NUMBER.match(value), f"not Indonesian: {value!r}"
    assert chor["title"] in tip.inner_text()


def test_classification_controls_change_the_legend(page, live_server):
    payload = open_map(page, live_server)
    title = payload["chor"][0]["title"]
    assert page.input_value("#control-k") == "5"
    assert len(legend_rows(page, title)) == 5 + 1        # classes + the no-data row
    page.select_option("#control-scheme", "fisher_jenks")
    page.select_option("#control-k", "3")          # live: no reload (see test_map_page.py)
    page.wait_for_function("() => location.search.includes('k=3')")
    assert "scheme=fisher_jenks" in page.url and "k=3" in page.url
    assert page.input_value("#control-scheme") == "fisher_jenks"
    assert page.input_value("#control-k") == "3"
    expect(legend(page, title).locator("li")).to_have_count(3 + 1)   # once the layer came back
    rows = legend_rows(page, title)
    assert rows[-1].startswith("Tidak ada data")


def _strict_json(raw: bytes) -> dict:
    def reject(name: str):
        raise AssertionError(f"non-finite number {name} in the GeoJSON")

    return json.loads(raw.decode("utf-8"), parse_constant=reject)


def _positions(geometry: dict):
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    for polygon in polygons:
        yield from enumerate(polygon)


def _decimals(x: float) -> int:
    text = repr(float(x))
    return 0 if "e" in text or "." not in text else len(text.split(".")[1].rstrip("0"))


def _check_feature(feature: dict) -> None:
    assert feature["type"] == "Feature"
    geometry = feature["geometry"]
    assert geometry["type"] in ("Polygon", "MultiPolygon")
    for k, ring in _positions(geometry):
        assert ring[0] == ring[-1] and len(ring) >= 4
        for lon, lat, *rest in ring:
            assert not rest, "positions must be [lon, lat]"
            assert math.isfinite(lon) and math.isfinite(lat)
            assert LON_RANGE[0] < lon < LON_RANGE[1] and LAT_RANGE[0] < lat < LAT_RANGE[1]
            assert _decimals(lon) <= 6 and _decimals(lat) <= 6
        ccw = shapely.is_ccw(shapely.LinearRing(ring))
        assert ccw == (k == 0), "exterior rings must be counter-clockwise, holes clockwise"
    assert shape(geometry).is_valid


def test_geojson_download_is_rfc7946(page, live_server):
    payload = open_map(page, live_server)
    key = payload["chor"][0]["key"]
    link = page.locator(f'[data-testid="download-{key}-geojson"]')
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".geojson")
    with open(download.path(), "rb") as handle:
        doc = _strict_json(handle.read())
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    features = doc["features"]
    assert len(features) == KELURAHAN_COUNT
    for feature in features:
        _check_feature(feature)
    kodes = {f["properties"].get("kode") for f in features}
    assert kodes == set(payload["kel"]["kode"])


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])


def test_map_screenshot_artifact(page, live_server):
    open_map(page, live_server)
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "map.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    width, height = _png_size(path)
    assert width == 1280 and height >= 800
