"""Loading the national desa boundaries shipped with geoapp, against geopandas.read_parquet.

    .venv/bin/python benchmarks/bench_national_boundaries.py --repeat 3

Times, in one process, ``geopandas.read_parquet`` of the shipped ``desa.parquet`` (the
baseline) against geoapp's ``BoundaryFiles.for_wilayah("ID").boundaries()`` (what
``--wilayah ID`` loads: all 83,253 desa with the standard columns and the load report),
first load and cached, then one kabupaten/kota (``36.74``) and one province (``36``), which
read only the row groups of their codes. Prints each as a ratio to the baseline. Also builds
the matcher's index on the whole country (``--wilayah ID``) and prints its time.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd

from geoapp.io.boundaries import BoundaryFiles
from geoapp.io.boundaries import defaults as boundary_defaults
from geoapp.io.boundaries.national import DESA_FILE, national_path


def best_of(repeat: int, func) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value


def uncached(wilayah: str):
    boundary_defaults._cached_national.cache_clear()
    return BoundaryFiles.for_wilayah(wilayah).boundaries()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = national_path(DESA_FILE)
    print(f"file: {path} ({path.stat().st_size:,} bytes)")
    # the baseline and the first load alternate, so that both see the same machine load
    base, first = float("inf"), float("inf")
    for _ in range(args.repeat):
        seconds, frame = best_of(1, lambda: gpd.read_parquet(path))
        base = min(base, seconds)
        first = min(first, best_of(1, lambda: uncached("ID"))[0])
    print(f"baseline geopandas.read_parquet: {base:.3f} s ({len(frame):,} rows)")
    print(f"geoapp --wilayah ID, first load: {first:.3f} s, ratio {first / base:.2f}")
    rows = [("geoapp --wilayah ID, cached (copy)", lambda: BoundaryFiles.for_wilayah("ID").boundaries()),
            ("geoapp --wilayah 36 (Banten)", lambda: uncached("36")),
            ("geoapp --wilayah 36.74", lambda: uncached("36.74"))]
    for label, func in rows:
        seconds, bset = best_of(args.repeat, func)
        print(f"{label}: {seconds:.3f} s, {len(bset.frame):,} desa, ratio {seconds / base:.2f}")
    from geoapp.matching.gazetteer import Gazetteer

    frame = BoundaryFiles.for_wilayah("ID").boundaries().frame
    seconds, _ = best_of(1, lambda: Gazetteer.from_boundaries(frame))
    print(f"matcher index on 83,253 desa (Gazetteer.from_boundaries): {seconds:.3f} s, "
          f"ratio {seconds / base:.2f}")
    _index_cache(frame, base)


def _index_cache(frame, base: float) -> None:
    """The same index read back from the disk cache of later runs (a temporary folder)."""
    import os
    import tempfile

    from geoapp.matching.gazetteer import Gazetteer
    from geoapp.matching.index_cache import cached_gazetteer

    with tempfile.TemporaryDirectory() as folder:
        os.environ["GEOAPP_CACHE_DIR"] = folder
        identity = ("bench", len(frame))
        written, _ = best_of(1, lambda: cached_gazetteer(identity, frame, Gazetteer.from_boundaries))
        read, _ = best_of(3, lambda: cached_gazetteer(identity, frame, Gazetteer.from_boundaries))
    print(f"matcher index, first run (build + write the cache): {written:.3f} s; "
          f"later runs (read the cache): {read:.3f} s, ratio {read / base:.2f}")


if __name__ == "__main__":
    main()
