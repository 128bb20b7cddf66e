"""Match record rows to kelurahan: kode, koordinat, nama, alias, fuzzy (in that order).

Each text is resolved once; combinations whose texts say the same thing share one
evidence class, and a decision is made once per (class, point situation). Notes are
rendered once per decision and spelling, then everything is broadcast back to the
rows with integer takes, so the cost grows with distinct names, not with rows.
Pandas Categorical columns (the record reader's output) are used without factorizing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note, normalise_lang
from geoapp.matching.aliases import AliasStore
from geoapp.matching.combo_ids import combination_ids
from geoapp.matching.decide import EXCLUDED, NEAR_METRES, Decision, PointFacts, decide, text_target
from geoapp.matching.evidence import (
    ComboTexts,
    EvidenceClasses,
    Resolver,
    TextSlot,
    gather_classes,
    slot_renderer,
    slot_values,
    uses_slots,
)
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.spatial import PointLocation, distance_m, locate_points
from geoapp.matching.types import MatchResult

LENGTH_MISMATCH = Msg(
    "match_length_mismatch",
    "The input columns differ in length ({lengths}); every column needs one value per row.",
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
    combo, combo_first, texts = _combinations([kode, kelurahan, kecamatan], n)
    classes = gather_classes(Resolver(gazetteer, aliases), texts, progress)
    point_key, facts = _point_facts(gazetteer, classes, combo, lat, lon, n)
    situation, first = _situations(point_key, combo, combo_first)
    sit_class = classes.ids[combo[first]]
    dec_of, dec_first = _decision_keys(sit_class, None if point_key is None else point_key[first])
    decisions = [decide(gazetteer, classes.evidence[sit_class[j]], facts(first[j]))
                 for j in dec_first.tolist()]
    notes = _notes(decisions, dec_of, texts, combo[first], lang)
    return _assemble(decisions, dec_of, notes, situation, exclude, lang)


def _row_count(**columns: object) -> int:
    lengths = {name: len(col) for name, col in columns.items() if col is not None}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k}={v}" for k, v in lengths.items())
        raise GeoappError(LENGTH_MISMATCH, 400, lengths=shown)
    return next(iter(lengths.values()), 0)


def _codes(column: Sequence[str] | None, n: int) -> tuple[np.ndarray, list[str | None]]:
    """Factorize one text column; -1 (absent/empty) maps to slot 0 holding None.

    A Categorical column already holds its codes; it may list texts no row uses.
    """
    if column is None:
        return np.zeros(n, dtype="int64"), [None]
    series = column if isinstance(column, pd.Series) else pd.Series(list(column), dtype=object)
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        uniques = series.cat.categories.to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(series.reset_index(drop=True), use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
    values = [None, *(None if pd.isna(u) else str(u) for u in uniques)]
    return np.add(codes, 1, dtype="int64"), values


def _combinations(columns: list, n: int) -> tuple[np.ndarray, np.ndarray, ComboTexts]:
    """Per row the id of its distinct text combination, a first row of each, their text ids."""
    parts = [_codes(col, n) for col in columns]
    combo, first = combination_ids([(codes, len(values)) for codes, values in parts])
    ids = [codes[first] for codes, _ in parts]
    texts = ComboTexts(*ids, *(values for _, values in parts))
    return combo, first, texts


def _point_facts(gaz: Gazetteer, classes: EvidenceClasses, combo: np.ndarray,
                 lat: np.ndarray | None, lon: np.ndarray | None, n: int):
    """A per-row integer describing the point situation (None: no points), and a
    row -> PointFacts function."""
    if lat is None or lon is None or gaz.geometry is None:
        return None, lambda i: PointFacts()
    loc: PointLocation = locate_points(gaz, np.asarray(lon, "float64"), np.asarray(lat, "float64"))
    per_class = np.array([text_target(ev) for ev in classes.evidence] + [-1], dtype="int64")
    targets = per_class[classes.ids][combo] if n else np.zeros(0, dtype="int64")
    near = np.zeros(n, dtype=bool)
    check = np.flatnonzero((loc.index >= 0) & (targets >= 0) & (loc.index != targets))
    if len(check):
        dist = distance_m(gaz, targets[check], np.asarray(lon)[check], np.asarray(lat)[check])
        near[check] = dist <= NEAR_METRES
    others_id, others = _others_codes(loc.others)
    key = (((loc.index + 1) * 2 + loc.outside) * 2 + near) * (len(others) + 1) + others_id + 1

    def facts(i: int) -> PointFacts:
        oid = others_id[i]
        return PointFacts(int(loc.index[i]), bool(loc.outside[i]), bool(near[i]),
                          others[oid] if oid >= 0 else None)

    return key.astype("int64"), facts


def _others_codes(others: np.ndarray) -> tuple[np.ndarray, list]:
    """Factorize the overlap texts (mostly None) touching only the rows that have one."""
    ids = np.full(len(others), -1, dtype="int64")
    present = np.flatnonzero(pd.notna(others)) if len(others) else np.zeros(0, int)
    if not len(present):
        return ids, []
    codes, uniques = pd.factorize(pd.Series(others[present], dtype=object))
    ids[present] = codes
    return ids, list(uniques)


def _situations(point_key: np.ndarray | None, combo: np.ndarray,
                combo_first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (combination, point situation) pairs: per-row id and a first row of each."""
    if point_key is None or not len(combo) or not point_key.any():
        return combo, combo_first
    # point keys are small non-negative integers, combined as they are (fewest values first)
    return combination_ids([(point_key, int(point_key.max()) + 1), (combo, len(combo_first))])


def _decision_keys(cls: np.ndarray,
                   point_key: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Per situation its decision id, and one situation per decision (class + point facts)."""
    if not len(cls):
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    key = cls
    if point_key is not None:
        pk, _ = pd.factorize(point_key)
        key = cls * (int(pk.max()) + 1) + pk
    ids, uniques = pd.factorize(key)
    first = np.full(len(uniques), -1, dtype="int64")
    first[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)
    return ids.astype("int64"), first


def _notes(decisions: list[Decision], dec_of: np.ndarray, texts: ComboTexts,
           situation_combo: np.ndarray, lang: str) -> np.ndarray:
    """The rendered note per situation: once per decision and the spellings it quotes."""
    if not len(dec_of):
        return np.empty(0, dtype=object)
    needs = [uses_slots(d.notes) for d in decisions]
    name_used = np.array([u[0] for u in needs] + [False], dtype=bool)[dec_of]
    kec_used = np.array([u[1] for u in needs] + [False], dtype=bool)[dec_of]
    kel = np.where(name_used, texts.kel[situation_combo], -1).astype("int64")
    kec = np.where(kec_used, texts.kec[situation_combo], -1).astype("int64")
    inverse, first = combination_ids([(dec_of.astype("int64"), len(decisions)),
                                      (kel + 1, len(texts.kel_values) + 1),
                                      (kec + 1, len(texts.kec_values) + 1)])
    parts_of: dict[int, list] = {}
    rendered = np.empty(len(first), dtype=object)
    for j, (d, k, c) in enumerate(zip(dec_of[first].tolist(), kel[first].tolist(),
                                      kec[first].tolist(), strict=True)):
        if d not in parts_of:   # per note of the decision: its text, or a slot renderer
            parts_of[d] = [(None, slot_renderer(n, lang))
                           if any(isinstance(v, TextSlot) for _, v in n.params) else (n.text(lang), None)
                           for n in decisions[d].notes]
        parts = [t for t, _ in parts_of[d]]
        if k >= 0 or c >= 0:
            values = slot_values(texts.kel_values[k] if k >= 0 else None,
                                 texts.kec_values[c] if c >= 0 else None)
            parts = [t if t is not None else render(values) for t, render in parts_of[d]]
        rendered[j] = " ".join(dict.fromkeys(parts))
    return rendered[inverse]


def _object_array(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def _assemble(decisions: list[Decision], dec_of: np.ndarray, notes: np.ndarray,
              situation: np.ndarray, exclude: np.ndarray | None, lang: str) -> MatchResult:
    """Per-situation outcome arrays (plus an 'excluded' slot), broadcast to the rows."""
    kode = np.array([d.kode for d in decisions] + [None], dtype=object)[np.append(dec_of, -1)]
    status = np.array([d.status for d in decisions] + ["excluded"], dtype=object)[np.append(dec_of, -1)]
    method = np.array([d.method for d in decisions] + [""], dtype=object)[np.append(dec_of, -1)]
    score = np.array([d.score for d in decisions] + [np.nan], dtype="float64")[np.append(dec_of, -1)]
    note = np.append(notes, Note.of(EXCLUDED).text(lang)).astype(object)
    sugg = _object_array([d.suggestions for d in decisions] + [[]])[np.append(dec_of, -1)]
    idx = situation.copy()
    if exclude is not None:
        idx[np.asarray(exclude, dtype=bool)] = len(dec_of)
    return MatchResult(kode=kode.take(idx), status=status.take(idx), method=method.take(idx),
                       score=score.take(idx), note=note.take(idx),
                       suggestions=sugg.take(idx).tolist())

