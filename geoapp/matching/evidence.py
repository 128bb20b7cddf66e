"""The evidence one distinct (kode, kelurahan, kecamatan) text combination carries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from geoapp.core.i18n import Msg, Note
from geoapp.matching.aliases import AliasStore
from geoapp.matching.combo_ids import first_seen_ids
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.resolve import (
    KecamatanResult,
    NameResult,
    resolve_kecamatan,
    resolve_name,
)
from geoapp.matching.spelling import close_spelling
from geoapp.values.codes import looks_scientific, normalise_kode

KODE_SCIENTIFIC = Msg(
    "kode_scientific",
    "Code {value} is written in scientific notation, so digits were lost; format the code "
    "column as text in the spreadsheet and upload again.",
)
KODE_INVALID = Msg(
    "kode_unrecognised",
    "Code {value} is not a recognisable Kemendagri code (e.g. 36.71.01.1001); it was ignored.",
)
KODE_OUTSIDE = Msg("kode_outside", "Code {kode} lies outside the boundary set ({wilayah}).")
KODE_UNKNOWN = Msg("kode_unknown", "Code {kode} is not in the boundary set's list of kelurahan.")
KODE_BROAD = Msg(
    "kode_broad",
    "Code {kode} is a {level} code, not a kelurahan code; it was ignored.",
)
KODE_KECAMATAN = Msg(
    "kode_kecamatan",
    "Code {kode} is the code of kecamatan {nama}; used as the kecamatan.",
)
KEC_UNKNOWN = Msg("kecamatan_unknown", "Kecamatan {value!r} is not known in the boundary set.")
KEC_CITY = Msg(
    "kecamatan_city",
    "The kecamatan column holds a city/regency name ({value!r}); it was ignored.",
)
KEC_CODE_CONFLICT = Msg(
    "kecamatan_code_conflict",
    "Kecamatan code {kode} does not agree with the written kecamatan {value!r}.",
)


@dataclass
class CodeResult:
    """kind: empty, row (a kelurahan of the set), kecamatan, outside, unknown, broad, invalid."""

    kind: str
    row: int = -1
    kode: str | None = None
    kec_codes: frozenset[str] = frozenset()


@dataclass
class Evidence:
    """Everything the texts of one row say, before coordinates are considered."""

    code: CodeResult
    kec: KecamatanResult
    name: NameResult
    notes: list[Note] = field(default_factory=list)
    kec_conflict: bool = False        # kecamatan code and written kecamatan disagree
    name_text: str = ""
    kec_text: str = ""
    code_spelling: int = 0            # the name may be a spelling of the code's kelurahan
    # (0 no, spelling.CLOSE, spelling.TYPO: see close_spelling)


def region_label(gaz: Gazetteer) -> str:
    """The kabupaten/kota codes a gazetteer covers, e.g. '36.71'."""
    return ", ".join(sorted(gaz.regions))


def resolve_code(gaz: Gazetteer, text: str | None, notes: list[Note]) -> CodeResult:
    """Read a kode cell: a kelurahan of the set, a kecamatan, or something to note."""
    if text is None or not str(text).strip():
        return CodeResult("empty")
    value = str(text).strip()[:40]
    kode = normalise_kode(text)
    if kode is None:
        notes.append(Note.of(KODE_SCIENTIFIC if looks_scientific(value) else KODE_INVALID,
                             value=value))
        return CodeResult("invalid")
    levels = kode.count(".")
    if levels == 3 and kode in gaz.by_kode:
        return CodeResult("row", row=gaz.by_kode[kode], kode=kode)
    if levels == 2 and kode in gaz.members:
        notes.append(Note.of(KODE_KECAMATAN, kode=kode, nama=gaz.kecamatan_label(kode)))
        return CodeResult("kecamatan", kode=kode, kec_codes=frozenset({kode}))
    regions = gaz.regions
    if levels < 2 and any(r == kode or r.startswith(kode + ".") for r in regions):
        level = "provinsi" if levels == 0 else "kabupaten/kota"
        notes.append(Note.of(KODE_BROAD, kode=kode, level=level))
        return CodeResult("broad", kode=kode)
    if levels >= 2 and ".".join(kode.split(".")[:2]) in regions:
        notes.append(Note.of(KODE_UNKNOWN, kode=kode))
        return CodeResult("unknown", kode=kode)
    notes.append(Note.of(KODE_OUTSIDE, kode=kode, wilayah=region_label(gaz)))
    return CodeResult("outside", kode=kode)


class Resolver:
    """Resolves texts once each: codes, kecamatan and names repeat across combinations."""

    def __init__(self, gaz: Gazetteer, aliases: AliasStore | None) -> None:
        self.gaz, self.aliases = gaz, aliases
        self._codes: dict[str | None, tuple[CodeResult, list[Note]]] = {}
        self._kec: dict[str | None, KecamatanResult] = {}
        self._names: dict[tuple, NameResult] = {}
        self._scoped = aliases is not None and aliases.has_kecamatan_aliases
        self._spelling: dict[tuple[str | None, int], int] = {}

    def code(self, text: str | None) -> tuple[CodeResult, list[Note]]:
        if text not in self._codes:
            notes: list[Note] = []
            self._codes[text] = (resolve_code(self.gaz, text, notes), notes)
        return self._codes[text]

    def spelling(self, text: str | None, row: int) -> int:
        key = (text, row)
        if key not in self._spelling:
            self._spelling[key] = close_spelling(self.gaz, text, row)
        return self._spelling[key]

    def kecamatan(self, text: str | None) -> KecamatanResult:
        if text not in self._kec:
            self._kec[text] = resolve_kecamatan(self.gaz, text)
        return self._kec[text]

    def name(self, text: str | None, kec: KecamatanResult, kec_text: str | None) -> NameResult:
        key = (text, kec.kind, kec.codes, kec_text if self._scoped else None)
        if key not in self._names:
            self._names[key] = resolve_name(self.gaz, text, kec, self.aliases, kec_text)
        return self._names[key]


def gather(resolver: Resolver, kode_text: str | None, kel_text: str | None,
           kec_text: str | None) -> Evidence:
    """Resolve the three texts of one distinct combination."""
    code, code_notes = resolver.code(kode_text)
    notes = list(code_notes)
    kec = resolver.kecamatan(kec_text)
    conflict = False
    if kec.kind == "unknown":
        notes.append(Note.of(KEC_UNKNOWN, value=str(kec_text).strip()[:60]))
    elif kec.kind == "city":
        notes.append(Note.of(KEC_CITY, value=str(kec_text).strip()[:60]))
    if code.kind == "kecamatan":
        if kec.kind == "known" and not (kec.codes & code.kec_codes):
            conflict = True
            notes.append(Note.of(KEC_CODE_CONFLICT, kode=code.kode, value=str(kec_text)[:60]))
        elif kec.kind != "unknown":
            kec = KecamatanResult("known", code.kec_codes)
    name = resolver.name(kel_text, kec, kec_text)
    spelling = resolver.spelling(kel_text, code.row) if code.kind == "row" else 0
    return Evidence(code, kec, name, notes, conflict,
                    str(kel_text or "").strip()[:80], str(kec_text or "").strip()[:60], spelling)


class TextSlot(str):
    """Stands for a row's own text in evidence shared by many spellings.

    Notes built from class-level evidence carry slots; ``fill_slots`` puts each
    combination's own (trimmed) text back before a note is rendered.
    """


NAME_SLOT = TextSlot("\x00kelurahan")
KEC_SLOT = TextSlot("\x00kecamatan")
KEC_RAW_SLOT = TextSlot("\x00kecamatan-raw")


def slot_values(kel_text: str | None, kec_text: str | None) -> dict[TextSlot, str]:
    """The texts the slots stand for, trimmed exactly as ``gather`` trims them."""
    return {
        NAME_SLOT: str(kel_text or "").strip()[:80],
        KEC_SLOT: str(kec_text or "").strip()[:60],
        KEC_RAW_SLOT: str(kec_text)[:60],
    }


def fill_slots(note: Note, values: dict[TextSlot, str]) -> Note:
    """The note with every slot parameter replaced by its text."""
    if not any(isinstance(v, TextSlot) for _, v in note.params):
        return note
    params = tuple((k, values[v] if isinstance(v, TextSlot) else v) for k, v in note.params)
    return Note(note.msg, params)


def slot_renderer(note: Note, lang: str) -> Callable[[dict[TextSlot, str]], str]:
    """``values -> fill_slots(note, values).text(lang)``, with the template looked up once."""
    template, params = note.msg.template(lang), dict(note.params)
    slots = [(k, v) for k, v in note.params if isinstance(v, TextSlot)]

    def render(values: dict[TextSlot, str]) -> str:
        try:
            return template.format(**{**params, **{k: values[v] for k, v in slots}})
        except (KeyError, IndexError, ValueError):
            return template

    return render


def uses_slots(notes: list[Note]) -> tuple[bool, bool]:
    """(uses the kelurahan text, uses the kecamatan text) among ``notes``."""
    slots = {v for n in notes for _, v in n.params if isinstance(v, TextSlot)}
    return NAME_SLOT in slots, bool(slots & {KEC_SLOT, KEC_RAW_SLOT})


def _name_key(name: NameResult) -> tuple:
    """Everything ``decide`` reads from a NameResult (NaN scores compare as None)."""
    score = None if name.score != name.score else float(name.score)
    return (name.kind, name.row, score, tuple(name.suggestions), frozenset(name.kecamatan_of_name))


class _Interner:
    """Gives equal keys the same small integer; remembers one object per id."""

    def __init__(self) -> None:
        self.ids: dict[object, int] = {}
        self.items: list[object] = []

    def id(self, key: object, item: object) -> int:
        if key not in self.ids:
            self.ids[key] = len(self.items)
            self.items.append(item)
        return self.ids[key]


@dataclass
class ComboTexts:
    """Distinct (kode, kelurahan, kecamatan) combinations as ids into each column's texts."""

    kode: np.ndarray            # per combination: index into kode_values
    kel: np.ndarray
    kec: np.ndarray
    kode_values: list[str | None]
    kel_values: list[str | None]
    kec_values: list[str | None]


@dataclass
class EvidenceClasses:
    """Combinations grouped by what their texts say; texts in notes are slots."""

    ids: np.ndarray               # per combination: index into ``evidence``
    evidence: list[Evidence]


def _unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct values, first position of each, per element index into the distinct values)."""
    uniq, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    return uniq, first, inverse.reshape(-1)


def _code_classes(resolver: Resolver, combos: ComboTexts) -> tuple[np.ndarray, list]:
    """Per kode text its class id; per class (CodeResult, notes)."""
    interner = _Interner()
    out = np.full(len(combos.kode_values), -1, dtype=np.int64)
    for i in np.unique(combos.kode).tolist():
        code, notes = resolver.code(combos.kode_values[i])
        key = (code.kind, code.row, code.kode, code.kec_codes, tuple(notes))
        out[i] = interner.id(key, (code, notes))
    return out, interner.items


def _kec_classes(resolver: Resolver, combos: ComboTexts) -> tuple[np.ndarray, list]:
    """Per kecamatan text its class id; per class the KecamatanResult."""
    interner = _Interner()
    out = np.full(len(combos.kec_values), -1, dtype=np.int64)
    for i in np.unique(combos.kec).tolist():
        kec = resolver.kecamatan(combos.kec_values[i])
        out[i] = interner.id((kec.kind, kec.codes), kec)
    return out, interner.items


def _pair_context(code: CodeResult, code_notes: list[Note],
                  kec: KecamatanResult) -> tuple[KecamatanResult, bool, list[Note]]:
    """What ``gather`` derives from a code and a kecamatan (texts as slots)."""
    notes = list(code_notes)
    conflict = False
    if kec.kind == "unknown":
        notes.append(Note.of(KEC_UNKNOWN, value=KEC_SLOT))
    elif kec.kind == "city":
        notes.append(Note.of(KEC_CITY, value=KEC_SLOT))
    if code.kind == "kecamatan":
        if kec.kind == "known" and not (kec.codes & code.kec_codes):
            conflict = True
            notes.append(Note.of(KEC_CODE_CONFLICT, kode=code.kode, value=KEC_RAW_SLOT))
        elif kec.kind != "unknown":
            kec = KecamatanResult("known", code.kec_codes)
    return kec, conflict, notes


def gather_classes(resolver: Resolver, combos: ComboTexts,
                   progress: Callable[[int, int], None] | None = None) -> EvidenceClasses:
    """The evidence of every combination, resolved once per distinct text and grouped.

    Same result as ``gather`` per combination, except that the row's own kelurahan and
    kecamatan texts appear as slots (``NAME_SLOT``, ``KEC_SLOT``, ``KEC_RAW_SLOT``).
    """
    total = len(combos.kode)
    code_cls, codes = _code_classes(resolver, combos)
    kec_cls, kecs = _kec_classes(resolver, combos)
    pair_key = code_cls[combos.kode] * max(len(kecs), 1) + kec_cls[combos.kec]
    pairs, pair_first, pair_of = _unique_inverse(pair_key)
    effective = _Interner()
    contexts = []
    for first in pair_first.tolist():
        code, code_notes = codes[code_cls[combos.kode[first]]]
        kec, conflict, notes = _pair_context(code, code_notes, kecs[kec_cls[combos.kec[first]]])
        contexts.append((code, kec, conflict, notes, effective.id((kec.kind, kec.codes), kec)))
    eff_of = np.array([c[4] for c in contexts], dtype=np.int64)[pair_of] if total else pair_of
    name_cls = _name_classes(resolver, combos, eff_of, effective.items, total, progress)
    names = name_cls[1]
    spelling = _spelling_flags(resolver, combos, [c[0] for c in contexts], pair_of)
    class_key = (pair_of.astype(np.int64) * max(len(names), 1) + name_cls[0]) * 3 + spelling
    _, class_first, class_of = _unique_inverse(class_key)
    evidence = []
    for first in class_first.tolist():
        code, kec, conflict, notes, _ = contexts[pair_of[first]]
        evidence.append(Evidence(code, kec, names[name_cls[0][first]], list(notes), conflict,
                                 NAME_SLOT, KEC_SLOT, int(spelling[first])))
    return EvidenceClasses(class_of.astype(np.int64), evidence)


def _spelling_flags(resolver: Resolver, combos: ComboTexts, codes: list[CodeResult],
                    pair_of: np.ndarray) -> np.ndarray:
    """Per combination: how close its name is to its code's kelurahan (close_spelling)."""
    rows = np.array([c.row if c.kind == "row" else -1 for c in codes] + [-1], dtype=np.int64)
    per_combo = rows[pair_of] if len(pair_of) else np.zeros(0, dtype=np.int64)
    out = np.zeros(len(per_combo), dtype=np.int64)
    todo = np.flatnonzero(per_combo >= 0)
    if not len(todo):
        return out
    kel, row = combos.kel[todo].astype(np.int64), per_combo[todo]
    pair, first = first_seen_ids(kel * (int(row.max()) + 1) + row)   # each (name, row) once
    flags = [resolver.spelling(combos.kel_values[k], r)
             for k, r in zip(kel[first].tolist(), row[first].tolist(), strict=True)]
    out[todo] = np.array(flags, dtype=np.int64)[pair]
    return out


def _name_classes(resolver: Resolver, combos: ComboTexts, eff_of: np.ndarray,
                  effective: list, total: int,
                  progress: Callable[[int, int], None] | None) -> tuple[np.ndarray, list]:
    """Per combination the class of its resolved kelurahan name; per class a NameResult."""
    scoped = resolver._scoped
    key = combos.kel.astype(np.int64) * max(len(effective), 1) + eff_of
    if scoped:
        key = key * max(len(combos.kec_values), 1) + combos.kec
    _, first, inverse = _unique_inverse(key)
    counts = np.bincount(inverse, minlength=len(first)) if total else np.zeros(0, int)
    interner = _Interner()
    cls = np.empty(len(first), dtype=np.int64)
    step, done, reported = max(1, total // 100), 0, 0
    for j, row in enumerate(first.tolist()):
        name = resolver.name(combos.kel_values[combos.kel[row]], effective[eff_of[row]],
                             combos.kec_values[combos.kec[row]])
        cls[j] = interner.id(_name_key(name), name)
        done += int(counts[j])
        if progress is not None and (done - reported >= step or done == total):
            progress(done, total)
            reported = done
    return cls[inverse] if total else cls, interner.items
