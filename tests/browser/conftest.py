"""Fixtures for the real-browser suite: a live geoapp server, Chromium, and a guarded page.

* ``live_server`` (session): sample data imported, planner account created; read-only tests.
* ``upload_server`` (session): a second, separate instance for the tests that store data,
  so the map tests always see the pristine sample data whatever the test order.
* ``browser`` (session): Debian chromium driven by Playwright (no Playwright browser
  download); skipped when missing unless ``GEOAPP_REQUIRE_BROWSER=1``.
* ``page`` (function): a fresh context (1280x800, id-ID) in which every request that is not
  to 127.0.0.1 is blocked (tile requests get a transparent PNG), dialogs are recorded and
  dismissed, console errors and page errors are recorded (``records``).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import postgres
import pytest
from browser_helpers import ARTIFACTS, LOCAL_HOST, TRANSPARENT_PNG, LiveServer, is_tile

REQUIRE_ENV = "GEOAPP_REQUIRE_BROWSER"
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TIMEOUT_MS = 15_000
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so ``page`` can screenshot failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# ----------------------------------------------------------------------------- server


def _clean_env() -> pytest.MonkeyPatch:
    patch = pytest.MonkeyPatch()
    for name in list(os.environ):
        if name.startswith("GEOAPP_") and name != REQUIRE_ENV:
            patch.delenv(name)
    return patch


def start_server(instance: Path, *, sample: bool = True) -> tuple[LiveServer, Callable[[], None]]:
    """Create, bootstrap and serve an app on a free port; returns (server, stop).
    ``sample``: import the sample data (else the instance starts with no dataset)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:  # keep the test output readable
            pass

    from geoapp.web import create_app
    from geoapp.web.serve import bootstrap

    config = {"INSTANCE_PATH": str(instance), "LOAD_SAMPLE_DATA": sample,
              "CREATE_DEFAULT_PLANNER": True, "TILE_URL": TILE_URL}
    config.update(postgres.shared_database())   # on PostgreSQL: a database of its own
    patch = _clean_env()
    try:
        app = create_app(config)
        info = bootstrap(app)
    finally:
        patch.undo()
    assert info["planner"], "bootstrap did not create the planner account"
    server = make_server(LOCAL_HOST, 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="geoapp-live", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["geoapp_db"]["engine"].dispose()

    url = f"http://{LOCAL_HOST}:{server.server_port}"
    return LiveServer(url, tuple(info["planner"]), app, instance), stop


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The sample-data instance the read-only map/profile/language tests use."""
    server, stop = start_server(tmp_path_factory.mktemp("live") / "instance")
    yield server
    stop()


@pytest.fixture(scope="session")
def upload_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A separate instance for the tests that upload and store data."""
    server, stop = start_server(tmp_path_factory.mktemp("upload") / "instance")
    yield server
    stop()


@pytest.fixture(scope="session")
def reopen_server(tmp_path_factory) -> Iterator[LiveServer]:
    """An instance with no sample data, for the tests that import a version with the
    command line (``geoapp import``) and finish it in the browser (reopen)."""
    server, stop = start_server(tmp_path_factory.mktemp("reopen") / "instance", sample=False)
    yield server
    stop()


# ----------------------------------------------------------------------------- browser


def _chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _missing(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser():
    """Debian chromium, headless, launched through Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the python package 'playwright' is not installed")
    executable = _chromium_path()
    if executable is None:
        _missing("no 'chromium' executable on PATH (Debian: apt-get install chromium)")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=executable, headless=True,
                                           args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - report why the browser did not start
        manager.stop()
        _missing(f"chromium at {executable} did not start: {exc}")
    yield chromium
    chromium.close()
    manager.stop()


# ----------------------------------------------------------------------------- page


@dataclass
class Records:
    """What happened in one page's context."""

    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    @property
    def external(self) -> list[str]:
        return self.tiles + self.blocked


def _router(records: Records):
    def handle(route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if host == LOCAL_HOST:
            records.local.append(url)
            route.continue_()
        elif is_tile(url):
            records.tiles.append(url)
            route.fulfill(status=200, content_type="image/png", body=TRANSPARENT_PNG)
        else:
            records.blocked.append(url)
            route.abort("blockedbyclient")

    return handle


def _on_dialog(records: Records):
    def handle(dialog) -> None:
        records.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    return handle


def _on_console(records: Records):
    def handle(message) -> None:
        if message.type == "error":
            records.console_errors.append(message.text)

    return handle


@pytest.fixture
def records() -> Records:
    return Records()


@pytest.fixture
def page(browser, records, request):
    """A new context/page: external requests blocked, dialogs/console/page errors recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID",
                                  accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", _router(records))
    context.on("dialog", _on_dialog(records))
    pg = context.new_page()
    pg.on("console", _on_console(records))
    pg.on("pageerror", lambda exc: records.page_errors.append(str(exc)))
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        _failure_screenshot(pg, request.node.name)
    context.close()
    assert not records.dialogs, f"a dialog fired during the test: {records.dialogs}"


def _failure_screenshot(pg, name: str) -> None:
    folder = ARTIFACTS / "failures"
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:100]
    try:
        pg.screenshot(path=str(folder / f"{safe}.png"), full_page=True)
    except Exception:  # noqa: BLE001 - a failed screenshot must not hide the real failure
        pass
