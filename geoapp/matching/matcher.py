"""Match record rows to kelurahan: kode, koordinat, nama, alias, fuzzy (in that order).

Work is done once per distinct (kode, kelurahan, kecamatan) text combination and
once per distinct situation (combination + where the point fell), then broadcast
back to the rows, so the cost grows with distinct names, not with rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from geoapp.errors import GeoappError
from geoapp.i18n import Msg, Note, normalise_lang
from geoapp.matching.aliases import AliasStore
from geoapp.matching.decide import EXCLUDED, NEAR_METRES, Decision, PointFacts, decide, text_target
from geoapp.matching.evidence import Evidence, Resolver, gather
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.spatial import PointLocation, distance_m, locate_points
from geoapp.matching.types import MatchResult

LENGTH_MISMATCH = Msg(
    "match_length_mismatch",
    id="Kolom masukan tidak sama panjang ({lengths}); setiap kolom harus punya satu nilai per baris.",
    en="The input columns differ in length ({lengths}); every column needs one value per row.",
)

Progress = Callable[[int, int], None]


def match_rows(*, kode: Sequence[str] | None, kelurahan: Sequence[str] | None,
               kecamatan: Sequence[str] | None, lat: np.ndarray | None, lon: np.ndarray | None,
               exclude: np.ndarray | None, gazetteer: Gazetteer,
               aliases: AliasStore | None = None, lang: str = "id",
               progress: Progress | None = None) -> MatchResult:
    """Match every row to a kelurahan of ``gazetteer``; rows with ``exclude`` True are excluded.

    Rows in the same situation share one suggestions list object; treat it as read-only.
    """
    lang = normalise_lang(lang)
    n = _row_count(kode=kode, kelurahan=kelurahan, kecamatan=kecamatan, lat=lat, lon=lon,
                   exclude=exclude)
    combo, texts = _combinations([kode, kelurahan, kecamatan], n)
    evidence = _gather_all(gazetteer, texts, aliases, progress)
    facts_key, facts = _point_facts(gazetteer, combo, evidence, lat, lon, n)
    situation, first = _factorize(facts_key, combo, n)
    decisions = [decide(gazetteer, evidence[combo[i]], facts(i)) for i in first]
    return _assemble(decisions, situation, exclude, n, lang)


def _row_count(**columns: object) -> int:
    lengths = {name: len(col) for name, col in columns.items() if col is not None}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k}={v}" for k, v in lengths.items())
        raise GeoappError(LENGTH_MISMATCH, 400, lengths=shown)
    return next(iter(lengths.values()), 0)


def _codes(column: Sequence[str] | None, n: int) -> tuple[np.ndarray, list[str | None]]:
    """Factorize one text column; -1 (absent/empty) maps to slot 0 holding None."""
    if column is None:
        return np.zeros(n, dtype="int64"), [None]
    series = column if isinstance(column, pd.Series) else pd.Series(list(column), dtype=object)
    codes, uniques = pd.factorize(series.reset_index(drop=True), use_na_sentinel=True)
    values = [None, *(None if pd.isna(u) else str(u) for u in np.asarray(uniques, dtype=object))]
    return codes.astype("int64") + 1, values


def _combinations(columns: list, n: int) -> tuple[np.ndarray, list[tuple]]:
    """Per row the id of its distinct text combination, and each combination's texts."""
    parts = [_codes(col, n) for col in columns]
    key = np.zeros(n, dtype="int64")
    for codes, values in parts:
        key, _ = pd.factorize(key * len(values) + codes)
        key = key.astype("int64")
    combo, first = _first_rows(key)
    texts = [tuple(values[codes[i]] for codes, values in parts) for i in first]
    return combo, texts


def _first_rows(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ids, uniques = pd.factorize(key)
    first = np.full(len(uniques), -1, dtype="int64")
    first[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)
    return ids.astype("int64"), first


def _gather_all(gaz: Gazetteer, texts: list[tuple], aliases: AliasStore | None,
                progress: Progress | None) -> list[Evidence]:
    total = len(texts)
    step = max(1, total // 100)
    resolver = Resolver(gaz, aliases)
    out = []
    for done, (kode_text, kel_text, kec_text) in enumerate(texts, start=1):
        out.append(gather(resolver, kode_text, kel_text, kec_text))
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)
    return out


def _point_facts(gaz: Gazetteer, combo: np.ndarray, evidence: list[Evidence],
                 lat: np.ndarray | None, lon: np.ndarray | None, n: int):
    """A per-row integer describing the point situation, and a row -> PointFacts function."""
    if lat is None or lon is None or gaz.geometry is None:
        return np.zeros(n, dtype="int64"), lambda i: PointFacts()
    loc: PointLocation = locate_points(gaz, np.asarray(lon, "float64"), np.asarray(lat, "float64"))
    targets = np.array([text_target(ev) for ev in evidence], dtype="int64")[combo]
    near = np.zeros(n, dtype=bool)
    check = np.flatnonzero((loc.index >= 0) & (targets >= 0) & (loc.index != targets))
    if len(check):
        dist = distance_m(gaz, targets[check], np.asarray(lon)[check], np.asarray(lat)[check])
        near[check] = dist <= NEAR_METRES
    others_id, others = pd.factorize(pd.Series(loc.others, dtype=object), use_na_sentinel=True)
    others = list(others)
    key = (((loc.index + 1) * 2 + loc.outside) * 2 + near) * (len(others) + 1) + others_id + 1

    def facts(i: int) -> PointFacts:
        oid = others_id[i]
        return PointFacts(int(loc.index[i]), bool(loc.outside[i]), bool(near[i]),
                          others[oid] if oid >= 0 else None)

    return key.astype("int64"), facts


def _factorize(point_key: np.ndarray, combo: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (combination, point situation) pairs: per-row id and a first row of each."""
    if n == 0:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    pk, _ = pd.factorize(point_key)
    width = int(pk.max()) + 1
    return _first_rows(combo * width + pk)


def _assemble(decisions: list[Decision], situation: np.ndarray, exclude: np.ndarray | None,
              n: int, lang: str) -> MatchResult:
    kode = np.array([d.kode for d in decisions] + [None], dtype=object)
    status = np.array([d.status for d in decisions] + ["excluded"], dtype=object)
    method = np.array([d.method for d in decisions] + [""], dtype=object)
    score = np.array([d.score for d in decisions] + [np.nan], dtype="float64")
    note = np.array([_render(d.notes, lang) for d in decisions]
                    + [Note.of(EXCLUDED).text(lang)], dtype=object)
    sugg = [d.suggestions for d in decisions] + [[]]
    idx = situation.copy()
    if exclude is not None:
        idx[np.asarray(exclude, dtype=bool)] = len(decisions)
    return MatchResult(kode=kode[idx], status=status[idx], method=method[idx], score=score[idx],
                       note=note[idx], suggestions=[sugg[i] for i in idx.tolist()])


def _render(notes: list[Note], lang: str) -> str:
    return " ".join(dict.fromkeys(n.text(lang) for n in notes))
