"""Page weight of the geoapp map against GeoDataFrame.explore() for the same 4 choropleths.

Run: ``.venv/bin/python benchmarks/bench_map_page_weight.py``. Prints both sizes (uncompressed
bytes of the page plus any data it fetches from the app; vendor Leaflet files excluded on both
sides; geoapp's own map.js/map.css are counted) and exits 1 when the ratio is above 0.20.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geoapp.maps import ChoroplethSpec, boundaries_json, render_map_html  # noqa: E402
from geoapp.maps.assets import GEOAPP_CSS, GEOAPP_JS, vendor_files  # noqa: E402

BOUNDARIES = ROOT / "data" / "boundaries"
COLUMNS = ("umkm_penerima", "blk_peserta", "kwt_anggota", "umkm_bantuan_rp")
LIMIT = 0.20


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
    """Size of the geoapp page, its own JS/CSS and (with via_url) the fetched boundaries."""
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


def measure() -> dict[str, float]:
    """Both sizes and their ratios, built in this process."""
    kel, kec = sample_layers()
    explore = explore_bytes(kel)
    inline = geoapp_bytes(kel, kec)
    fetched = geoapp_bytes(kel, kec, via_url=True)
    return {"explore": explore, "geoapp_inline": inline, "geoapp_url": fetched,
            "ratio_inline": inline / explore, "ratio_url": fetched / explore}


def main() -> int:
    r = measure()
    print(f"explore() page, 4 choropleths:          {r['explore']:>9,} bytes")
    print(f"geoapp page, geometry inline:           {r['geoapp_inline']:>9,} bytes"
          f"  ratio {r['ratio_inline']:.3f}")
    print(f"geoapp page + fetched boundaries_url:   {r['geoapp_url']:>9,} bytes"
          f"  ratio {r['ratio_url']:.3f}")
    worst = max(r["ratio_inline"], r["ratio_url"])
    print(f"limit {LIMIT:.2f}: {'OK' if worst <= LIMIT else 'TOO HEAVY'}")
    return 0 if worst <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
