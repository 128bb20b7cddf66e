"""axe-core on every page, in both languages: no serious or critical violation.

axe-core is the vendored npm file ``vendor/axe-core/axe.min.js`` (tests only; the app never
serves it), injected by Playwright. A failure prints each rule, its impact, the elements and
axe's suggested fix.
"""

from __future__ import annotations

import secrets

import pytest
from axe_helpers import blocking, report, run_axe
from browser_helpers import DATA, local_only, login, upload, wait_for_map

pytestmark = pytest.mark.browser

ADMIN = "axe-admin"
LANGS = ("id", "en")
# name -> (path, who: anonymous | admin | planner-upload)
PAGES = {
    "map": ("/", "anonymous"),
    "profile": ("/kelurahan/36.71.01.1001", "anonymous"),
    "finder": ("/kampung", "anonymous"),
    "finder-phone": ("/kampung", "anonymous"),          # 360 px, one card opened
    "finder-print": ("/kampung/print", "anonymous"),
    "login": ("/auth/login", "anonymous"),
    "error": ("/tidak-ada-halaman-ini", "anonymous"),
    "upload": ("/data/upload", "admin"),
    "datasets": ("/data/versions", "admin"),
    "compare": ("/data/versions/compare?a={a}&b={b}", "admin"),
    "password": ("/auth/password", "admin"),
    "admin-users": ("/admin/users", "admin"),
    "admin-datasets": ("/admin/datasets", "admin"),
    "admin-audit": ("/admin/audit", "admin"),
    "places": ("/kampung/kelola", "admin"),
    "place-form": ("/kampung/kelola/baru", "admin"),
    "preview-review": ("<upload>", "planner-upload"),
}
PHONE_PAGES = {"finder-phone"}
# Rules fixed on another branch at the same time: the test is an expected failure
# (non-strict) only when these are the sole violations left on that page.
PENDING: dict[tuple[str, str], str] = {}   # (page, rule) -> why it may still fail (none)


def _context(browser, state=None, phone=False):
    size = {"width": 360, "height": 740} if phone else {"width": 1280, "height": 800}
    context = browser.new_context(viewport=size, locale="id-ID",
                                  bypass_csp=True, storage_state=state)
    context.set_default_timeout(15_000)
    context.route("**/*", local_only)
    return context


@pytest.fixture(scope="module")
def admin_state(browser, live_server):
    """A logged-in admin session on the sample-data server (storage state)."""
    from geoapp.store.users import set_password

    password = secrets.token_urlsafe(16)
    with live_server.app.app_context():
        with live_server.app.extensions["geoapp_db"]["sessions"]() as session:
            set_password(session, ADMIN, password, "admin")
    context = _context(browser)
    page = context.new_page()
    from browser_helpers import LiveServer
    login(page, LiveServer(live_server.url, (ADMIN, password), live_server.app,
                           live_server.instance))
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture(scope="module")
def compare_ids(live_server) -> dict[str, int]:
    from geoapp.store import list_datasets

    with live_server.app.app_context():
        with live_server.app.extensions["geoapp_db"]["sessions"]() as session:
            ids = sorted(d.id for d in list_datasets(session))
    return {"a": ids[0], "b": ids[1]}


def _open(page, server, path: str, lang: str) -> None:
    page.goto(server.at(path + ("&" if "?" in path else "?") + f"lang={lang}"))
    if path == "/":
        wait_for_map(page)
    elif path == "/kampung":
        page.wait_for_selector("#finder[data-ready]")
        page.locator('[data-testid="place-summary"]').first.click()     # card details too
        page.wait_for_selector(".finder-card-body")
    page.wait_for_load_state("networkidle")


def _open_upload_preview(page, server, lang: str) -> None:
    login(page, server)
    page.goto(server.at(f"/data/upload?lang={lang}"))
    upload(page, server, DATA / "messy_umkm_2021.csv", "UMKM axe")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_axe_violations(name, lang, browser, live_server, upload_server,
                                               request):
    path, who = PAGES[name]
    if who == "admin":
        context = _context(browser, request.getfixturevalue("admin_state"))
    else:
        context = _context(browser, phone=name in PHONE_PAGES)
    try:
        page = context.new_page()
        if who == "planner-upload":
            _open_upload_preview(page, upload_server, lang)
        else:
            if "{a}" in path:
                path = path.format(**request.getfixturevalue("compare_ids"))
            _open(page, live_server, path, lang)
        assert page.locator("html").get_attribute("lang") == lang
        found = blocking(run_axe(page))
    finally:
        context.close()
    pending = [v for v in found if (name, v["id"]) in PENDING]
    others = [v for v in found if (name, v["id"]) not in PENDING]
    assert not others, (f"axe on {name} ({path}, {lang}): {len(others)} serious/critical "
                        f"violations\n{report(others)}")
    if pending:
        pytest.xfail(PENDING[(name, pending[0]["id"])])
