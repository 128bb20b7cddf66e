"""Provinsi and kabupaten/kota columns: which region a row names, and matching within it.

A written kabupaten/kota (``Kab. Tegal``, ``KAB TEGAL``, ``Kota Tegal``, ``Tegal``) or
provinsi (``Jawa Tengah``, ``Jateng``, ``DIY``) resolves to a set of region codes from the
shipped national gazetteer. ``Tegal`` alone is both Kabupaten and Kota Tegal: both stay
candidates and the lower levels decide. Rows are matched against the part of the
gazetteer inside their region only, so a desa written under a kabupaten where it does not
exist is never placed elsewhere: it goes to review with a note naming where it exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from geoapp.core.i18n import Msg, normalise_lang
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.region_abbreviations import KABUPATEN_KOTA, PROVINSI, REGION_WORDS
from geoapp.matching.spelling import safe_fuzzy, variants_of
from geoapp.values.names import name_keys, normalise_name

KAB_WORDS = frozenset({"kab", "kabupaten", "kb"})
KOTA_WORDS = frozenset({"kota", "kotamadya", "kodya", "kot"})
PROV_WORDS = frozenset({"prov", "provinsi", "propinsi", "prop"})

OUTSIDE_REGION = Msg(
    "hierarchy_outside_region",
    "'{name}' is in {elsewhere}, not in {region} as written. Not matched: check the "
    "desa and the kabupaten/kota or provinsi written (the suggestions offer the desa "
    "of that name).",
)
REGION_CONFLICT = Msg(
    "hierarchy_region_conflict",
    "{kabupaten} is in {provinsi_of}, not in {provinsi} as written: the desa was looked "
    "up in both and the row goes to review.",
)
REGION_UNKNOWN = Msg(
    "hierarchy_region_unknown",
    "The kabupaten/kota or provinsi '{text}' was not recognised; the row was matched "
    "without it.",
)


@lru_cache(maxsize=1)
def region_names() -> tuple[dict[str, str], dict[str, set[str]], dict[str, set[str]]]:
    """(code -> name, key -> kabupaten codes, key -> province codes) from the national
    gazetteer and the short forms of ``region_abbreviations``. A kabupaten is known by
    its name without ``Kabupaten``/``Kota`` (both ``tegal`` and ``kab tegal``/``kota
    tegal``)."""
    names, kab_keys, prov_keys = _gazetteer_keys()
    kab = {k: set(v) for k, v in kab_keys.items()}
    prov = {k: set(v) for k, v in prov_keys.items()}
    kab_codes, prov_codes, _ = abbreviation_codes()
    for key, code in kab_codes.items():
        kab.setdefault(key, set()).add(code)
    for key, code in prov_codes.items():
        prov.setdefault(key, set()).add(code)
    return names, kab, prov


@lru_cache(maxsize=1)
def _gazetteer_keys() -> tuple[dict[str, str], dict[str, set[str]], dict[str, set[str]]]:
    """(code -> name, key -> kabupaten codes, key -> province codes) of the gazetteer
    alone (kept: callers copy before adding)."""
    from geoapp.io.boundaries.national import gazetteer_frame  # data, not a room import
    frame = gazetteer_frame()
    names: dict[str, str] = {}
    kab: dict[str, set[str]] = defaultdict(set)
    prov: dict[str, set[str]] = defaultdict(set)
    for kode, nama, level in zip(frame["kode"], frame["nama"], frame["tingkat"], strict=True):
        if level == "kabupaten_kota":
            names[kode] = str(nama).strip()
            marker, base = _kab_key(nama)
            kab[base].add(kode)
            kab[f"{marker or 'kab'} {base}"].add(kode)
        elif level == "provinsi":
            names[kode] = str(nama).strip()
            prov[_prov_key(nama)].add(kode)
    return names, dict(kab), dict(prov)


@lru_cache(maxsize=1)
def abbreviation_codes() -> tuple[dict[str, str], dict[str, str], tuple[str, ...]]:
    """(short form -> kabupaten code, short form -> province code, entries of the table
    that are not exactly one region of their level: a fault of the table)."""
    names, _, _ = _gazetteer_keys()
    by_name: dict[tuple[bool, str], list[str]] = defaultdict(list)
    for code, nama in names.items():
        by_name[("." in code, normalise_name(nama))].append(code)
    kab: dict[str, str] = {}
    prov: dict[str, str] = {}
    problems = []
    for is_kab, table, found in ((True, KABUPATEN_KOTA, kab), (False, PROVINSI, prov)):
        for short, nama in table.items():
            codes = by_name.get((is_kab, normalise_name(nama)), [])
            if len(codes) == 1:
                found[short] = codes[0]
            else:
                problems.append(f"{short}: {nama}")
    return kab, prov, tuple(problems)


def _region_words(text: str) -> list[str]:
    """The words of a region name with short words read in full (``Kep.`` Kepulauan) and
    words that only say its kind (``Adm.``, Administrasi) left out."""
    words = (REGION_WORDS.get(w, w) for w in normalise_name(str(text)).split())
    return [w for w in words if w]


def _prov_key(text: str) -> str:
    return " ".join(w for w in _region_words(text) if w not in PROV_WORDS)


def _kab_key(text: str) -> tuple[str, str]:
    """(marker, base): ``Kab. Tegal`` -> ("kab", "tegal"), ``Tegal Kota`` -> ("kota", "tegal"),
    ``Kota Adm. Jakarta Pusat`` -> ("kota", "jakarta pusat")."""
    words = _region_words(text)
    marker = ""
    if words and words[0] in KAB_WORDS | KOTA_WORDS:
        marker, words = ("kab" if words[0] in KAB_WORDS else "kota"), words[1:]
    elif len(words) > 1 and words[-1] in KAB_WORDS | KOTA_WORDS:
        marker, words = ("kab" if words[-1] in KAB_WORDS else "kota"), words[:-1]
    return marker, " ".join(words)


@lru_cache(maxsize=8192)
def resolve_kabupaten(text: str | None, *, fuzzy: bool = True) -> frozenset[str] | None:
    """Kabupaten/kota codes a written name means (None: empty or not recognised);
    ``fuzzy=False``: exact names and short forms only."""
    if text is None or not normalise_name(str(text)):
        return None
    _, kab, _ = region_names()
    marker, base = _kab_key(str(text))
    for spelled in _spellings(base):
        for key in ((f"{marker} {spelled}", spelled) if marker else (spelled,)):
            if key in kab:
                return frozenset(kab[key])
    if not fuzzy:
        return None
    hits = {k for k in _fuzzy_keys(base, kab) for k in kab[k]}
    if marker:
        exact_marker = {c for c in hits if c in kab.get(f"{marker} {_base_of(c)}", set())}
        hits = exact_marker or hits
    return frozenset(hits) if hits else None


def _spellings(key: str) -> list[str]:
    """``key`` as written, then in its other spellings (pre-1972: ``Bandoeng``, ``Atjeh``;
    short words in full: ``Sel.``), then without spaces."""
    out = [key, *(k for k in name_keys(key) if k != key)]
    return [*out, key.replace(" ", "")] if " " in key else out


def _base_of(code: str) -> str:
    names, _, _ = region_names()
    return _kab_key(names[code])[1]


def _fuzzy_keys(base: str, keys: dict[str, set[str]]) -> set[str]:
    """Keys (without marker words) a safe fuzzy spelling of ``base`` reaches; unique only."""
    if not base:
        return set()
    found = set()
    for key in keys:
        if key.startswith(("kab ", "kota ")):
            continue
        if any(safe_fuzzy(v, key.split(), key.replace(" ", "")) is not None
               for v in variants_of(base)):
            found.add(key)
    return found if len({c for k in found for c in keys[k]}) <= 2 else set()


@lru_cache(maxsize=8192)
def resolve_provinsi(text: str | None, *, fuzzy: bool = True) -> frozenset[str] | None:
    """Province codes a written province name or abbreviation means (``fuzzy=False``:
    exact names and short forms only)."""
    if text is None or not normalise_name(str(text)):
        return None
    _, _, prov = region_names()
    key = _prov_key(str(text))
    for spelled in _spellings(key):
        if spelled in prov:
            return frozenset(prov[spelled])
    if not fuzzy:
        return None
    found = _fuzzy_keys(key, {k: v for k, v in prov.items() if len(k) > 4})
    codes = {c for k in found for c in prov[k]}
    return frozenset(codes) if len(codes) == 1 else None


def row_region(kab_text: str | None, prov_text: str | None) -> frozenset[str] | None:
    """The region codes (kabupaten ``36.01`` or province ``36``) a row is restricted to.
    A kabupaten/kota not in the written provinsi: both (see ``region_conflict``)."""
    kab = resolve_kabupaten(kab_text)
    prov = resolve_provinsi(prov_text)
    if kab and prov:
        inside = frozenset(k for k in kab if k[:2] in prov)
        return inside or kab | prov
    return kab or prov


def region_conflict(region: frozenset[str] | None, lang: str) -> str | None:
    """The note for a region whose written kabupaten/kota lies in another provinsi than
    the one written (None when they agree)."""
    provinces = {c for c in region or () if "." not in c}
    kab = sorted(c for c in region or () if "." in c and c[:2] not in provinces)
    if not provinces or not kab:
        return None
    return REGION_CONFLICT.text(
        normalise_lang(lang), kabupaten=region_label(frozenset(kab)),
        provinsi_of=region_label(frozenset(c[:2] for c in kab)),
        provinsi=region_label(frozenset(provinces)))


def regions_of(kabupaten: Sequence | None, provinsi: Sequence | None,
               n: int) -> tuple[np.ndarray, list[frozenset[str] | None]]:
    """Per row an index into the list of distinct regions (None: unrestricted); each
    distinct (kabupaten, provinsi) text pair is resolved once."""
    kab_codes, kab_values = _factorized(kabupaten, n)
    prov_codes, prov_values = _factorized(provinsi, n)
    pair_codes, pairs = pd.factorize(kab_codes * (len(prov_values) + 1) + prov_codes)
    regions: list[frozenset[str] | None] = []
    per_pair = np.empty(len(pairs), dtype=np.int64)
    for j, key in enumerate(pairs.tolist()):
        k, p = divmod(int(key), len(prov_values) + 1)
        region = row_region(kab_values[k], prov_values[p])
        if region not in regions:
            regions.append(region)
        per_pair[j] = regions.index(region)
    return per_pair[pair_codes] if n else np.zeros(0, np.int64), regions


def _factorized(column: Sequence | None, n: int) -> tuple[np.ndarray, list[str | None]]:
    """(code per row, texts by code) with code 0 for an empty cell."""
    if column is None:
        return np.zeros(n, dtype=np.int64), [None]
    codes, uniques = pd.factorize(pd.Series(column, dtype=object), use_na_sentinel=True)
    return codes.astype(np.int64) + 1, [None, *(str(u) for u in uniques)]


def sub_gazetteer(gaz: Gazetteer, region: frozenset[str]) -> Gazetteer | None:
    """The part of ``gaz`` inside ``region`` (None when it holds no desa); built once per
    gazetteer and region, then kept with the gazetteer."""
    if region not in gaz.parts:
        gaz.parts[region] = _build_part(gaz, region)
    return gaz.parts[region]


def _build_part(gaz: Gazetteer, region: frozenset[str]) -> Gazetteer | None:
    rows = gaz.rows_in_regions(region)
    if not rows:
        return None
    if len(rows) == len(gaz):
        return gaz
    return gaz.subset(rows)


def region_label(region: frozenset[str]) -> str:
    """``Kabupaten Tegal / Kota Tegal``; a province as ``Provinsi Jawa Tengah``."""
    return " / ".join(_place_name(c) for c in sorted(region))


def _place_name(code: str) -> str:
    names, _, _ = region_names()
    name = names.get(code, code)
    return name if "." in code else f"Provinsi {name}"


def outside_note(gaz: Gazetteer, name: str, region: frozenset[str], lang: str
                 ) -> tuple[str, list[int]] | None:
    """When ``name`` is a desa of ``gaz`` only outside ``region``: the note saying where it
    is ("… is in Kabupaten Bekasi (Sertajaya, kecamatan Cikarang Timur), not in Kabupaten
    Pandeglang as written") and those desa rows, the written province's first. None
    otherwise."""
    hits = gaz.lookup_keys(name_keys(name))
    if not hits or any(gaz.kode[r][:len(c)] == c for r in hits for c in region):
        return None
    provinces = {c[:2] for c in region}
    rows = sorted(hits, key=lambda r: (gaz.kode[r][:2] not in provinces, gaz.kode[r]))
    places = [_elsewhere(gaz, r, provinces) for r in rows]
    shown = ", ".join(places[:3]) + (f" (+{len(places) - 3})" if len(places) > 3 else "")
    text = OUTSIDE_REGION.text(normalise_lang(lang), name=name, region=region_label(region),
                               elsewhere=shown)
    return text, rows


def _elsewhere(gaz: Gazetteer, row: int, provinces: set[str]) -> str:
    """``Kabupaten Madiun, Provinsi Jawa Timur (Gading, kecamatan Balerejo)``: the province
    only when it is not the written one."""
    kode = gaz.kode[row]
    where = _place_name(kode[:5])
    if kode[:2] not in provinces:
        where += f", {_place_name(kode[:2])}"
    kec = gaz.nama_kecamatan[row] or gaz.kode_kecamatan[row]
    return f"{where} ({gaz.nama[row]}, kecamatan {kec})"
