"""The /ogc pages in Chromium: readable HTML under the app's CSP, and readable from
another origin (CORS) by a web client's fetch."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = pytest.mark.browser


class PortalPage(BaseHTTPRequestHandler):
    """A blank page of 'another web site' (another port on 127.0.0.1: another origin)."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = b"<!doctype html><title>portal</title><p>portal</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), PortalPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_ogc_html_pages_from_landing_to_a_feature(page, records, live_server):
    page.goto(live_server.at("/ogc"))
    assert "/ogc" in page.locator('[data-testid="ogc-url"]').inner_text()
    page.locator('[data-testid="ogc-nav-collections"]').click()
    collection = page.locator('[data-testid="ogc-collection"]').filter(has_text="kwt-titik")
    assert "Data contoh" in collection.inner_text()
    collection.get_by_role("link", name="Fitur", exact=True).click()
    assert "Fitur 44 dari 44" in page.locator('[data-testid="ogc-count"]').inner_text()
    page.locator('[data-testid="ogc-feature"] h2 a').first.click()
    assert page.locator('[data-testid="ogc-feature"]').count() == 1
    assert records.console_errors == [] and records.page_errors == []   # no CSP violation
    assert records.external == []


def test_a_page_on_another_origin_can_read_items(page, records, live_server, other_origin):
    page.goto(f"{other_origin}/portal")
    result = page.evaluate("""async (url) => {
        let r;
        try { r = await fetch(url, {headers: {Accept: "application/geo+json"}}); }
        catch (e) { return String(e); }
        const body = await r.json();
        return [r.status, r.headers.get("etag") !== null, body.numberMatched,
                body.features.length];
    }""", live_server.at("/ogc/collections/kwt-titik/items?limit=5"))
    assert result == [200, True, 44, 5], (result, records.console_errors)
    conditional = page.evaluate("""async (url) => {
        const first = await fetch(url);
        const again = await fetch(url, {headers: {"If-None-Match": first.headers.get("etag")}});
        return [first.status, again.status];
    }""", live_server.at("/ogc/collections/kelurahan/items/36.71.01.1001"))
    assert conditional == [200, 304]          # a preflighted conditional request works
    blocked = page.evaluate("""async (url) => {
        try { await fetch(url); return "read"; } catch (e) { return "blocked"; }
    }""", live_server.at("/api/layers"))
    assert blocked == "blocked"              # the app's own API stays same-origin
