"""Fuzzy name lookups with a known kecamatan: the kecamatan's members first, against a
search of the whole gazetteer (what every fuzzy lookup did before), in the same process.

    .venv/bin/python benchmarks/bench_resolve_pool.py [--desa 83000] [--lookups 3000]
                                                      [--gazetteer kode_wilayah.csv]

Builds a national-size gazetteer (synthetic names from Indonesian syllables, ~12 desa per
kecamatan; or a Kemendagri list ``kode,nama,tingkat`` given with --gazetteer), then
resolves misspelt desa names each written with its kecamatan. Prints both times, the
ratio (baseline / pool-first; > 1 is faster) and whether every outcome is the same.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import pandas as pd

SYLLABLES = ("ci", "su", "ka", "ra", "ma", "ja", "ya", "ba", "to", "ng", "an", "ga", "sa",
             "ri", "pa", "du", "le", "wa", "ti", "ko", "mu", "ne", "gu", "di", "ha", "la")
WORDS = ("", "", "", " jaya", " baru", " utara", " selatan", " indah", " sari", " hilir")


def synthetic(desa: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    rows, seen = [], set()
    while len(rows) < desa:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        name = (name + rng.choice(WORDS)).title()
        kab, n = divmod(len(rows), 12 * 30)
        kec, d = divmod(n, 12)
        kode = f"{11 + kab // 99:02d}.{kab % 99 + 1:02d}.{kec + 1:02d}.{2001 + d}"
        if (name, kode[:8]) in seen:
            continue
        seen.add((name, kode[:8]))
        rows.append((kode, name, kode[:8], f"Kec {kode[:8]}"))
    return pd.DataFrame(rows, columns=["kode", "nama", "kode_kecamatan", "nama_kecamatan"])


def from_list(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str)
    names = dict(zip(frame["kode"], frame["nama"], strict=True))
    desa = frame[frame["tingkat"] == "desa_kelurahan"]
    kec = desa["kode"].str.slice(0, 8)
    return pd.DataFrame({"kode": desa["kode"], "nama": desa["nama"], "kode_kecamatan": kec,
                         "nama_kecamatan": kec.map(names).fillna("")})


def typo(name: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1:] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--desa", type=int, default=83000)
    parser.add_argument("--lookups", type=int, default=3000)
    parser.add_argument("--gazetteer", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from geoapp.matching import resolve
    from geoapp.matching.gazetteer import Gazetteer

    frame = from_list(args.gazetteer) if args.gazetteer else synthetic(args.desa, args.seed)
    gaz = Gazetteer.from_frame(frame)
    rng = random.Random(args.seed)
    picks = [rng.randrange(len(gaz)) for _ in range(args.lookups)]
    texts = [(typo(gaz.nama[r], rng), gaz.kode_kecamatan[r]) for r in picks]
    pool_first = resolve._candidates

    def whole(gaz_, variants, pool=None):  # noqa: ANN001, ANN202 - the old behaviour
        return pool_first(gaz_, variants, None)

    def timed(candidates) -> tuple[float, list]:  # noqa: ANN001
        resolve._candidates = candidates
        start = time.perf_counter()
        out = [resolve.resolve_name(gaz, t, resolve.KecamatanResult("known", frozenset({k})),
                                    None) for t, k in texts]
        resolve._candidates = pool_first
        return time.perf_counter() - start, [(o.kind, o.row) for o in out]

    base, base_out = timed(whole)
    new, new_out = timed(pool_first)
    print(f"gazetteer: {len(gaz):,} desa; {len(texts):,} misspelt names with their kecamatan")
    print(f"whole-gazetteer candidates (baseline): {base:.2f} s")
    print(f"kecamatan members first:               {new:.2f} s")
    print(f"ratio baseline / pool-first: {base / new:.1f}x")
    same = sum(a == b for a, b in zip(base_out, new_out, strict=True))
    print(f"same outcome: {same:,} of {len(texts):,}")
    for label, out in (("baseline", base_out), ("pool-first", new_out)):
        right = sum(k == "fuzzy" and r == p for (k, r), p in zip(out, picks, strict=True))
        wrong = sum(k == "fuzzy" and r != p for (k, r), p in zip(out, picks, strict=True))
        print(f"{label}: accepted right {right:,}, accepted wrong {wrong:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
