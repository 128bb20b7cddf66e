"""10,000,000 points to the 83,253 shipped desa: geoapp against geopandas.sjoin.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_points_national.py [--points 10000000]
                                                                       [--chunk 1000000]

Draws the points once (seed 11) into ``benchmarks/out/`` and reuses them: 95 % at a uniform
place inside the bounding box of a desa drawn at random (so many fall where neighbouring desa
overlap), 5 % anywhere in Indonesia's bounding box (mostly sea: in no desa). Then, each in
its own child process (its peak memory is that process's ``ru_maxrss``), times:

- baseline: ``geopandas.sjoin(points, desa, predicate="intersects")`` (points from
  ``points_from_xy``), which returns one row per (point, desa) pair;
- geoapp: ``matching.spatial.assign_points`` (what ``locate_points`` and so the matcher run),
  one desa per point.

Loading the desa is outside both timings. Prints time, peak memory, the ratio, how many
points each counts more than once, and checks that both agree on every point sjoin puts in
exactly one desa (and on the points it puts in none).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from child_rss import emit, run_child

OUT = Path(__file__).resolve().parent / "out"
SEED = 11


def desa_frame():  # noqa: ANN201
    import geopandas as gpd

    from geoapp.io.boundaries.national import DESA_FILE, national_path
    return gpd.read_parquet(national_path(DESA_FILE))


def make_points(n: int) -> Path:
    """The cached points file for ``n`` points (drawn once)."""
    path = OUT / f"points_{n}_{SEED}.npz"
    if path.exists():
        return path
    import shapely
    bounds = shapely.bounds(np.asarray(desa_frame().geometry.values))
    rng = np.random.default_rng(SEED)
    pick = rng.integers(0, len(bounds), n)
    b = bounds[pick]
    lon = b[:, 0] + rng.random(n) * (b[:, 2] - b[:, 0])
    lat = b[:, 1] + rng.random(n) * (b[:, 3] - b[:, 1])
    sea = rng.random(n) < 0.05
    lon[sea] = rng.uniform(95.0, 141.0, sea.sum())
    lat[sea] = rng.uniform(-11.0, 6.0, sea.sum())
    OUT.mkdir(exist_ok=True)
    np.savez(path, lon=lon, lat=lat)
    return path


def child_sjoin(points: Path, out: Path) -> dict:
    import geopandas as gpd
    desa = desa_frame()[["geometry"]]
    data = np.load(points)
    start = time.perf_counter()
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(data["lon"], data["lat"]), crs=desa.crs)
    joined = gpd.sjoin(frame, desa, predicate="intersects")
    seconds = time.perf_counter() - start
    hits = np.bincount(joined.index.to_numpy(), minlength=len(frame))
    per_point = np.full(len(frame), -1, dtype="int64")
    per_point[joined.index.to_numpy()] = joined["index_right"].to_numpy()
    per_point[hits > 1] = -2
    np.save(out, per_point)
    return {"seconds": seconds, "rows": len(joined), "twice": int((hits > 1).sum()),
            "extra_rows": int((hits[hits > 1] - 1).sum())}


def child_geoapp(points: Path, out: Path, chunk: int) -> dict:
    from geoapp.matching.spatial import assign_points
    desa = desa_frame()
    geometry = np.asarray(desa.geometry.values, dtype=object)
    rank = np.argsort(np.argsort(desa["kode"].to_numpy(dtype=str), kind="stable"))
    data = np.load(points)
    lon, lat = data["lon"], data["lat"]
    start = time.perf_counter()
    found = assign_points(geometry, lon, lat, rank=rank, chunk=chunk)
    seconds = time.perf_counter() - start
    np.save(out, found.index)
    # reconcile: points per desa plus points in none must add up to the points given
    inside = found.index[found.index >= 0]
    per_desa = np.bincount(inside, minlength=len(geometry))
    twice = int(per_desa.sum() + (found.index < 0).sum() - len(lon))
    return {"seconds": seconds, "rows": len(inside), "twice": twice,
            "overlap": int(found.overlap.sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--chunk", type=int, default=1_000_000)
    parser.add_argument("--child", choices=["sjoin", "geoapp"])
    parser.add_argument("--file")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child == "sjoin":
        return emit(child_sjoin(Path(args.file), Path(args.out)))
    if args.child == "geoapp":
        return emit(child_geoapp(Path(args.file), Path(args.out), args.chunk))
    points = make_points(args.points)
    print(f"{args.points:,} points ({points}), 83,253 desa", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        base, base_gb = run_child([__file__, "--child", "sjoin", "--file", str(points),
                                   "--out", f"{tmp}/sjoin.npy"])
        mine, mine_gb = run_child([__file__, "--child", "geoapp", "--file", str(points),
                                   "--out", f"{tmp}/geoapp.npy", "--chunk", str(args.chunk)])
        report(base, base_gb, mine, mine_gb, np.load(f"{tmp}/sjoin.npy"), np.load(f"{tmp}/geoapp.npy"))


def report(base: dict, base_gb: float, mine: dict, mine_gb: float,
           sjoin_pt: np.ndarray, geoapp_pt: np.ndarray) -> None:
    once = sjoin_pt >= -1
    differ = int((sjoin_pt[once] != geoapp_pt[once]).sum())
    print(f"geopandas.sjoin: {base['seconds']:.2f} s, peak {base_gb:.2f} GB, "
          f"{base['rows']:,} rows; points counted more than once: {base['twice']:,} "
          f"({base['extra_rows']:,} extra rows)")
    print(f"geoapp assign_points: {mine['seconds']:.2f} s, peak {mine_gb:.2f} GB, "
          f"{mine['rows']:,} points in a desa; points counted more than once: {mine['twice']:,} "
          f"({mine['overlap']:,} points in overlaps, each given to one desa)")
    print(f"ratio geoapp / sjoin: {mine['seconds'] / base['seconds']:.2f}")
    print(f"points where sjoin gives one desa or none and geoapp differs: {differ:,}")
    if differ or mine["twice"] or (sjoin_pt == -2).sum() != mine["overlap"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
