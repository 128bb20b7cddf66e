"""The national map (WILAYAH=ID) in real Chromium: the app's own bytes stay under the
1.5 MB budget at national zoom and after drilling down, and clicking a province drills
down to its kabupaten/kota. One server for the module, on the shipped national data."""

from __future__ import annotations

import threading

import postgres
import pytest
from browser_helpers import LOCAL_HOST

pytestmark = pytest.mark.browser

BUDGET = 1_500_000


@pytest.fixture(scope="module")
def national_url(tmp_path_factory):
    from werkzeug.serving import make_server

    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path_factory.mktemp("nat") / "instance"),
                      "WILAYAH": "ID", "CREATE_DEFAULT_PLANNER": False,
                      "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                      **postgres.shared_database()})
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{LOCAL_HOST}:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    app.extensions["geoapp_db"]["engine"].dispose()


def _count_own_bytes(page) -> list[int]:
    """Body sizes of every app response that is not a vendored library."""
    sizes: list[int] = []

    def on_response(response) -> None:
        if LOCAL_HOST in response.url and "/static/vendor/" not in response.url:
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
