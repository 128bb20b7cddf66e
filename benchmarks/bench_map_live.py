"""Time of one live map update (a year or kecamatan change) against a baseline in the same
process.

Run: ``.venv/bin/python benchmarks/bench_map_live.py``. Builds a throw-away instance with the
sample data (104 kelurahan of Kota Tangerang), then, through Flask's test client, changes the
kecamatan filter to each of the 13 kecamatan and the year to each sample year, one change at
a time, each for the first time (nothing of it cached), and requests what the live page
fetches for that change:

- ``all``: every area program's layer plus every point layer (what the page fetched before);
- ``shown``: the visible choropleth plus the switched-on point layers (what it fetches now;
  the other layers are fetched when they are shown or switched on).

Baseline, in the same process: serving ``/static/map-page.js`` through the same client and a
plain pandas groupby-sum over 104 kelurahan x 1,000 rows. Prints median milliseconds and the
ratios. No budget is enforced (timings vary with the machine).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from sample_app import build_template, dispose_app, make_app  # noqa: E402

AREA_KEYS = ("umkm-kelompok-km2", "blk-peserta", "kwt-bibit", "jobfair-lowongan")
POINT_KEYS = ("kwt-titik", "ecofarm-titik", "kampung-tematik")
SHOWN = ("umkm-kelompok-km2", "kampung-tematik")


def _ms(func, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        func()
    return (time.perf_counter() - start) * 1000 / repeat


def _fetch(client, keys, query: str) -> None:
    for key in keys:
        response = client.get(f"/api/map/{key}.json?{query}")
        if response.status_code != 200:
            raise SystemExit(f"{key}?{query}: HTTP {response.status_code}")


def _changes(client) -> list[str]:
    kec = client.get("/api/map/umkm-kelompok-km2.json").get_json()
    codes = sorted({k[:8] for k in kec["kel"]["kode"]})
    return [f"kecamatan={c}" for c in codes] + [f"year={y}" for y in (2020, 2021)]


def _baselines(client) -> tuple[float, float]:
    static = statistics.median(_ms(lambda: client.get("/static/map-page.js").close())
                               for _ in range(20))
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"kode": rng.integers(0, 104, 1000), "v": rng.random(1000)})
    groupby = statistics.median(_ms(lambda: frame.groupby("kode")["v"].sum()) for _ in range(20))
    return static, groupby


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(build_template(Path(tmp)))
        try:
            client = app.test_client()
            _fetch(client, AREA_KEYS + POINT_KEYS, "")          # the first page view, warm
            changes = _changes(client)
            half = len(changes) // 2
            every = [_ms(lambda q=q: _fetch(client, AREA_KEYS + POINT_KEYS, q))
                     for q in changes[:half]]
            shown = [_ms(lambda q=q: _fetch(client, SHOWN, q)) for q in changes[half:]]
            static, groupby = _baselines(client)
        finally:
            dispose_app(app)
    all_ms, shown_ms = statistics.median(every), statistics.median(shown)
    print(f"baseline static file   {static:8.2f} ms")
    print(f"baseline pandas groupby{groupby:8.2f} ms")
    print(f"live update, all 7 layers fetched       {all_ms:8.1f} ms "
          f"({all_ms / static:6.0f}x static, {all_ms / groupby:6.0f}x groupby)")
    print(f"live update, shown layers only (2)      {shown_ms:8.1f} ms "
          f"({shown_ms / static:6.0f}x static, {shown_ms / groupby:6.0f}x groupby)")


if __name__ == "__main__":
    main()
