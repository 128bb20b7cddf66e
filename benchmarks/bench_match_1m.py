"""Read + match + aggregate a 1,000,000-row messy CSV, against pandas.read_csv on the same file.

    .venv/bin/python benchmarks/bench_match_1m.py [--rows 1000000] [--seed 0] [--repeat 2]
                                                  [--coords 0.5] [--stages]

Prints the wall time of `pandas.read_csv` alone and of geoapp's read + match + aggregate on the
same file in the same process, their ratio (target <= 1.5), the time per distinct name, and the
peak memory of the process (target < 2 GB). Each timing is the best of --repeat runs; the CPU
time of the same runs is printed too (it is steadier than wall time on a busy machine).
It also times pyarrow's parse of the file with every column kept as text (plain strings,
then dictionary strings): no reader that keeps the original cell texts can do less, so its
ratio is a floor under geoapp's. ``--coords SHARE`` adds Lintang/Bujur columns filled on that share of the rows, so point
location is part of the run; ``--stages`` also times read, match, ledger and aggregate apart.
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


def write_messy_csv(path: Path, rows: int, seed: int, coord_share: float = 0.0) -> np.ndarray:
    """Write the messy file (semicolon, Indonesian numbers) and return the true kode per row."""
    from geoapp.sample import generate_messy_records

    frame, truth = generate_messy_records(rows, seed=seed, coord_share=coord_share)
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return truth


def best_of(repeat: int, func):  # noqa: ANN001, ANN201
    """(best wall time, best CPU time, last result) of ``repeat`` runs."""
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        result = None
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return best, cpu, result


def stage_times(path: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Best wall and CPU time of each stage of ``geoapp_job`` on its own."""
    from geoapp.figures.aggregate import aggregate_kelurahan
    from geoapp.imports.ledger import build_ledger
    from geoapp.imports.pipeline import gazetteer_for, match_table
    from geoapp.io.boundaries import load_boundaries
    from geoapp.io.records.reader import read_records

    data, gaz, frame = path.read_bytes(), gazetteer_for(None), load_boundaries().frame
    wall, cpu, table = best_of(repeat, lambda: read_records(data, path.name))
    out = {"read_records": (wall, cpu)}
    wall, cpu, (result, _) = best_of(repeat, lambda: match_table(table, gaz))
    out["match_table"] = (wall, cpu)
    out["build_ledger"] = best_of(repeat, lambda: build_ledger(table, result))[:2]
    kode = np.where(np.asarray(result.status, dtype=object) == "matched", result.kode, None)
    measures = {table.headers[p]: v for p, v in table.numeric.items()}
    out["aggregate_kelurahan"] = best_of(repeat, lambda: aggregate_kelurahan(kode, measures, frame))[:2]
    return out


def text_parse(path: Path, dictionary: bool):  # noqa: ANN201
    """pyarrow's parse of the file keeping every cell's text (plain or dictionary strings):
    the least any reader that keeps the original texts must do."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    kind = pa.dictionary(pa.int32(), pa.string()) if dictionary else pa.string()
    names = path.open(encoding="utf-8").readline().rstrip("\n").split(";")
    return pacsv.read_csv(
        path, parse_options=pacsv.ParseOptions(delimiter=";"),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, kind),
                                             strings_can_be_null=False, null_values=[]))


def geoapp_job(path: Path):  # noqa: ANN201
    from geoapp.figures.aggregate import aggregate_kelurahan
    from geoapp.imports.pipeline import run_match
    from geoapp.imports.run_layer import matched_kode
    from geoapp.io.boundaries import load_boundaries

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
    parser.add_argument("--coords", type=float, default=0.0, metavar="SHARE",
                        help="share of rows with Lintang/Bujur (0 = no coordinate columns)")
    parser.add_argument("--stages", action="store_true", help="also time each stage apart")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "messy.csv"
        truth = write_messy_csv(path, args.rows, args.seed, args.coords)
        size_mb = path.stat().st_size / 1e6
        # Warm up imports and the default gazetteer so neither side pays one-off costs.
        geoapp_job_small = Path(tmp) / "warm.csv"
        write_messy_csv(geoapp_job_small, 1000, args.seed + 1, args.coords)
        geoapp_job(geoapp_job_small)
        base, base_cpu, frame = best_of(args.repeat, lambda: pd.read_csv(path, sep=";"))
        ours, ours_cpu, (run, layer) = best_of(args.repeat, lambda: geoapp_job(path))
        floors = {dictionary: best_of(args.repeat, lambda d=dictionary: text_parse(path, d))[:2]
                  for dictionary in (False, True)}
        stages = stage_times(path, args.repeat) if args.stages else {}
    distinct = run.table.cells[run.table.mapping.kelurahan].nunique() if run.table.mapping.kelurahan is not None else 0
    right, wrong = accuracy(run, truth)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {len(frame):,}  file: {size_mb:.1f} MB  distinct kelurahan spellings: {distinct:,}"
          f"  coordinates: {args.coords:.0%} of rows")
    print(f"pandas.read_csv          : {base:7.2f} s   (CPU {base_cpu:5.2f} s)")
    print(f"geoapp read+match+agg    : {ours:7.2f} s   (CPU {ours_cpu:5.2f} s)")
    print(f"ratio (target <= 1.5)    : {ours / base:7.2f}     (CPU {ours_cpu / base_cpu:5.2f})")
    for dictionary, (wall, cpu) in floors.items():
        name = "dictionary strings" if dictionary else "plain strings"
        print(f"  text-keeping parse alone, pyarrow {name:18s}: {wall:5.2f} s (CPU {cpu:5.2f} s)"
              f"  ratio {wall / base:5.2f} (CPU {cpu / base_cpu:5.2f})")
    for name, (wall, cpu) in stages.items():
        print(f"  {name:22s} : {wall:7.2f} s   (CPU {cpu:5.2f} s)")
    print(f"per distinct spelling    : {1000 * ours / max(distinct, 1):7.3f} ms")
    print(f"auto-matched correctly   : {100 * right:6.2f} %   wrongly: {100 * wrong:5.3f} %")
    print(f"ledger balanced          : {run.ledger['balanced']}   kelurahan with data: {int(layer['jumlah_baris'].gt(0).sum())}")
    print(f"peak memory (process)    : {peak_mb:7.0f} MB (target < 2048)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
