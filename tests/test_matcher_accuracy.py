"""Accuracy on seeded messy variants of the 104 real names, and safety on other regions' names."""

from __future__ import annotations

import random
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geoapp.io.boundaries.national import gazetteer_frame
from geoapp.matching.aliases import AliasStore
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.matcher import match_rows
from geoapp.values.names import name_keys

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "data" / "boundaries" / "kota_tangerang_kelurahan.geojson"

ABBREV = {"Pondok": "Pd.", "Utara": "Utr", "Selatan": "Sel.", "Barat": "Brt", "Timur": "Tmr",
          "Indah": "Ind.", "Baru": "Br.", "Jaya": "Jy", "Pasar": "Ps.", "Kebon": "Kb.",
          "Karang": "Krg."}
PREFIXES = ["", "Kel. ", "KEL ", "Kelurahan ", "Desa ", "kel.", "Kel "]
COMPOUND_STARTS = ("suka", "batu", "ganda", "juru", "jati", "negla", "marga", "sangiang")
OLD = {"c": "tj", "j": "dj", "u": "oe", "ny": "nj", "y": "j", "sy": "sj", "kh": "ch"}
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_boundaries(gpd.read_file(BOUNDARIES))


def _typo(rng: random.Random, name: str) -> str:
    spots = [i for i, ch in enumerate(name) if ch.isalpha()]
    i = rng.choice(spots)
    kind = rng.choice(["delete", "insert", "substitute", "transpose"])
    if kind == "delete":
        return name[:i] + name[i + 1:]
    if kind == "insert":
        return name[:i] + rng.choice(LETTERS) + name[i:]
    if kind == "substitute":
        return name[:i] + rng.choice([c for c in LETTERS if c != name[i].lower()]) + name[i + 1:]
    j = i + 1 if i + 1 < len(name) and name[i + 1].isalpha() else i - 1
    a, b = sorted((i, j))
    return name[:a] + name[b] + name[a] + name[b + 1:]


def _old_spelling(name: str) -> str:
    return re.sub("ny|sy|kh|c|j|y|u", lambda m: OLD[m.group(0)], name.lower()).title()


def _spacing(rng: random.Random, name: str) -> str:
    low = name.lower()
    for start in COMPOUND_STARTS:
        if low.startswith(start) and " " not in name and len(name) > len(start) + 2:
            return name[: len(start)] + " " + name[len(start):]
    if " " in name:
        return name.replace(" ", rng.choice(["", "  ", " - "]), 1)
    return "  " + name + " "


def _case(rng: random.Random, name: str) -> str:
    return rng.choice([str.upper, str.lower, str.title, lambda s: s])(name)


def messy_variant(rng: random.Random, name: str, kecamatan: str) -> str:
    """One seeded messy spelling of a real kelurahan name."""
    kinds = rng.sample(["abbrev", "old", "spacing", "typo", "bracket", "case"], rng.randint(1, 3))
    out = name
    if "typo" in kinds and len(name.replace(" ", "")) >= 6:
        out = _typo(rng, out)
    out = _spacing(rng, out) if "spacing" in kinds else out
    if "abbrev" in kinds:
        out = " ".join(ABBREV.get(w, w) if rng.random() < 0.7 else w for w in out.split(" "))
    if "old" in kinds and "abbrev" not in kinds:
        out = _old_spelling(out)
    if "bracket" in kinds:
        out = f"{out} ({rng.choice([_old_spelling(name), 'Kec. ' + kecamatan])})"
    out = _case(rng, out) if "case" in kinds else out
    return rng.choice(PREFIXES) + out


def test_messy_variants_accuracy(gaz: Gazetteer) -> None:
    rng = random.Random(2020)
    names, truth = [], []
    for _ in range(30):
        for kode, nama, kec in zip(gaz.kode, gaz.nama, gaz.nama_kecamatan, strict=True):
            names.append(messy_variant(rng, nama, kec))
            truth.append(kode)
    res = match_rows(kode=None, kelurahan=names, kecamatan=None, lat=None, lon=None,
                     exclude=None, gazetteer=gaz, aliases=AliasStore.load(None))
    truth_arr = np.array(truth, dtype=object)
    matched = res.status == "matched"
    right = (matched & (res.kode == truth_arr)).mean()
    wrong = (matched & (res.kode != truth_arr)).mean()
    misses = [(n, t) for n, t, m in zip(names, truth, matched, strict=True) if not m]
    assert len(names) == 3120
    assert right >= 0.98, misses[:80]
    assert wrong <= 0.002, [(n, k, t) for n, k, t, m in
                            zip(names, res.kode, truth, matched, strict=True) if m and k != t]


def _other_regions() -> pd.DataFrame:
    table = gazetteer_frame()      # the national gazetteer shipped with geoapp
    kec = table[table.tingkat == "kecamatan"].set_index("kode")["nama"]
    rows = table[(table.tingkat == "desa_kelurahan") & table.kode.str[:5].isin(["36.74", "36.03"])]
    rows = rows.sample(n=min(300, len(rows)), random_state=2020)
    return rows.assign(kecamatan=[kec[k[:8]] for k in rows.kode])


def test_other_regions_not_auto_matched(gaz: Gazetteer) -> None:
    """Names from Kota Tangerang Selatan and Kabupaten Tangerang are never forced onto a
    Kota Tangerang kelurahan.

    A name that is genuinely identical (same comparison key, e.g. Babakan, Pondok Pucung)
    cannot be told apart by name alone: without a kecamatan the boundary set is the
    universe and the row is matched (what a Kota Tangerang user expects); with the row's
    real kecamatan, which is not a Kota Tangerang kecamatan, it goes to review.
    """
    rows = _other_regions()
    names = list(rows.nama)
    tangerang_keys = set(gaz.by_key)
    identical = np.array([bool(set(name_keys(n)) & tangerang_keys) for n in names])
    bare = match_rows(kode=None, kelurahan=names, kecamatan=None, lat=None, lon=None,
                      exclude=None, gazetteer=gaz)
    forced = [n for n, s, same in zip(names, bare.status, identical, strict=True)
              if s == "matched" and not same]
    assert forced == []
    assert identical.sum() < len(names) // 4
    with_kec = match_rows(kode=None, kelurahan=names, kecamatan=list(rows.kecamatan), lat=None,
                          lon=None, exclude=None, gazetteer=gaz)
    assert not (with_kec.status == "matched").any()
    assert set(with_kec.status[identical]) <= {"review"}


def test_other_regions_codes_outside(gaz: Gazetteer) -> None:
    rows = _other_regions().head(50)
    res = match_rows(kode=list(rows.kode), kelurahan=None, kecamatan=None, lat=None, lon=None,
                     exclude=None, gazetteer=gaz, lang="en")
    assert set(res.status) == {"unmatched"}
    assert all("outside" in n for n in res.note)


def test_national_scale_name_only() -> None:
    """from_frame without geometry: exact names within their kecamatan at national scale."""
    table = gazetteer_frame()      # the national gazetteer shipped with geoapp
    kec = table[table.tingkat == "kecamatan"].set_index("kode")["nama"]
    desa = table[table.tingkat == "desa_kelurahan"]
    desa = desa[desa.kode.str[:2] == "36"]                       # Banten: ~1,550 desa/kelurahan
    frame = desa.assign(kode_kecamatan=desa.kode.str[:8],
                        nama_kecamatan=[kec[k[:8]] for k in desa.kode])
    gaz = Gazetteer.from_frame(frame)
    sample = frame.sample(n=200, random_state=7)
    res = match_rows(kode=None, kelurahan=list(sample.nama),
                     kecamatan=list(sample.nama_kecamatan), lat=None, lon=None, exclude=None,
                     gazetteer=gaz)
    matched = res.status == "matched"
    assert (res.kode[matched] == sample.kode.to_numpy()[matched]).all()
    assert matched.mean() >= 0.95
