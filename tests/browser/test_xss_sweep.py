"""XSS sweep and CSP proof in real Chromium.

A hostile UMKM file (payload title, header and sub-program names) and a hostile kampung
tematik file (payload place names, themes, addresses and a ``javascript:`` contact) are
imported through ``geoapp.imports.staging`` into a private live server. The sweep then visits
every place user text is shown - the map (layer control, legends, every tooltip and
popup rendered), the kelurahan profile, the finder, the data pages, the admin pages and
error pages - and fails on any dialog, any injected element, any ``javascript:`` link,
any CSP violation or JavaScript error.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from browser_helpers import KELURAHAN_COUNT, KELURAHAN_PATHS, OVERLAY_LABELS, login, open_map

pytestmark = pytest.mark.browser

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`+alert(1)+`",
    "</script><script>alert(1)</script>",
)
JS_URL = "javascript:alert(1)"
TITLE = "UMKM " + " ".join(PAYLOADS)
KODE = "36.71.01.1001"          # Sukarasa, Tangerang
PLACE_LAT, PLACE_LON = -6.1766, 106.6339

_INJECTED = """() => ({
  img: document.querySelectorAll('img[src="x"], img[src="X"]').length,
  scripts: [...document.scripts].filter(s => (!s.type || /javascript|module/i.test(s.type))
                                         && s.textContent.includes('alert(1)')).length,
  jsLinks: [...document.querySelectorAll('[href],[src],[action],[formaction]')].filter(e =>
      ['href', 'src', 'action', 'formaction'].some(a =>
        /^\\s*javascript:/i.test(e.getAttribute(a) || ''))).length,
  handlers: [...document.querySelectorAll('*')].filter(e =>
      [...e.attributes].some(a => /^on/i.test(a.name) && /alert/.test(a.value))).length,
})"""
# Check every overlay, then render every tooltip and popup (clustered markers too)
# into the document the way Leaflet would, and report how many were rendered.
_RENDER_ALL = """(name) => {
  const map = window[name];
  const seen = new Set(); const out = document.createElement('div');
  out.id = 'sweep-render'; document.body.appendChild(out);
  let n = 0;
  const put = (content, layer) => {
    const v = typeof content === 'function' ? content(layer) : content;
    const box = document.createElement('div');
    if (typeof v === 'string') { box.innerHTML = v; } else if (v) { box.appendChild(v); }
    out.appendChild(box); n += 1;
  };
  const visit = (layer) => {
    if (!layer || seen.has(layer)) { return; }
    seen.add(layer);
    if (layer.getPopup && layer.getPopup()) { put(layer.getPopup()._content, layer); }
    if (layer.getTooltip && layer.getTooltip()) { put(layer.getTooltip()._content, layer); }
    if (layer.getLayers) { layer.getLayers().forEach(visit); }
  };
  map.eachLayer(visit);
  return n;
}"""


def _kampung_csv() -> bytes:
    lines = ["Nama Kampung,Tema,Kelurahan,Kecamatan,Alamat,Kontak,Lintang,Bujur"]
    for k, payload in enumerate(PAYLOADS):
        cell = '"' + payload.replace('"', '""') + '"'
        lines.append(f"{cell},{cell},Sukarasa,Tangerang,{cell},{JS_URL},"
                     f"{PLACE_LAT - k * 0.00005:.6f},{PLACE_LON + k * 0.00005:.6f}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _umkm_csv() -> bytes:
    head = f"No;Kecamatan;Kelurahan;Kode Wilayah;Program;Jumlah Kelompok;Nilai Bantuan (Rp);Tahun;{PAYLOADS[0]}"
    rows = [head]
    for k, payload in enumerate(PAYLOADS):
        rows.append(f"{k + 1};Tangerang;Sukarasa;{KODE};{payload};{k + 2};Rp {k + 1}.000.000;2021;{payload}")
    rows.append(f"9;Tangerang;{PAYLOADS[0]};;Tangerang BISA;1;Rp 1.000;2021;x")
    return ("\n".join(rows) + "\n").encode("utf-8")


def _start_server(config):
    """``start_server`` of this folder's conftest (found among the loaded plugins)."""
    here = str(Path(__file__).with_name("conftest.py"))
    for plugin in config.pluginmanager.get_plugins():
        if getattr(plugin, "__file__", None) == here:
            return plugin.start_server
    raise LookupError(here)


@pytest.fixture(scope="module")
def hostile_server(request, tmp_path_factory):
    """A private live server whose store holds the hostile kampung and UMKM versions."""
    from geoapp.imports.staging import ImportRequest, import_file
    from geoapp.store import create_account

    server, stop = _start_server(request.config)(tmp_path_factory.mktemp("xss_sweep") / "instance")
    sessions = server.app.extensions["geoapp_db"]["sessions"]
    with sessions() as session:
        import_file(session, ImportRequest("kampung", _kampung_csv(), "kampung.csv",
                                           "Kampung " + PAYLOADS[0], user="planner"))
        import_file(session, ImportRequest("umkm", _umkm_csv(), "umkm.csv", TITLE,
                                           user="planner"))
        create_account(session, "sweepadmin", "sweep-admin-pw", "admin", actor=None)
    yield server
    stop()


def _csp_errors(records) -> list[str]:
    return [m for m in records.console_errors if "Content Security Policy" in m
            or "Refused to" in m]


def assert_clean(page, records, where: str) -> None:
    """No dialog, nothing injected, no CSP violation, no JavaScript error."""
    found = page.evaluate(_INJECTED)
    assert found == {"img": 0, "scripts": 0, "jsLinks": 0, "handlers": 0}, f"{where}: {found}"
    assert records.dialogs == [], f"{where}: a dialog fired: {records.dialogs}"
    assert _csp_errors(records) == [], f"{where}: CSP violations: {_csp_errors(records)}"
    assert records.page_errors == [], f"{where}: JavaScript errors: {records.page_errors}"


def _map_name(page) -> str:
    return page.evaluate("""() => Object.keys(window).find(
        k => k.startsWith('map_') && window.L && window[k] instanceof window.L.Map)""")


def _sweep_map(page, records, server) -> None:
    open_map(page, server)
    assert page.locator(KELURAHAN_PATHS).count() == KELURAHAN_COUNT
    assert TITLE in page.locator("ul.datasets").inner_text(), "the hostile title is not shown"
    labels = page.locator(OVERLAY_LABELS)
    assert labels.count() > 0, "the layer control lists no overlays"
    for i in range(labels.count()):
        box = labels.nth(i).locator("input")
        before = box.is_checked()
        box.click()
        assert box.is_checked() != before, f"overlay {i} did not toggle"
        if not box.is_checked():
            box.click()
    rendered = page.evaluate(_RENDER_ALL, _map_name(page))
    assert rendered > KELURAHAN_COUNT, f"only {rendered} tooltips/popups were rendered"
    swept = page.locator("#sweep-render").inner_text()
    assert PAYLOADS[0] in swept and PAYLOADS[3] in swept, "hostile place names not in popups"
    page.locator(KELURAHAN_PATHS).first.click(force=True)
    assert_clean(page, records, "map")
    program_options = page.locator('[data-testid="control-program"]').inner_text()
    assert PAYLOADS[1] in program_options, "hostile sub-program not offered as text"


def _visit(page, records, server, path: str, where: str, expect: str | None = None) -> None:
    page.goto(server.at(path))
    page.wait_for_load_state("networkidle")
    if expect is not None:
        assert expect in page.locator("body").inner_text(), f"{where}: {expect!r} not shown"
    assert_clean(page, records, where)


def test_hostile_text_is_inert_everywhere(page, records, hostile_server):
    server = hostile_server
    _sweep_map(page, records, server)
    _visit(page, records, server, f"/kelurahan/{KODE}", "profile", PAYLOADS[0])
    _visit(page, records, server, "/kampung", "finder")
    page.locator('[data-testid="place-card"]').first.wait_for()
    summaries = page.locator('[data-testid="place-summary"]')
    for i in range(summaries.count()):                   # every card's details rendered
        summaries.nth(i).click()
    assert page.locator(".finder-card-body").count() == summaries.count()
    assert PAYLOADS[3] in page.locator('[data-testid="place-list"]').inner_text()
    assert_clean(page, records, "finder list")
    _visit(page, records, server, "/kampung/print", "finder print", PAYLOADS[2])
    for path in (f"/kelurahan/{quote(PAYLOADS[0])}", f"/kampung?theme={quote(PAYLOADS[3])}",
                 f"/?year={quote(PAYLOADS[1])}", f"/kampung/print?q={quote(PAYLOADS[0])}",
                 f"/admin/audit?page={quote(PAYLOADS[2])}"):
        _visit(page, records, server, path, f"error page {path}")
    page.goto(server.at("/auth/login"))
    page.fill("#username", "sweepadmin")
    page.fill("#password", "sweep-admin-pw")
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    _visit(page, records, server, "/data/versions", "data page", TITLE)
    _visit(page, records, server, "/admin/datasets", "admin versions", TITLE)
    _visit(page, records, server, "/admin/audit", "audit log", TITLE)


def test_pages_work_under_the_csp(page, records, hostile_server):
    """Map (104 shapes, layer control), profile, upload form and finder with its service worker."""
    server = hostile_server
    response = page.goto(server.at("/"))
    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{20,}'", csp)
    open_map(page, server)
    assert page.locator(KELURAHAN_PATHS).count() == KELURAHAN_COUNT
    box = page.locator(OVERLAY_LABELS).first.locator("input")
    before = box.is_checked()
    box.click()
    assert box.is_checked() != before
    login(page, server)
    _visit(page, records, server, "/data/upload", "upload form")
    assert page.locator('input[type="file"]').count() == 1
    _visit(page, records, server, f"/kelurahan/{KODE}", "profile")
    assert page.locator('[data-testid="profile-outline"]').count() == 1
    page.goto(server.at("/kampung"))
    page.locator('[data-testid="place-card"]').first.wait_for()
    registered = page.evaluate("""() => navigator.serviceWorker.ready.then(r => !!r.active)""")
    assert registered, "the finder's service worker did not activate"
    assert_clean(page, records, "finder")
    assert records.console_errors == [], records.console_errors
