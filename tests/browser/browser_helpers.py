"""Reading the planners' map in the browser: payload, Leaflet paths, legends, layer control.

The map page embeds one JSON block (``script#geoapp-data-*``) that geoapp's map.js turns
into Leaflet layers; kelurahan shapes are SVG ``path.leaflet-interactive`` elements in the
overlay pane (kecamatan outlines are non-interactive and live in their own pane).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
DATA = REPO_ROOT / "tests" / "data" / "browser"
LOCAL_HOST = "127.0.0.1"
TILE_HOSTS = ("tile.openstreetmap.org",)

MAP = '[data-testid="map"]'
KELURAHAN_PATHS = f"{MAP} .leaflet-overlay-pane path.leaflet-interactive"
OVERLAY_LABELS = '[data-testid="overlay-list"] label'   # the map page's point/boundary switches
LAYER_RADIOS = '[data-testid="layer-list"] input[name=layer]'
LEGENDS = f"{MAP} .geoapp-legend"
PAYLOAD = 'script[type="application/json"][id^="geoapp-data-"]'
KELURAHAN_COUNT = 104
# Indonesian number display: 1.234.567 / 98,7 / Rp 1.250.000 (thousands '.', decimals ',').
ID_NUMBER = re.compile(r"^(Rp\s?)?-?\d{1,3}(\.\d{3})*(,\d+)?\s?(%|/km²)?$")

_MAP_NAME_JS = """() => Object.keys(window).find(
    k => k.startsWith('map_') && window.L && window[k] instanceof window.L.Map) || null"""
_SCREEN_JS = """([name, lat, lon]) => {
    const m = window[name];
    const p = m.latLngToContainerPoint([lat, lon]);
    const r = m.getContainer().getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
}"""
_HIT_JS = """([x, y]) => {
    const el = document.elementFromPoint(x, y);
    return !!el && el.matches('.leaflet-overlay-pane path.leaflet-interactive');
}"""


@dataclass
class LiveServer:
    """A geoapp instance served over HTTP on 127.0.0.1."""

    url: str
    planner: tuple[str, str]
    app: object
    instance: Path

    def at(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return self.url + path


# 1x1 transparent PNG served in place of every basemap tile.
TRANSPARENT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105a5f6c40000000049454e44ae426082"
)


def is_tile(url: str) -> bool:
    """A basemap tile request (fulfilled with a transparent PNG, never fetched)."""
    parts = urlsplit(url)
    return parts.hostname in TILE_HOSTS and parts.path.endswith(".png")


def local_only(route) -> None:
    """Route handler: the app's own requests go through, tiles get a blank PNG, the rest
    is blocked (no network)."""
    url = route.request.url
    if urlsplit(url).hostname == LOCAL_HOST:
        route.continue_()
    elif is_tile(url):
        route.fulfill(status=200, content_type="image/png", body=TRANSPARENT_PNG)
    else:
        route.abort("blockedbyclient")


def login(page, server: LiveServer) -> None:
    """Log in as the planner created by bootstrap."""
    username, password = server.planner
    page.goto(server.at("/auth/login"))
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    assert "/auth/login" not in page.url, f"login failed: still on {page.url}"


def ledger_rows(page) -> dict[str, str]:
    cells = page.locator('[data-testid="ledger-rows"] td[data-key]')
    return {cells.nth(i).get_attribute("data-key"): cells.nth(i).inner_text().strip()
            for i in range(cells.count())}


def upload(page, server: LiveServer, path: Path, title: str, program: str = "umkm") -> None:
    """Fill the upload form and land on the preview page."""
    page.goto(server.at("/data/upload"))
    page.select_option("#program", program)
    page.fill("#title", title)
    page.set_input_files("#file", str(path))
    with page.expect_navigation():
        page.click("#upload-submit")
    assert re.search(r"/data/upload/[0-9a-f]{32}$", page.url), f"no preview: {page.url}"


def exactly(text: str) -> re.Pattern[str]:
    """A pattern matching ``text`` as the whole (trimmed) text of an element."""
    return re.compile(r"^\s*" + re.escape(text) + r"\s*$")


def map_payload(page) -> dict:
    """The JSON block the server embedded for map.js."""
    return json.loads(page.locator(PAYLOAD).first.text_content())


def wait_for_map(page, shapes: int = KELURAHAN_COUNT) -> None:
    """Wait until map.js has drawn ``shapes`` kelurahan paths and its legend box, and the
    map page's controller (map-page.js) has applied the URL's state."""
    page.locator(f"{MAP} .geoapp-legends").first.wait_for(state="attached")
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length >= n"
        " && (!document.getElementById('map-stage') || document.documentElement.dataset.mapReady)",
        arg=[KELURAHAN_PATHS, shapes]
    )


def open_map(page, server, query: str = "") -> dict:
    """Open the map page (optionally with a query string), wait for it, return the payload."""
    page.goto(server.at("/" + (f"?{query}" if query else "")))
    wait_for_map(page)
    return map_payload(page)


def map_name(page) -> str:
    """The global variable name of the Folium/Leaflet map object."""
    name = page.evaluate(_MAP_NAME_JS)
    assert name, "no Leaflet map object (window.map_*) found on the page"
    return name


def screen_point(page, lat: float, lon: float) -> tuple[float, float]:
    """Viewport coordinates of a lat/lon on the map."""
    x, y = page.evaluate(_SCREEN_JS, [map_name(page), lat, lon])
    return float(x), float(y)


@dataclass(frozen=True)
class Target:
    """A kelurahan and a viewport point where its shape receives the pointer."""

    index: int
    kode: str
    nama: str
    x: float
    y: float


def kelurahan_targets(page, payload: dict, limit: int = 3) -> list[Target]:
    """Kelurahan (largest first) whose interior point is on screen and hits their own shape.

    Point markers or other controls may cover a shape; such kelurahan are skipped.
    """
    from geoapp.io.boundaries import load_boundaries

    frame = load_boundaries().frame
    frame = frame.assign(_area=frame.geometry.to_crs(32748).area).sort_values("_area", ascending=False)
    page.locator(MAP).scroll_into_view_if_needed()
    viewport = page.viewport_size
    kodes = payload["kel"]["kode"]
    found = []
    for kode, nama, geom in zip(frame["kode"], frame["nama"], frame.geometry, strict=True):
        if kode not in kodes:
            continue
        point = geom.representative_point()
        x, y = screen_point(page, point.y, point.x)
        inside = 0 < x < viewport["width"] and 0 < y < viewport["height"]
        if inside and page.evaluate(_HIT_JS, [x, y]):
            found.append(Target(kodes.index(kode), str(kode), str(nama), x, y))
            if len(found) >= limit:
                break
    assert found, "no kelurahan shape could be reached with the mouse on the map"
    return found


def hover(page, target: Target) -> None:
    """Move the mouse onto the target (two moves so Leaflet sees mouseover + mousemove)."""
    page.mouse.move(target.x - 2, target.y - 2)
    page.mouse.move(target.x, target.y)


def overlay_labels(page) -> list[str]:
    """The overlay names in the map panel's switches, in order."""
    return [t.strip() for t in page.locator(OVERLAY_LABELS).all_inner_texts()]


def overlay_checkbox(page, title: str):
    """The checkbox of the overlay called ``title``."""
    label = page.locator(OVERLAY_LABELS).filter(has_text=exactly(title)).first
    return label.locator("input[type=checkbox]")


def legend_titles(page) -> list[str]:
    """Titles of the legends currently on the map."""
    return [t.strip() for t in page.locator(f"{LEGENDS} .geoapp-legend-title").all_inner_texts()]


def legend(page, title: str):
    """The legend box whose title is ``title``."""
    return page.locator(LEGENDS).filter(
        has=page.locator(".geoapp-legend-title", has_text=exactly(title))).first


def legend_rows(page, title: str) -> list[str]:
    """The row texts of one legend (classes, then the no-data row)."""
    return [t.strip() for t in legend(page, title).locator("li").all_inner_texts()]


@contextmanager
def served(app) -> Iterator[str]:
    """``app`` served on a free local port in a thread: its URL; stopped (and its database
    engine disposed) afterwards."""
    from werkzeug.serving import make_server

    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["geoapp_db"]["engine"].dispose()
