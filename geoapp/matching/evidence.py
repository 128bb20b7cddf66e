"""The evidence one distinct (kode, kelurahan, kecamatan) text combination carries."""

from __future__ import annotations

from dataclasses import dataclass, field

from geoapp.codes import looks_scientific, normalise_kode
from geoapp.i18n import Msg, Note
from geoapp.matching.aliases import AliasStore
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.resolve import (
    KecamatanResult,
    NameResult,
    resolve_kecamatan,
    resolve_name,
)

KODE_SCIENTIFIC = Msg(
    "kode_scientific",
    id="Kode {value} tertulis dalam notasi ilmiah sehingga digitnya hilang; format kolom kode "
    "sebagai teks di spreadsheet lalu unggah ulang.",
    en="Code {value} is written in scientific notation, so digits were lost; format the code "
    "column as text in the spreadsheet and upload again.",
)
KODE_INVALID = Msg(
    "kode_unrecognised",
    id="Kode {value} bukan kode Kemendagri yang dikenali (contoh 36.71.01.1001); kode diabaikan.",
    en="Code {value} is not a recognisable Kemendagri code (e.g. 36.71.01.1001); it was ignored.",
)
KODE_OUTSIDE = Msg(
    "kode_outside",
    id="Kode {kode} berada di luar wilayah data batas ({wilayah}).",
    en="Code {kode} lies outside the boundary set ({wilayah}).",
)
KODE_UNKNOWN = Msg(
    "kode_unknown",
    id="Kode {kode} tidak ada di daftar kelurahan data batas.",
    en="Code {kode} is not in the boundary set's list of kelurahan.",
)
KODE_BROAD = Msg(
    "kode_broad",
    id="Kode {kode} adalah kode {level}, bukan kode kelurahan; kode diabaikan.",
    en="Code {kode} is a {level} code, not a kelurahan code; it was ignored.",
)
KODE_KECAMATAN = Msg(
    "kode_kecamatan",
    id="Kode {kode} adalah kode kecamatan {nama}; dipakai sebagai kecamatan.",
    en="Code {kode} is the code of kecamatan {nama}; used as the kecamatan.",
)
KEC_UNKNOWN = Msg(
    "kecamatan_unknown",
    id="Kecamatan {value!r} tidak dikenal di data batas wilayah.",
    en="Kecamatan {value!r} is not known in the boundary set.",
)
KEC_CITY = Msg(
    "kecamatan_city",
    id="Kolom kecamatan berisi nama kota/kabupaten ({value!r}); diabaikan.",
    en="The kecamatan column holds a city/regency name ({value!r}); it was ignored.",
)
KEC_CODE_CONFLICT = Msg(
    "kecamatan_code_conflict",
    id="Kode kecamatan {kode} tidak sesuai dengan kecamatan tertulis {value!r}.",
    en="Kecamatan code {kode} does not agree with the written kecamatan {value!r}.",
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

    def code(self, text: str | None) -> tuple[CodeResult, list[Note]]:
        if text not in self._codes:
            notes: list[Note] = []
            self._codes[text] = (resolve_code(self.gaz, text, notes), notes)
        return self._codes[text]

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
    return Evidence(code, kec, name, notes, conflict,
                    str(kel_text or "").strip()[:80], str(kec_text or "").strip()[:60])
