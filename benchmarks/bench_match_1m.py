"""Read + match + aggregate a 1,000,000-row messy CSV, against pandas.read_csv on the same file.

    .venv/bin/python benchmarks/bench_match_1m.py [--rows 1000000] [--seed 0]

Prints the wall time of `pandas.read_csv` alone and of geoapp's read + match + aggregate on the
same file in the same process, their ratio (target <= 1.5), the time per distinct name, and the
peak memory of the process (target < 2 GB). Each timing is the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def write_messy_csv(path: Path, rows: int, seed: int) -> np.ndarray:
    """Write the messy file (semicolon, Indonesian numbers) and return the true kode per row."""
    from geoapp.sample_data import generate_messy_records

    frame, truth = generate_messy_records(rows, seed=seed)
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return truth


def best_of(repeat: int, func):  # noqa: ANN001, ANN201
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def geoapp_job(path: Path):  # noqa: ANN201
    from geoapp.aggregate import aggregate_kelurahan
    from geoapp.boundaries import load_boundaries
    from geoapp.layers import matched_kode
    from geoapp.pipeline import run_match

    run = run_match(path.read_bytes(), path.name)
    measures = {run.table.headers[p]: v for p, v in run.table.numeric.items()}
    layer = aggregate_kelurahan(matched_kode(run), measures, load_boundaries().frame)
    return run, layer


def accuracy(run, truth: np.ndarray) -> tuple[float, float]:  # noqa: ANN001
    status = np.asarray(run.result.status, dtype=object)
    kode = np.asarray(run.result.kode, dtype=object)
    matched = status == "matched"
    correct = matched & (kode == truth)
    return correct.mean(), (matched & (kode != truth)).mean()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "messy.csv"
        truth = write_messy_csv(path, args.rows, args.seed)
        size_mb = path.stat().st_size / 1e6
        # Warm up imports and the default gazetteer so neither side pays one-off costs.
        geoapp_job_small = Path(tmp) / "warm.csv"
        write_messy_csv(geoapp_job_small, 1000, args.seed + 1)
        geoapp_job(geoapp_job_small)
        base, frame = best_of(args.repeat, lambda: pd.read_csv(path, sep=";"))
        ours, (run, layer) = best_of(args.repeat, lambda: geoapp_job(path))
    distinct = run.table.cells[run.table.mapping.kelurahan].nunique() if run.table.mapping.kelurahan is not None else 0
    right, wrong = accuracy(run, truth)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {len(frame):,}  file: {size_mb:.1f} MB  distinct kelurahan spellings: {distinct:,}")
    print(f"pandas.read_csv          : {base:7.2f} s")
    print(f"geoapp read+match+agg    : {ours:7.2f} s")
    print(f"ratio (target <= 1.5)    : {ours / base:7.2f}")
    print(f"per distinct spelling    : {1000 * ours / max(distinct, 1):7.3f} ms")
    print(f"auto-matched correctly   : {100 * right:6.2f} %   wrongly: {100 * wrong:5.3f} %")
    print(f"ledger balanced          : {run.ledger['balanced']}   kelurahan with data: {int(layer['jumlah_baris'].gt(0).sum())}")
    print(f"peak memory (process)    : {peak_mb:7.0f} MB (target < 2048)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
