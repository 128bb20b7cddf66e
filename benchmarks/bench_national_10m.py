"""10,000,000 national rows read + matched + aggregated, against pyarrow.csv.read_csv.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_national_10m.py [--rows 10000000]
                                                                    [--profile]

Writes the CSV once into ``benchmarks/out/`` (seed 5) and reuses it: each row is a desa
drawn from the 83,253 shipped desa, with ``provinsi`` (full, upper case or abbreviated),
``kabupaten_kota`` (``Kab. X``, ``KAB X``, ``X``, ``Kota X`` ...), ``kecamatan`` (full, upper,
``Kec. X`` or empty), ``desa`` (as written or upper case; 2 % of desa always written with one
letter dropped): each kabupaten's rows in one style (a national file is compiled from the
offices' reports), 1 % of rows in a style drawn apart. ``kode_desa``: the dotted code on 60 %
of rows, empty on the rest; ``jumlah`` and ``nilai`` (Indonesian thousands ``1.234.500``);
0.1 % of rows have no desa, 0.1 % a desa that does not exist; quote marks only where needed
(as spreadsheets export). Then, each in its own child process (peak memory = that process's
``ru_maxrss``):

- baseline: ``pyarrow.csv.read_csv`` of the file;
- geoapp: the matcher's index over the country, ``run_match`` (read + match + ledger, what
  ``geoapp match FILE --wilayah ID`` runs) and ``aggregate_kelurahan`` of the measures.

Prints seconds, peak GB, the ratio, and the ledger and accuracy against the drawn codes.
Targets (issue #9): <= 60 s and <= 8 GB on the 2-core machine. ``--profile`` runs the geoapp
side under cProfile instead (use on 1,000,000 rows) and prints the top functions.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from child_rss import emit, run_child

OUT = Path(__file__).resolve().parent / "out"
SEED = 5


def _typo(name: str) -> str:
    i = len(name) // 2
    return name[:i] + name[i + 1:] if len(name) > 6 else name


def _kab_styles(nama: str) -> list[str]:
    kota = nama.startswith("Kota ")
    base = nama.split(" ", 1)[1]
    return [nama, nama.upper(), base, base.upper(), ("Kota " if kota else "Kab. ") + base,
            ("KOTA " if kota else "KAB ") + base.upper()]


def write_file(rows: int) -> tuple[Path, Path]:
    """The cached CSV and its true codes (``.npy``, "" where none) for ``rows`` rows."""
    import pandas as pd

    from geoapp.io.boundaries.national import gazetteer_frame, read_desa
    from geoapp.matching.region_abbreviations import PROVINSI
    path, truth_path = OUT / f"national_{rows}_{SEED}.csv", OUT / f"national_{rows}_{SEED}.npy"
    if path.exists() and truth_path.exists():
        return path, truth_path
    names = gazetteer_frame().set_index("kode")["nama"].to_dict()
    province = {n: k for k, n in names.items() if len(k) == 2}
    abbr = {province[n]: a.upper() if len(a) <= 3 else a.title()     # NTB, DIY, Jatim, Sumut
            for a, n in PROVINSI.items() if len(a) <= 7 and " " not in a}
    desa = read_desa("ID")[["kode", "nama"]].reset_index(drop=True)
    kode = desa["kode"].to_numpy(dtype=object)
    rng = np.random.default_rng(SEED)
    typo = rng.random(len(desa)) < 0.02
    desa_v = np.array([[_typo(n), _typo(n)] if t else [n, n.upper()]
                       for n, t in zip(desa["nama"], typo, strict=True)], dtype=object)
    prov_v = np.array([[names[k[:2]], names[k[:2]].upper(), abbr.get(k[:2], names[k[:2]])]
                       for k in kode], dtype=object)
    kab_v = np.array([_kab_styles(names[k[:5]]) for k in kode], dtype=object)
    kec_v = np.array([[names.get(k[:8], "")] * 2 + [names.get(k[:8], "").upper(),
                      "Kec. " + names.get(k[:8], ""), ""] for k in kode], dtype=object)
    pick = rng.integers(0, len(desa), rows)
    # each kabupaten's office writes its names one way; 1 % of rows in another way
    kab_id = np.unique(np.array([k[:5] for k in kode]), return_inverse=True)[1]
    style = rng.integers(0, 60, (kab_id.max() + 1, 4))[kab_id[pick]]
    other = rng.random(rows) < 0.01
    style[other] = rng.integers(0, 60, (other.sum(), 4))
    written = desa_v[pick, style[:, 0] % 2]
    mess = rng.random(rows)
    written[mess < 0.001] = ""
    written[(mess >= 0.001) & (mess < 0.002)] = "Desa Tidak Ada Di Mana Pun"
    codes = np.where(rng.random(rows) < 0.6, kode[pick], "").astype(object)
    amounts = np.array([f"{v:,}".replace(",", ".") for v in range(1000, 2_001_000, 2000)],
                       dtype=object)
    frame = pd.DataFrame({
        "provinsi": prov_v[pick, style[:, 1] % 3], "kabupaten_kota": kab_v[pick, style[:, 2] % 6],
        "kecamatan": kec_v[pick, style[:, 3] % 5], "desa": written, "kode_desa": codes,
        "jumlah": rng.integers(1, 10, rows), "nilai": amounts[rng.integers(0, len(amounts), rows)],
    })
    OUT.mkdir(exist_ok=True)
    # quote marks only where a value needs them (two desa names hold a comma), as
    # spreadsheets export; written in chunks to bound memory
    with path.open("w", encoding="utf-8", newline="") as out:
        for start in range(0, rows, 1_000_000):
            frame.iloc[start:start + 1_000_000].to_csv(out, index=False, header=start == 0)
    truth = kode[pick].copy()
    truth[mess < 0.002] = ""
    np.save(truth_path, truth.astype(str))
    return path, truth_path


def child_arrow(path: Path) -> dict:
    import pyarrow.csv as pacsv
    start = time.perf_counter()
    table = pacsv.read_csv(path)
    return {"seconds": time.perf_counter() - start, "rows": table.num_rows}


def geoapp_job(path: Path) -> dict:
    from geoapp.figures.aggregate import aggregate_kelurahan
    from geoapp.imports.pipeline import MatchOptions, run_match
    from geoapp.imports.run_layer import matched_kode
    from geoapp.io.boundaries.national import read_desa
    from geoapp.matching.gazetteer import Gazetteer
    times, start = {}, time.perf_counter()
    desa = read_desa("ID")
    gaz = Gazetteer.from_boundaries(desa)
    times["index"] = time.perf_counter() - start
    run = run_match(path.read_bytes(), path.name, MatchOptions(lang="en"), boundaries=gaz)
    times["read_match"] = time.perf_counter() - start - times["index"]
    measures = {run.table.headers[p]: v for p, v in run.table.numeric.items()}
    layer = aggregate_kelurahan(matched_kode(run), measures, desa)
    times["seconds"] = time.perf_counter() - start
    times["aggregate"] = times["seconds"] - times["index"] - times["read_match"]
    return {**times, "run": run, "layer": layer}


def child_geoapp(path: Path, truth_path: Path) -> dict:
    out = geoapp_job(path)
    run, layer = out.pop("run"), out.pop("layer")
    truth = np.load(truth_path).astype(object)
    status = np.asarray(run.result.status, dtype=object)
    kode = np.asarray(run.result.kode, dtype=object)
    matched = status == "matched"
    return {**out, "rows": len(status), "balanced": bool(run.ledger["balanced"]),
            "right": int((matched & (kode == truth)).sum()),
            "wrong": int((matched & (kode != truth)).sum()),
            "desa_with_data": int(layer["jumlah_baris"].gt(0).sum())}


def profile(path: Path) -> None:
    import cProfile
    import pstats
    cProfile.runctx("geoapp_job(path)", globals(), {"path": path}, "/tmp/national.prof")
    pstats.Stats("/tmp/national.prof").sort_stats("tottime").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", choices=["arrow", "geoapp"])
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        path = Path(args.file)
        if args.child == "arrow":
            return emit(child_arrow(path))
        return emit(child_geoapp(path, path.with_suffix(".npy")))
    path, _ = write_file(args.rows)
    if args.profile:
        return profile(path)
    print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB ({path})", flush=True)
    base, base_gb = run_child([__file__, "--child", "arrow", "--file", str(path)])
    mine, mine_gb = run_child([__file__, "--child", "geoapp", "--file", str(path)])
    n = mine["rows"]
    print(f"pyarrow.csv.read_csv: {base['seconds']:.2f} s, peak {base_gb:.2f} GB")
    print(f"geoapp: {mine['seconds']:.2f} s (index {mine['index']:.2f} s, read+match+ledger "
          f"{mine['read_match']:.2f} s, aggregate {mine['aggregate']:.2f} s), peak {mine_gb:.2f} GB")
    print(f"ratio geoapp / pyarrow: {mine['seconds'] / base['seconds']:.1f}; targets <= 60 s: "
          f"{'met' if mine['seconds'] <= 60 else 'NOT met'}, <= 8 GB: "
          f"{'met' if mine_gb <= 8 else 'NOT met'}")
    print(f"rows {n:,}; ledger balanced {mine['balanced']}; right {mine['right'] / n:.2%}, "
          f"wrong {mine['wrong'] / n:.3%}; desa with data {mine['desa_with_data']:,}")
    sys.exit(0 if mine["balanced"] else 1)


if __name__ == "__main__":
    main()
