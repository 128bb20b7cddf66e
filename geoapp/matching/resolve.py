"""Resolve one written kelurahan (and kecamatan) name against the gazetteer.

Order: exact key, alias, fuzzy. A fuzzy candidate is accepted only when it is
unambiguous: a small edit distance for the name's length, the same distinguishing
words (Utara, Barat, Jaya...), no stray short words, and no rival candidate about
as close. Everything else becomes suggestions for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from geoapp.matching.aliases import AliasStore
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.spelling import (
    GLUED,
    dist_set,
    dist_word,
    safe_fuzzy,
    variants_of,
)
from geoapp.values.codes import normalise_kode
from geoapp.values.names import name_keys, name_words, normalise_name

# Words naming the city/regency around a kecamatan: "Kec. Larangan, Kota Tangerang".
CITY_MARKERS = frozenset({"kota", "kab", "kabupaten", "kotamadya", "kodya"})
KECAMATAN_WORDS = frozenset({"kec", "kecamatan"})
# City names written next to a kecamatan without a marker ("Larangan Tangerang").
CITY_NAMES = frozenset({"tangerang"})
REVIEW_SCORE = 80.0       # best suggestion at least this -> review rather than unmatched
SUGGEST_SCORE = 60.0      # suggestions below this are not shown
CANDIDATES = 12           # fuzzy candidates fetched per written variant


@dataclass
class NameResult:
    """How a written name resolved.

    kind: ``empty`` (no text), ``exact``, ``alias``, ``fuzzy`` (accepted, ``row`` set),
    ``ambiguous`` (several equally good), ``conflict`` (exists, but not in the given
    kecamatan), ``weak`` (close candidates, none safe), ``none`` (nothing close).
    """

    kind: str
    row: int = -1
    score: float = float("nan")
    suggestions: list[tuple[int, float]] = field(default_factory=list)
    kecamatan_of_name: set[str] = field(default_factory=set)   # name is a kecamatan name

    @property
    def accepted(self) -> bool:
        return self.kind in ("exact", "alias", "fuzzy")

    def candidate_rows(self) -> set[int]:
        rows = {r for r, _ in self.suggestions}
        return rows | ({self.row} if self.row >= 0 else set())


@dataclass
class KecamatanResult:
    """kind: ``empty``, ``city`` (a kota/kabupaten name, ignored), ``known``, ``unknown``."""

    kind: str
    codes: frozenset[str] = frozenset()


def _kecamatan_code(gaz: Gazetteer, text: str) -> str | None:
    """The kecamatan code written in the kecamatan column, when it is one of the set."""
    if not any(ch.isdigit() for ch in text):
        return None
    kode = normalise_kode(text)
    return kode if kode is not None and kode.count(".") == 2 and kode in gaz.members else None


def _without_city(words: list[str]) -> list[str]:
    """The words left once city phrases ("kota tangerang", "tangerang kota", "kab. X")
    and the words kec/kecamatan are taken out."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in CITY_MARKERS:
            i += 2 if i + 1 < len(words) and words[i + 1] not in CITY_MARKERS else 1
            continue
        if w in CITY_NAMES and i + 1 < len(words) and words[i + 1] in CITY_MARKERS:
            i += 2
            continue
        if w not in KECAMATAN_WORDS:
            out.append(w)
        i += 1
    return out


def _core_candidates(words: list[str]) -> list[list[str]]:
    """Kecamatan names a text may hold once city words around it are dropped."""
    core = _without_city(words)
    found = [core] if core and core != words else []
    trimmed = core
    while len(trimmed) > 1 and trimmed[-1] in CITY_NAMES:
        trimmed = trimmed[:-1]
        found.append(trimmed)
    trimmed = core
    while len(trimmed) > 1 and trimmed[0] in CITY_NAMES:
        trimmed = trimmed[1:]
        found.append(trimmed)
    return found


def _kecamatan_in_city_words(gaz: Gazetteer, text: str) -> KecamatanResult | None:
    """A known kecamatan with city words before/after it, a code, or a city alone."""
    code = _kecamatan_code(gaz, text)
    if code is not None:
        return KecamatanResult("known", frozenset({code}))
    words = name_words(text)
    for core in _core_candidates(words):
        hits = gaz.kecamatan_for_keys(name_keys(" ".join(core)))
        if len(hits) == 1:
            return KecamatanResult("known", frozenset(hits))
    if words and not _without_city(words):
        return KecamatanResult("city")
    return None


_ABBREVIATED_FIRST = re.compile(r"^\s*([A-Za-z]{1,3})\.\s*(\S.*)$")


def _without_abbreviated_first(gaz: Gazetteer, text: str) -> set[str]:
    """A kecamatan written with an abbreviated first word the list leaves out:
    ``BL. LIMBANGAN`` (Balubur Limbangan) is kecamatan Limbangan. Only a unique hit counts."""
    found = _ABBREVIATED_FIRST.match(str(text))
    if found is None or found.group(1).casefold() in KECAMATAN_WORDS | CITY_MARKERS:
        return set()
    hits = gaz.kecamatan_for_keys(name_keys(found.group(2)))
    return hits if len(hits) == 1 else set()


def resolve_kecamatan(gaz: Gazetteer, text: str | None) -> KecamatanResult:
    """Which kecamatan a written kecamatan name (or kecamatan code) means.

    "Tangerang" alone is the kecamatan Tangerang; "Kota Tangerang" alone names only
    the city (kind ``city``); "Kec. Larangan, Kota Tangerang" is the kecamatan Larangan.
    """
    if text is None or not normalise_name(text):
        return KecamatanResult("empty")
    first = str(text).strip().casefold().split(" ")[0].rstrip(".")
    if first not in CITY_MARKERS or first == "kota":
        # "Kota Agung" is a kecamatan of Kab. Tanggamus: a kecamatan of that very name
        # wins over reading "Kota ..." as a city phrase.
        hits = gaz.kecamatan_for_keys(name_keys(text))
        if hits:
            return KecamatanResult("known", frozenset(hits))
    special = _kecamatan_in_city_words(gaz, text)
    if special is not None:
        return special
    if first in ("kota", "kabupaten", "kab"):
        return KecamatanResult("city")
    keys = name_keys(text)
    hits = gaz.kecamatan_for_keys(keys) or _without_abbreviated_first(gaz, text)
    if hits:
        return KecamatanResult("known", frozenset(hits))
    fuzzy = set()
    for kk, nama in gaz.kecamatan_names.items():
        target = normalise_name(nama)
        if any(safe_fuzzy(v, target.split(), target.replace(" ", "")) is not None
               for v in variants_of(text)):
            fuzzy.add(kk)
    return KecamatanResult("known", frozenset(fuzzy)) if len(fuzzy) == 1 else \
        KecamatanResult("unknown")


def _pool(gaz: Gazetteer, kec: KecamatanResult) -> set[int] | None:
    if kec.kind != "known":
        return None
    return {r for kk in kec.codes for r in gaz.members.get(kk, [])}


def resolve_name(gaz: Gazetteer, text: str | None, kec: KecamatanResult,
                 aliases: AliasStore | None, kec_text: str | None = None) -> NameResult:
    """Resolve one written kelurahan name, within ``kec`` when it is known."""
    if text is None or not normalise_name(text):
        return NameResult("empty")
    keys = name_keys(text)
    pool = _pool(gaz, kec)
    as_kec = gaz.kecamatan_for_keys(keys)
    result = (_exact(gaz, keys, pool) or _alias(gaz, text, kec_text, pool, aliases)
              or _fuzzy(gaz, text, pool))
    if result.kind == "conflict" and pool:
        # the name is exactly a kelurahan elsewhere: a close spelling inside the written
        # kecamatan is offered first ("CIHIDEUNGHILIR" in Ciampea: Cihideung Ilir)
        inside = _fuzzy(gaz, text, pool)
        if inside.kind == "fuzzy":
            result.suggestions = [(inside.row, inside.score), *result.suggestions]
    if not result.accepted and not result.suggestions:
        result.suggestions = suggest(gaz, text, pool, result)
    result.kecamatan_of_name = as_kec
    return result


def _exact(gaz: Gazetteer, keys: list[str], pool: set[int] | None) -> NameResult | None:
    hits = gaz.lookup_keys(keys)
    if not hits:
        return None
    inside = hits if pool is None else hits & pool
    if len(inside) > 1:
        inside = _as_spelled(gaz, keys[0], inside)
    if len(inside) == 1:
        row = next(iter(inside))
        others = hits - {row} if pool is None else (hits & pool) - {row}
        return NameResult("exact", row=row, score=100.0,
                          suggestions=[(r, 100.0) for r in sorted(others)])
    if len(inside) > 1:
        return NameResult("ambiguous", suggestions=[(r, 100.0) for r in sorted(inside)])
    return NameResult("conflict", suggestions=[(r, 100.0) for r in sorted(hits)])


def _as_spelled(gaz: Gazetteer, key: str, rows: set[int]) -> set[int]:
    """Among kelurahan a written name reaches by its keys, the one spelled exactly as
    written when the others differ from it in spacing alone (``Margasari`` and ``Marga
    Sari``, two desa of one kabupaten): the gazetteer tells them apart by that spacing
    only, and the written spacing agrees with one. Otherwise all of them."""
    spelled = {r for r in rows if normalise_name(gaz.nama[r]) == key}
    compact = key.replace(" ", "")
    spacing_only = all(gaz.compact_names[r] == compact for r in rows - spelled)
    return spelled if len(spelled) == 1 and spacing_only else rows


def _alias(gaz: Gazetteer, text: str, kec_text: str | None, pool: set[int] | None,
           aliases: AliasStore | None) -> NameResult | None:
    if aliases is None:
        return None
    kode = aliases.lookup(text, kec_text)
    row = gaz.by_kode.get(kode) if kode else None
    if row is None:
        return None
    if pool is not None and row not in pool:
        return NameResult("conflict", suggestions=[(row, 100.0)])
    return NameResult("alias", row=row, score=100.0)


def _candidates(gaz: Gazetteer, variants: list[tuple[list[str], str]],
                pool: set[int] | None = None) -> set[int]:
    """Rows whose spacing-free name is close to a variant: among ``pool`` only (every
    member of a known kecamatan is a candidate) or, without a pool, the CANDIDATES
    closest of the whole gazetteer per variant."""
    rows: set[int] = set()
    choices = gaz.compact_names if pool is None else {r: gaz.compact_names[r] for r in pool}
    limit = CANDIDATES if pool is None else None
    for _, compact in variants:
        found = process.extract(compact, choices, scorer=fuzz.ratio, limit=limit,
                                score_cutoff=50)
        rows.update(idx for _, _, idx in found)
    return rows


def _fuzzy(gaz: Gazetteer, text: str, pool: set[int] | None) -> NameResult:
    """A safe fuzzy match within ``pool``, looked up among the pool's members alone; when
    there is none, a unique safe match elsewhere (the whole gazetteer) is a conflict."""
    variants = variants_of(text)
    written = Written(frozenset(dist_set(tokens) for tokens, _ in variants),
                      max(len(c) for _, c in variants))
    ok, raw = _scored(gaz, variants, _candidates(gaz, variants, pool))
    accepted = _unique_best(gaz, ok, raw, pool, written)
    if accepted is not None:
        return NameResult("fuzzy", row=accepted, score=_ratio(gaz, variants, accepted))
    if pool is None:
        return NameResult("none")
    ok_all, raw_all = _scored(gaz, variants, _candidates(gaz, variants))
    anywhere = _unique_best(gaz, {**ok_all, **ok}, {**raw_all, **raw}, None, written)
    if anywhere is not None and anywhere not in pool:
        return NameResult("conflict", suggestions=[(anywhere, _ratio(gaz, variants, anywhere))])
    return NameResult("none")


def _scored(gaz: Gazetteer, variants: list[tuple[list[str], str]],
            candidates: set[int]) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
    """(row -> (distance, margin) for safe candidates, row -> smallest distance for all)."""
    raw: dict[int, int] = {}
    ok: dict[int, tuple[int, int]] = {}
    for row in candidates:
        tokens = normalise_name(gaz.nama[row]).split()
        compact = gaz.compact_names[row]
        for v in variants:
            dist = OSA.distance(v[1], compact)
            raw[row] = min(raw.get(row, dist), dist)
            margin = safe_fuzzy(v, tokens, compact)
            if margin is not None and (row not in ok or _better((dist, margin), ok[row])):
                ok[row] = (dist, margin)
    return ok, raw


def _better(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Smaller distance first; at equal distance a word-by-word comparison beats GLUED."""
    return (a[0], a[1] == GLUED) < (b[0], b[1] == GLUED)


def _ratio(gaz: Gazetteer, variants: list[tuple[list[str], str]], row: int) -> float:
    return round(max(fuzz.ratio(c, gaz.compact_names[row]) for _, c in variants), 1)


def _row_dist_words(gaz: Gazetteer, row: int) -> frozenset[str]:
    return dist_set(normalise_name(gaz.nama[row]).split())


def _core(gaz: Gazetteer, row: int) -> tuple[str, ...]:
    """A name's words without its distinguishing words: 'Cipadu Jaya' -> ('cipadu',)."""
    return tuple(t for t in normalise_name(gaz.nama[row]).split() if dist_word(t) is None)


@dataclass(frozen=True)
class Written:
    """What a written name shows of itself: its distinguishing words (per variant) and
    its longest spacing-free length."""

    words: frozenset[frozenset[str]] = frozenset()
    length: int = 10**6


def _unique_best(gaz: Gazetteer, ok: dict[int, tuple[int, int]], raw: dict[int, int],
                 pool: set[int] | None, written: Written = Written()) -> int | None:
    """The closest acceptable row, provided no other row is within its margin.

    When a near rival is a sibling with an extra distinguishing word ("Cipadu" vs
    "Cipadu Jaya" for "CipaduJ": the writing is longer than the best row's name, it may
    hold a piece of that word), or a glued input hides the best row's words, the rival
    must be two more edits away instead of one. When the written distinguishing words
    are the best row's and not a rival's ("Rigangn III": Rigangan III, not Rigangan II),
    reaching the rival takes a second typo in those words as well: it counts one edit
    farther.
    """
    inside = {r: dm for r, dm in ok.items() if pool is None or r in pool}
    if not inside:
        return None
    best, (dist, margin) = min(inside.items(), key=lambda kv: (kv[1][0], kv[1][1] < 0, kv[0]))
    rivals = {r: d for r, d in raw.items() if r != best and (pool is None or r in pool)}
    words = _row_dist_words(gaz, best)
    core = _core(gaz, best)
    near = [r for r, d in rivals.items() if d <= dist + 2]
    longer = written.length > len(gaz.compact_names[best])
    sibling = longer and any(_core(gaz, r) == core and _row_dist_words(gaz, r) > words
                             for r in near)
    margin = 2 if sibling or (margin == GLUED and words) else 1
    told = bool(words) and words in written.words
    if any(d + (told and _row_dist_words(gaz, r) not in written.words) <= dist + margin
           for r, d in rivals.items()):
        return None
    return best


def _ranked(gaz: Gazetteer, variants: list[tuple[list[str], str]],
            rows: set[int]) -> list[tuple[int, float]]:
    scores = {row: max(fuzz.WRatio(" ".join(t), normalise_name(gaz.nama[row]))
                       for t, _ in variants) for row in rows}
    return sorted(scores.items(), key=lambda kv: (-kv[1], gaz.kode[kv[0]]))


def suggest(gaz: Gazetteer, text: str, pool: set[int] | None,
            result: NameResult) -> list[tuple[int, float]]:
    """Up to three (row, score) best first; within the kecamatan when any there is close."""
    variants = variants_of(text)
    ranked = _ranked(gaz, variants, _candidates(gaz, variants, pool)) if pool else []
    if not any(s >= SUGGEST_SCORE for _, s in ranked):
        ranked = _ranked(gaz, variants, _candidates(gaz, variants))
        if pool is not None and any(r in pool and s >= SUGGEST_SCORE for r, s in ranked):
            ranked = [(r, s) for r, s in ranked if r in pool]
    ranked = [(r, round(s, 1)) for r, s in ranked if s >= SUGGEST_SCORE][:3]
    if result.kind == "none" and ranked and ranked[0][1] >= REVIEW_SCORE:
        tie = len(ranked) > 1 and ranked[1][1] == ranked[0][1]
        result.kind = "ambiguous" if tie else "weak"
    return ranked
