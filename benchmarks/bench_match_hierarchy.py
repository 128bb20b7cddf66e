"""National matching with and without the kabupaten/provinsi columns, in one process.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_match_hierarchy.py [--rows 20000]

Draws rows from the shipped national gazetteer (geoapp/data/national), writes provinsi
(full or abbreviated), kabupaten/kota (``Kab. X``, ``KAB X``, ``X``, ``Kota X``, ``Kep.``,
``Kota Adm.``, colloquial short forms such as ``Tangsel``) and
kecamatan in mixed styles, with a typo in some desa names, then matches the same CSV
against the whole country (what ``geoapp match FILE --wilayah ID`` does) twice:
"before" with the kabupaten/provinsi columns switched off (the matcher as it was) and
"after" using them. Prints the time of each as a ratio to ``pandas.read_csv`` of the same
bytes, and the accuracy (right / wrong / review+unmatched) against the drawn codes. Also
prints the time to read the national desa and build the matcher index.
"""

from __future__ import annotations

import argparse
import io
import random
import time

import pandas as pd

from geoapp.imports.pipeline import MatchOptions, run_match
from geoapp.io.boundaries.national import gazetteer_frame, read_desa
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.hierarchy import abbreviation_codes

ABBREVIATION = {code: abbr for abbr, code in abbreviation_codes()[1].items() if len(abbr) <= 7}


def _typo(name: str, rng: random.Random) -> str:
    i = rng.randrange(1, max(2, len(name) - 1))
    return name[:i] + name[i + 1:] if len(name) > 6 else name


SHORT_KAB = {code: short for short, code in abbreviation_codes()[0].items()}


def _kab_style(code: str, nama: str, rng: random.Random) -> str:
    """The kabupaten/kota as files write it: full, upper case, without or with a short
    ``Kab.``/``Kota``, ``Kep.`` for Kepulauan, ``Adm.`` for Administrasi, or the
    colloquial short form (``Tangsel``, ``Jaksel``) where there is one."""
    nama = nama.strip()
    kota = nama.startswith("Kota ")
    base = nama.split(" ", 1)[1]
    styles = [nama, nama.upper(), base, base.upper(), ("Kota " if kota else "Kab. ") + base,
              ("KOTA " if kota else "KAB ") + base.upper()]
    if "Kepulauan" in nama or "Administrasi" in nama:
        styles.append(nama.replace("Kepulauan", "Kep.").replace("Administrasi", "Adm."))
    if code in SHORT_KAB:
        styles.append(SHORT_KAB[code].capitalize() if len(SHORT_KAB[code]) > 3
                      else SHORT_KAB[code].upper())
    return rng.choice(styles)


def national_file(rows: int, seed: int) -> tuple[bytes, list[str]]:
    rng = random.Random(seed)
    names = gazetteer_frame().set_index("kode")["nama"].to_dict()
    desa = read_desa("ID")[["kode", "nama"]].reset_index(drop=True)
    picks = [rng.randrange(len(desa)) for _ in range(rows)]
    out, truth = [], []
    for p in picks:
        kode, nama = desa["kode"][p], desa["nama"][p]
        prov = names[kode[:2]]
        prov = rng.choice([prov, prov.upper(), ABBREVIATION.get(kode[:2], prov)])
        kec = names.get(kode[:8], "")
        kec = rng.choice([kec, kec.upper(), "Kec. " + kec, ""])
        written = _typo(nama, rng) if rng.random() < 0.05 else rng.choice([nama, nama.upper()])
        out.append((prov, _kab_style(kode[:5], names[kode[:5]], rng), kec, written,
                    rng.randint(1, 9)))
        truth.append(kode)
    frame = pd.DataFrame(out, columns=["provinsi", "kabupaten_kota", "kecamatan", "desa",
                                       "jumlah"])
    return frame.to_csv(index=False).encode(), truth


def accuracy(result, truth: list[str]) -> str:
    right = sum(1 for k, t in zip(result.kode, truth, strict=True) if k == t)
    wrong = sum(1 for k, t in zip(result.kode, truth, strict=True) if k is not None and k != t)
    n = len(truth)
    return (f"right {right} ({100 * right / n:.2f}%), wrong {wrong} ({100 * wrong / n:.2f}%), "
            f"review/unmatched {n - right - wrong} ({100 * (n - right - wrong) / n:.2f}%)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    data, truth = national_file(args.rows, args.seed)
    start = time.perf_counter()
    desa = read_desa("ID")
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    gaz = Gazetteer.from_boundaries(desa)
    index_s = time.perf_counter() - start
    print(f"national desa read {read_s:.2f} s; matcher index over {len(gaz):,} desa "
          f"built in {index_s:.2f} s")
    start = time.perf_counter()
    pd.read_csv(io.BytesIO(data))
    base = time.perf_counter() - start
    for label, columns in (("before (no kabupaten/provinsi)",
                            {"kabupaten": None, "provinsi": None}), ("after", {})):
        start = time.perf_counter()
        run = run_match(data, "national.csv", MatchOptions(columns=columns, lang="en"),
                        boundaries=gaz)
        took = time.perf_counter() - start
        print(f"{label}: {took:.2f} s = {took / base:.0f}x pandas.read_csv ({base:.3f} s); "
              f"{accuracy(run.result, truth)}")


if __name__ == "__main__":
    main()
