"""Large synthetic record tables for benchmarks and accuracy tests (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.sample.amounts import id_int, rupiah
from geoapp.sample.points import decimal_text, point_pool
from geoapp.sample.reference import load_kelurahan
from geoapp.sample.tables import KECAMATAN_MESSY_SHARE, KODE_FORMS, MESSY_SHARE
from geoapp.sample.variants import kode_text, messy_kecamatan, messy_name

NAME_VARIANTS = 40        # messy variants pre-generated per kelurahan / kecamatan
POINTS_PER_KELURAHAN = 32
PROBLEM_SHARE = 0.002     # rows that must end in review/unmatched
MAX_ROWS = 20_000_000
UNIT_AID = (2_500_000, 3_000_000, 5_000_000)
MAX_GROUPS = 25
OUTSIDE_CITY = "Pondok Aren"
AMBIGUOUS = "Sudimara"
AMBIGUOUS_KECAMATAN = "Ciledug"

BAD_ROWS = Msg(
    "sample_bad_rows",
    "The number of rows (n_rows) must be a whole number from 0 to {maximum}; received: {value!r}.",
)
BAD_SEED = Msg(
    "sample_bad_seed",
    "The seed must be a whole number of 0 or more; received: {seed!r}.",
)
BAD_SHARE = Msg(
    "sample_bad_share",
    "The argument {name} must be a number between 0 and 1; received: {value!r}.",
)


@dataclass(frozen=True)
class _Pools:
    """Pre-generated texts that rows are drawn from by index."""

    kel_clean: np.ndarray     # (K,) reference names
    kel_messy: np.ndarray     # (K, V) messy variants
    kec_clean: np.ndarray     # (K,) kecamatan name per kelurahan
    kec_messy: np.ndarray     # (K, V) messy kecamatan variants per kelurahan
    kode_forms: np.ndarray    # (K, 3) dotted, plain, empty
    kode: np.ndarray          # (K,) dotted kode
    groups: np.ndarray        # (A,) Jumlah Kelompok texts
    aid: np.ndarray           # (A,) Nilai Bantuan texts


@lru_cache(maxsize=4)
def _pools(seed: int) -> _Pools:
    rng = np.random.default_rng([seed, 101])
    kelurahan = load_kelurahan()
    kec_variants = {k.nama_kecamatan: None for k in kelurahan}
    for name in kec_variants:
        kec_variants[name] = [messy_kecamatan(name, rng) for _ in range(NAME_VARIANTS)]
    groups, aid = _amount_texts()
    return _Pools(
        kel_clean=np.array([k.nama for k in kelurahan], dtype=object),
        kel_messy=np.array([[messy_name(k.nama, rng) for _ in range(NAME_VARIANTS)]
                            for k in kelurahan], dtype=object),
        kec_clean=np.array([k.nama_kecamatan for k in kelurahan], dtype=object),
        kec_messy=np.array([kec_variants[k.nama_kecamatan] for k in kelurahan], dtype=object),
        kode_forms=np.array([[kode_text(k.kode, f) for f in range(3)] for k in kelurahan],
                            dtype=object),
        kode=np.array([k.kode for k in kelurahan], dtype=object),
        groups=groups,
        aid=aid,
    )


def _amount_texts() -> tuple[np.ndarray, np.ndarray]:
    """Every (groups, aid) text pair: aid = groups x unit, with or without ``Rp``."""
    groups, aid = [], []
    for count in range(1, MAX_GROUPS + 1):
        for unit in UNIT_AID:
            for with_rp in (True, False):
                groups.append(str(count))
                aid.append(rupiah(count * unit) if with_rp else id_int(count * unit))
    return np.array(groups, dtype=object), np.array(aid, dtype=object)


@lru_cache(maxsize=4)
def _coord_pool(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(K, P) latitude and longitude texts inside each kelurahan."""
    points = point_pool(POINTS_PER_KELURAHAN, np.random.default_rng([seed, 102]))
    fmt = np.vectorize(decimal_text, otypes=[object])
    return fmt(points[..., 0]), fmt(points[..., 1])


def _check(n_rows: object, seed: object, kecamatan_share: object, coord_share: object) -> None:
    if isinstance(n_rows, bool) or not isinstance(n_rows, int | np.integer) \
            or not 0 <= n_rows <= MAX_ROWS:
        raise GeoappError(BAD_ROWS, 400, value=n_rows, maximum=MAX_ROWS)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise GeoappError(BAD_SEED, 400, seed=seed)
    for name, value in (("kecamatan_share", kecamatan_share), ("coord_share", coord_share)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating) \
                or not 0.0 <= float(value) <= 1.0:
            raise GeoappError(BAD_SHARE, 400, name=name, value=value)


def _pick(clean: np.ndarray, messy: np.ndarray, kel: np.ndarray, rng: np.random.Generator,
          share: float) -> np.ndarray:
    """Clean text, replaced by a pre-generated messy variant for about ``share`` of rows."""
    out = clean[kel]
    is_messy = rng.random(len(kel)) < share
    variant = rng.integers(messy.shape[1], size=int(is_messy.sum()))
    out[is_messy] = messy[kel[is_messy], variant]
    return out


def generate_messy_records(n_rows: int, seed: int = 0, *, kecamatan_share: float = 0.7,
                           coord_share: float = 0.0) -> tuple[pd.DataFrame, np.ndarray]:
    """``n_rows`` program rows as an office would type them, and the true kode per row.

    Columns (all text): No, Kecamatan, Kelurahan, Kode Wilayah, Jumlah Kelompok,
    Nilai Bantuan (Rp), plus Lintang and Bujur when ``coord_share`` > 0. About 12 % of
    kelurahan and 8 % of kecamatan names are messy; ``kecamatan_share`` of rows name their kecamatan; ``coord_share`` of
    rows carry a point inside their kelurahan. About 0.2 % are problem rows (ambiguous
    "Sudimara", "Pondok Aren" from another city, a kode conflicting with the name) whose
    truth is None: a matcher must not match them. Other truths are dotted kode texts.
    """
    _check(n_rows, seed, kecamatan_share, coord_share)
    pools = _pools(int(seed))
    rng = np.random.default_rng([int(seed), 100])
    kel = rng.integers(len(pools.kel_clean), size=n_rows)
    kecamatan = _pick(pools.kec_clean, pools.kec_messy, kel, rng, KECAMATAN_MESSY_SHARE)
    kecamatan[rng.random(n_rows) >= kecamatan_share] = ""
    amount = rng.integers(len(pools.groups), size=n_rows)
    columns = {
        "No": np.arange(1, n_rows + 1).astype(str).astype(object),
        "Kecamatan": kecamatan,
        "Kelurahan": _pick(pools.kel_clean, pools.kel_messy, kel, rng, MESSY_SHARE),
        "Kode Wilayah": pools.kode_forms[kel, rng.choice(3, size=n_rows, p=KODE_FORMS)],
        "Jumlah Kelompok": pools.groups[amount],
        "Nilai Bantuan (Rp)": pools.aid[amount],
    }
    if coord_share > 0:
        columns.update(_coordinates(int(seed), kel, rng, float(coord_share)))
    truth = pools.kode[kel]
    _add_problems(columns, truth, kel, pools, rng)
    return pd.DataFrame(columns), truth


def _coordinates(seed: int, kel: np.ndarray, rng: np.random.Generator,
                 share: float) -> dict[str, np.ndarray]:
    lat_pool, lon_pool = _coord_pool(seed)
    point = rng.integers(lat_pool.shape[1], size=len(kel))
    lat, lon = lat_pool[kel, point], lon_pool[kel, point]
    without = rng.random(len(kel)) >= share
    lat[without] = ""
    lon[without] = ""
    return {"Lintang": lat, "Bujur": lon}


def _add_problems(columns: dict[str, np.ndarray], truth: np.ndarray, kel: np.ndarray,
                  pools: _Pools, rng: np.random.Generator) -> None:
    """Turn about PROBLEM_SHARE of the rows into rows no matcher may decide."""
    rows = np.flatnonzero(rng.random(len(kel)) < PROBLEM_SHARE)
    kind = rng.integers(3, size=len(rows))
    ambiguous, outside, conflict = rows[kind == 0], rows[kind == 1], rows[kind == 2]
    columns["Kelurahan"][ambiguous] = AMBIGUOUS
    columns["Kecamatan"][ambiguous] = AMBIGUOUS_KECAMATAN
    columns["Kelurahan"][outside] = OUTSIDE_CITY
    columns["Kecamatan"][outside] = OUTSIDE_CITY
    columns["Kelurahan"][conflict] = pools.kel_clean[kel[conflict]]
    # Half the list away always lands in another kecamatan (the largest has 16 kelurahan).
    other = (kel[conflict] + len(pools.kode) // 2) % len(pools.kode)
    columns["Kode Wilayah"][conflict] = pools.kode[other]
    for name in ("Lintang", "Bujur"):
        if name in columns:
            columns[name][rows] = ""
    columns["Kode Wilayah"][np.concatenate([ambiguous, outside])] = ""
    truth[rows] = None
