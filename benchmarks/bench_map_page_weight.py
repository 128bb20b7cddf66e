"""Page weight of the planners' map as the server really serves it, in real Chromium.

Run: ``.venv/bin/python benchmarks/bench_map_page_weight.py`` (needs ``chromium`` on PATH and
the ``playwright`` package). Builds a throw-away instance with the sample data, serves it on
127.0.0.1, lets Chromium load ``/`` and counts every byte of the app's own that the browser
fetches (the HTML, app.css, map-page.css/js, geoapp's map.js/map.css, /api/batas.json, every
/api/... call), at the first view and after zooming in to street level and back out.
Vendor libraries (Leaflet, markercluster under /static/vendor/leaflet|markercluster) and
basemap tiles are counted apart and not in the budget (tiles are answered with a 1x1 PNG,
never fetched from the internet).

``--wilayah ID`` measures the national map instead (the shipped national data, no sample
data): the level-by-level page at national zoom, then after clicking Banten (36), Kota
Tangerang (36.71) and its first kecamatan (36.71.01), with the same 1.5 MB budget.

Prints the uncompressed and the transferred (gzip) bytes per file, and the uncompressed total
against the baseline built in this process: ``GeoDataFrame.explore()`` of the same four
choropleths. Exits 1 when the app's own uncompressed bytes exceed 1.5 MB at any zoom.
``measure_library()`` still measures the library-rendered page (``render_map_html``), which
tests/test_maps_page.py keeps at most a fifth of explore().
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from geoapp.maps import ChoroplethSpec, boundaries_json, render_map_html  # noqa: E402
from geoapp.maps.assets import GEOAPP_CSS, GEOAPP_JS, vendor_files  # noqa: E402

BOUNDARIES = ROOT / "data" / "boundaries"
COLUMNS = ("umkm_penerima", "blk_peserta", "kwt_anggota", "umkm_bantuan_rp")
LIMIT = 0.20                       # library page / explore()
BUDGET = 1_500_000                 # served page: the app's own bytes, uncompressed, any zoom
VENDOR = ("/static/vendor/leaflet/", "/static/vendor/markercluster/")
TRANSPARENT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105a5f6c40000000049454e44ae426082")
ZOOMS = (None, 16, 18, 11)         # None: the first view (fitted to the city)


def sample_layers(seed: int = 2020) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Real kelurahan/kecamatan boundaries with 4 seeded measures (some NaN, some 0)."""
    kel = gpd.read_file(BOUNDARIES / "kota_tangerang_kelurahan.geojson")
    kec = gpd.read_file(BOUNDARIES / "kota_tangerang_kecamatan.geojson")
    rng = np.random.default_rng(seed)
    for column in COLUMNS:
        values = rng.integers(0, 60, len(kel)).astype("float64")
        values[rng.random(len(kel)) < 0.15] = np.nan
        kel[column] = values * (250_000 if column.endswith("_rp") else 1)
    return kel, kec


def explore_bytes(kel: gpd.GeoDataFrame) -> int:
    """Size of the explore() page: one explore() call per choropleth on one map."""
    fmap = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for column in COLUMNS:
            fmap = kel.explore(column=column, scheme="quantiles", k=5, cmap="YlGnBu",
                               m=fmap, name=column)
    return len(fmap.get_root().render().encode("utf-8"))


def geoapp_bytes(kel: gpd.GeoDataFrame, kec: gpd.GeoDataFrame, *, via_url: bool = False) -> int:
    """Size of the library-rendered page, its own JS/CSS and (with via_url) the boundaries."""
    specs = [ChoroplethSpec(c, c, c, kind="rupiah" if c.endswith("_rp") else "count")
             for c in COLUMNS]
    url = "/api/boundaries.json" if via_url else None
    html = render_map_html(kelurahan=kel, kecamatan=kec, choropleths=specs, tiles=None,
                           boundaries_url=url)
    files = vendor_files()
    total = len(html.encode("utf-8")) + sum(files[p].stat().st_size for p in (GEOAPP_JS, GEOAPP_CSS))
    if via_url:
        total += len(boundaries_json(kel, kec).encode("utf-8"))
    return total


def measure_library() -> dict[str, float]:
    """The library-rendered page against explore(), both built in this process."""
    kel, kec = sample_layers()
    explore = explore_bytes(kel)
    inline = geoapp_bytes(kel, kec)
    fetched = geoapp_bytes(kel, kec, via_url=True)
    return {"explore": explore, "geoapp_inline": inline, "geoapp_url": fetched,
            "ratio_inline": inline / explore, "ratio_url": fetched / explore}


# ----------------------------------------------------------------------------- served page


def _serve(instance: Path):
    """The sample-data app on 127.0.0.1:<free port> in a thread; returns (url, stop)."""
    import sample_app
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:
            pass

    app = sample_app.make_app(instance)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)
        sample_app.dispose_app(app)

    return f"http://127.0.0.1:{server.server_port}", stop


def _record(page, url: str, seen: dict) -> None:
    def on_response(response) -> None:
        parts = urlsplit(response.url)
        if parts.hostname != "127.0.0.1" or response.status != 200:
            return
        body = len(response.body())
        sent = response.request.sizes()["responseBodySize"]
        key = parts.path + (f"?{parts.query}" if parts.query else "")
        seen[key] = (body, sent)

    page.on("response", on_response)

    def route(r) -> None:
        host = urlsplit(r.request.url).hostname
        if host == "127.0.0.1":
            r.continue_()
        elif r.request.url.endswith(".png"):
            r.fulfill(status=200, content_type="image/png", body=TRANSPARENT_PNG)
        else:
            r.abort()

    page.route("**/*", route)


@contextmanager
def recording_page(base_url: str):
    """A 1366x768 Chromium page whose local responses are recorded in ``seen``."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise SystemExit("chromium is not on PATH (Debian: apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        seen: dict[str, tuple[int, int]] = {}
        _record(page, base_url, seen)
        try:
            yield page, seen
        finally:
            browser.close()


def measure_served(base_url: str) -> list[dict[str, tuple[int, int]]]:
    """Per zoom step: every local URL fetched so far -> (uncompressed, transferred) bytes."""
    steps = []
    with recording_page(base_url) as (page, seen):
        page.goto(base_url + "/")
        page.wait_for_function("() => document.documentElement.dataset.mapReady")
        for zoom in ZOOMS:
            if zoom is not None:
                page.evaluate(f"() => window.geoappMap.current.map.setZoom({zoom}, {{animate: false}})")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            steps.append(dict(seen))
    return steps


def _own(path: str) -> bool:
    return not path.startswith(VENDOR)


NATIONAL_STEPS = (("national", None, "path[data-kode='11']"),
                  ("provinsi 36", "36", "path[data-kode='36.71']"),
                  ("kabupaten 36.71", "36.71", "path[data-kode='36.71.01']"),
                  ("kecamatan 36.71.01", "36.71.01", "path[data-kode='36.71.01.1001']"))


def _serve_national(instance: Path):
    """A WILAYAH=ID app on 127.0.0.1:<free port> in a thread; returns (url, stop)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from geoapp.web import create_app

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:
            pass

    app = create_app({"INSTANCE_PATH": str(instance), "WILAYAH": "ID",
                      "CREATE_DEFAULT_PLANNER": False})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["geoapp_db"]["engine"].dispose()

    return f"http://127.0.0.1:{server.server_port}", stop


def measure_national(base_url: str) -> list[dict[str, tuple[int, int]]]:
    """Per drill-down step: every local URL fetched so far -> (uncompressed, transferred)."""
    steps = []
    with recording_page(base_url) as (page, seen):
        page.goto(base_url + "/")
        for _, click, ready in NATIONAL_STEPS:
            if click:
                page.locator(f"path[data-kode='{click}']").dispatch_event("click")
            page.wait_for_selector(ready, state="attached")
            page.wait_for_load_state("networkidle")
            steps.append(dict(seen))
    return steps


def main_national() -> int:
    with tempfile.TemporaryDirectory(prefix="geoapp-national-bench-") as tmp:
        url, stop = _serve_national(Path(tmp) / "instance")
        try:
            steps = measure_national(url)
        finally:
            stop()
    for path, (body, sent) in sorted(steps[-1].items(), key=lambda kv: -kv[1][0]):
        print(f"{body:>9,d} {sent:>9,d}  {'own' if _own(path) else 'vendor':6}  {path[:90]}")
    worst = 0
    for (name, _, _), seen in zip(NATIONAL_STEPS, steps, strict=True):
        own = sum(b for p, (b, _) in seen.items() if _own(p))
        sent = sum(s for p, (_, s) in seen.items() if _own(p))
        worst = max(worst, own)
        print(f"{name:>20}: app's own {own:>9,d} bytes uncompressed, {sent:>9,d} transferred")
    print(f"budget {BUDGET:,d}: {'OK' if worst <= BUDGET else 'TOO HEAVY'}")
    return 0 if worst <= BUDGET else 1


def main() -> int:
    if "--wilayah" in sys.argv[1:]:
        value = sys.argv[sys.argv.index("--wilayah") + 1:][:1]
        if value != ["ID"]:
            raise SystemExit("--wilayah: only ID is measured (received "
                             f"{' '.join(value) or 'nothing'})")
        return main_national()
    explore = explore_bytes(sample_layers()[0])
    with tempfile.TemporaryDirectory(prefix="geoapp-map-bench-") as tmp:
        import sample_app

        url, stop = _serve(sample_app.build_template(Path(tmp)))
        try:
            steps = measure_served(url)
        finally:
            stop()
    final = steps[-1]
    for path, (body, sent) in sorted(final.items(), key=lambda kv: -kv[1][0]):
        tag = "vendor" if not _own(path) else "own"
        print(f"{body:>9,d} {sent:>9,d}  {tag:6}  {path[:90]}")
    worst = 0
    for zoom, seen in zip(ZOOMS, steps, strict=True):
        own = sum(b for p, (b, _) in seen.items() if _own(p))
        sent = sum(s for p, (_, s) in seen.items() if _own(p))
        worst = max(worst, own)
        print(f"zoom {zoom or 'fit':>4}: app's own {own:>9,d} bytes uncompressed, "
              f"{sent:>9,d} transferred; ratio to explore() {own / explore:.3f}")
    vendor = sum(b for p, (b, _) in final.items() if not _own(p))
    print(f"vendor libraries (not counted): {vendor:,d} bytes; explore() baseline {explore:,d}")
    print(f"budget {BUDGET:,d}: {'OK' if worst <= BUDGET else 'TOO HEAVY'}")
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
