"""Page weight of the national map WITH figures, by zoom and by click, in real Chromium.

Run: ``.venv/bin/python benchmarks/bench_national_map_weight.py`` (needs ``chromium`` on PATH
and the ``playwright`` package). Builds a throw-away ``WILAYAH=ID`` instance, imports a seeded
synthetic UMKM file with one row per desa of DKI Jakarta, Jawa Barat and Banten (so the
figures requests carry real values), serves it on 127.0.0.1 and lets Chromium (1366x768)
walk four paths, each in a fresh page, counting every byte of the app's own as in
``bench_map_page_weight.py`` (page, app.css, map-levels.css/js, geoapp's map.js/map.css,
every ``/api/levels/...`` geometry and figures response; Leaflet and tiles apart):

- zoom: national view, then zoom 8, 10 and 12 over Jakarta (kabupaten/kota, kecamatan, desa
  of the parents in view), then one screen east at zoom 12;
- dense: straight to zoom 10 over Semarang (the most kabupaten/kota in one view);
- click: national view, click Jawa Barat, Kabupaten Bogor, its first kecamatan;
- layers: national view, then every layer of the chooser in turn.

Prints the cumulative bytes per step, uncompressed and transferred (gzip); the baseline is
the whole national desa layer served at once (``/api/batas.json`` of a WILAYAH=ID instance:
18.6 MB, benchmarks/README.md). Exits 1 when any path's cumulative uncompressed bytes exceed
the 1.5 MB budget at a zoom step (the pan step is reported, not budgeted).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench_map_page_weight import BUDGET, _own, recording_page  # noqa: E402

PROVINCES = ("31", "32", "36")
JAKARTA, SEMARANG = (-6.2, 106.82), (-7.0, 110.4)
WHOLE_LAYER = 18_600_000       # /api/batas.json of a WILAYAH=ID instance (README)


def umkm_csv(seed: int = 9) -> bytes:
    """One UMKM row per desa of PROVINCES (seeded counts and amounts, 10% empty)."""
    from geoapp.io.boundaries.national import read_desa

    desa = read_desa("ID")
    desa = desa[desa["kode"].str.slice(0, 2).isin(PROVINCES)]
    rng = np.random.default_rng(seed)
    lines = ["Kode Kelurahan,Kelurahan,Kecamatan,Jumlah Kelompok,Nilai Bantuan"]
    for kode, nama, kec in zip(desa["kode"], desa["nama"], desa["nama_kecamatan"], strict=True):
        n = int(rng.integers(0, 40))
        value = "" if rng.random() < 0.1 else str(n * 2_500_000)
        lines.append(f'{kode},"{nama}","{kec}",{n},{value}')
    return ("\n".join(lines) + "\n").encode("utf-8")


def serve(instance: Path):
    """A WILAYAH=ID app with the synthetic UMKM data; returns (url, stop)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from geoapp.imports.staging import ImportRequest, import_file
    from geoapp.web import create_app

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:
            pass

    app = create_app({"INSTANCE_PATH": str(instance), "WILAYAH": "ID",
                      "CREATE_DEFAULT_PLANNER": False})
    started = time.perf_counter()
    with app.app_context():
        from geoapp.web.db import get_db

        data = umkm_csv()
        import_file(get_db(), ImportRequest(program="umkm", data=data, filename="umkm.csv",
                                            title="UMKM (synthetic, benchmark)"))
    rows = data.count(b"\n") - 1
    print(f"imported {rows:,d} synthetic rows in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["geoapp_db"]["engine"].dispose()

    return f"http://127.0.0.1:{server.server_port}", stop


def settled(page, level: str, zoom: int | None = None, layer: str | None = None) -> None:
    """Wait until ``level`` is drawn (at ``zoom``, with ``layer``) and nothing is in flight."""
    check = f"c.dataset.level === '{level}'"
    if zoom is not None:
        check += f" && c.dataset.zoom === '{zoom}'"
    if layer is not None:
        check += f" && c.dataset.layer === '{layer}'"
    page.wait_for_function(
        "() => { const c = document.querySelector('[data-testid=levels-canvas]');"
        f" return {check} && (document.documentElement.dataset.fetching || '0') === '0'; }}",
        timeout=120_000)
    # responses are recorded in event handlers, which run while Playwright waits: give
    # them time (a benchmark, not a test; networkidle, once reached, stays reached)
    page.wait_for_timeout(500)


def set_view(page, center: tuple[float, float], zoom: int) -> None:
    page.evaluate("([lat, lon, z]) => window.geoappLevels.map.setView([lat, lon], z,"
                  " {animate: false})", [center[0], center[1], zoom])


def _total(seen: dict) -> tuple[int, int]:
    own = [(b, s) for p, (b, s) in seen.items() if _own(p)]
    return sum(b for b, _ in own), sum(s for _, s in own)


def walk_zoom(page, seen, base: str) -> list[tuple[str, tuple[int, int], bool]]:
    page.goto(base + "/")
    settled(page, "provinsi")
    steps = [("national view", _total(seen), True)]
    for zoom, level in ((8, "kabupaten"), (10, "kecamatan"), (12, "desa")):
        set_view(page, JAKARTA, zoom)
        settled(page, level, zoom)
        steps.append((f"zoom {zoom} over Jakarta ({level})", _total(seen), True))
    set_view(page, (JAKARTA[0], JAKARTA[1] + 0.5), 12)
    page.wait_for_function("() => window.geoappLevels.map.getCenter().lng > 107.2")
    settled(page, "desa", 12)
    steps.append(("zoom 12, one screen east (pan)", _total(seen), False))
    return steps


def walk_dense(page, seen, base: str) -> list[tuple[str, tuple[int, int], bool]]:
    page.goto(base + "/")
    settled(page, "provinsi")
    set_view(page, SEMARANG, 10)
    settled(page, "kecamatan", 10)
    return [("zoom 10 over Semarang (kecamatan)", _total(seen), True)]


def walk_click(page, seen, base: str) -> list[tuple[str, tuple[int, int], bool]]:
    page.goto(base + "/")
    settled(page, "provinsi")
    steps = [("national view", _total(seen), True)]
    for kode, level in (("32", "kabupaten"), ("32.01", "kecamatan"), ("32.01.01", "desa")):
        page.locator(f"path[data-kode='{kode}']").dispatch_event("click")
        settled(page, level)
        steps.append((f"click {kode} ({level})", _total(seen), True))
    return steps


def walk_layers(page, seen, base: str) -> list[tuple[str, tuple[int, int], bool]]:
    page.goto(base + "/")
    settled(page, "provinsi")
    keys = page.eval_on_selector_all("[data-testid=levels-layer] option", "os => os.map(o => o.value)")
    for key in keys:
        page.select_option("[data-testid=levels-layer]", key)
        settled(page, "provinsi", layer=key)
    return [(f"national view, {len(keys)} layers chosen in turn", _total(seen), True)]


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory(prefix="geoapp-national-figures-") as tmp:
        base, stop = serve(Path(tmp) / "instance")
        try:
            for name, walk in (("zoom", walk_zoom), ("dense", walk_dense), ("click", walk_click),
                               ("layers", walk_layers)):
                with recording_page(base) as (page, seen):
                    results.append((name, walk(page, seen, base)))
        finally:
            stop()
    worst = 0
    for name, steps in results:
        print(f"[{name}]")
        for label, (own, sent), budgeted in steps:
            worst = max(worst, own) if budgeted else worst
            print(f"  {label:>40}: app's own {own:>9,d} bytes uncompressed, {sent:>9,d} "
                  f"transferred; ratio to the whole desa layer {own / WHOLE_LAYER:.3f}"
                  + ("" if budgeted else "  (not budgeted)"))
    print(f"worst zoom step {worst:,d}; budget {BUDGET:,d}: "
          f"{'OK' if worst <= BUDGET else 'TOO HEAVY'}")
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
