"""The city's programs: what each dataset holds and how it is mapped.

This is the one program registry: the store (``geoapp.store.models.PROGRAMS``), the
figures and the places read their program keys, titles, measures and column rules here.
``detect_columns`` finds, once when a version is stored, where each role's values are
(``ColumnMap``); readers then use the stored map instead of matching headers again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg


@dataclass(frozen=True)
class Measure:
    """A numeric column a program is mapped by, found by its header."""

    key: str
    title: Msg
    header: re.Pattern[str]
    kind: str = "count"          # count | rupiah | number


@dataclass(frozen=True)
class Program:
    key: str
    title: Msg
    kind: str                    # area (choropleth) | points | population
    measures: tuple[Measure, ...] = ()
    sample_file: str = ""
    name_header: re.Pattern[str] | None = None   # the place/group name column (points)
    theme_header: re.Pattern[str] | None = None  # kampung tematik theme, ecofarm type
    filter_header: re.Pattern[str] | None = None  # a sub-program column (BISA / Emas)
    year_header: re.Pattern[str] | None = re.compile(r"^\s*tahun\b", re.I)


def _m(key: str, title: Msg, pattern: str, kind: str = "count") -> Measure:
    return Measure(key, title, re.compile(pattern, re.I), kind)


PROGRAMS: dict[str, Program] = {
    p.key: p
    for p in (
        Program(
            "umkm",
            Msg("program.umkm", "UMKM/PKL business-capital aid"),
            "area",
            (
                _m("kelompok", Msg("measure.kelompok", "Groups aided"), r"kelompok"),
                _m("nilai", Msg("measure.nilai", "Aid amount"), r"nilai|rupiah|\brp\b", "rupiah"),
            ),
            "bantuan_umkm_pkl.csv",
            filter_header=re.compile(r"^\s*program\b", re.I),
        ),
        Program(
            "blk",
            Msg("program.blk", "BLK Kelurahan job training"),
            "area",
            (_m("peserta", Msg("measure.peserta", "Training participants"), r"peserta"),),
            "pelatihan_blk_2020.xlsx",
            filter_header=re.compile(r"jenis|pelatihan|kejuruan", re.I),
        ),
        Program(
            "kwt",
            Msg("program.kwt", "Women farmer groups (KWT)"),
            "points",
            (
                _m("bibit", Msg("measure.bibit", "Seedlings received"), r"bibit"),
                _m("anggota", Msg("measure.anggota", "Members"), r"anggota"),
            ),
            "kwt.csv",
            name_header=re.compile(r"nama", re.I),
        ),
        Program(
            "ecofarm",
            Msg("program.ecofarm", "Ecofarm sites"),
            "points",
            (_m("luas", Msg("measure.luas", "Area (m²)"), r"luas", "number"),),
            "ecofarm.csv",
            name_header=re.compile(r"nama", re.I),
            theme_header=re.compile(r"jenis", re.I),
        ),
        Program(
            "kampung",
            Msg("program.kampung", "Thematic villages (kampung tematik)"),
            "points",
            (),
            "kampung_tematik.csv",
            name_header=re.compile(r"nama", re.I),
            theme_header=re.compile(r"tema", re.I),
        ),
        Program(
            "jobfair",
            Msg("program.jobfair", "Job fair vacancies"),
            "area",
            (_m("lowongan", Msg("measure.lowongan", "Vacancies"), r"lowongan"),),
            "job_fair_2020.csv",
            name_header=re.compile(r"perusahaan|nama", re.I),
            filter_header=re.compile(r"sektor", re.I),
        ),
        Program(
            "penduduk",
            Msg("program.penduduk", "Population"),
            "population",
            (_m("penduduk", Msg("measure.penduduk", "Residents"),
                r"penduduk|populasi|population|jiwa"),),
            "penduduk_kelurahan.csv",
        ),
    )
}

UNKNOWN_PROGRAM = Msg(
    "unknown_program",
    "Unknown program type '{program}'. Choose one of: {allowed}.",
)


def get_program(key: str) -> Program:
    """The program with this key, or a clear error listing the allowed ones."""
    program = PROGRAMS.get(str(key))
    if program is None:
        raise GeoappError(UNKNOWN_PROGRAM, 400, program=str(key)[:50], allowed=", ".join(PROGRAMS))
    return program


def find_header(headers: list[str], pattern: re.Pattern[str] | None) -> int | None:
    """Position of the first header matching the pattern, or None."""
    if pattern is None:
        return None
    return next((i for i, h in enumerate(headers) if h and pattern.search(h)), None)


# --------------------------------------------------------------------------- column roles

ALAMAT_HEADER = re.compile(r"alamat", re.I)
PLACE_ADDRESS_HEADER = re.compile(r"alamat|lokasi", re.I)
CONTACT_HEADER = re.compile(r"kontak|telepon|telp|\bhp\b|narahubung|contact", re.I)
ANY_THEME_HEADER = re.compile(r"jenis|tema", re.I)
# A place NAME header: not a code/identifier/count column ("ID_DESA", "Jumlah Desa").
_NOT_A_NAME = r"(?!.*kode)(?!.*(?:^|[^a-z])(?:kd|id|no|nomor|jumlah|jml|luas)(?:[^a-z]|$))"
KELURAHAN_HEADER = re.compile(rf"^{_NOT_A_NAME}.*(kelurahan|desa)", re.I)
KECAMATAN_HEADER = re.compile(rf"^{_NOT_A_NAME}.*(kecamatan|\bkec\b)", re.I)
LAT_HEADER = re.compile(r"lintang|latitude|^\s*lat\b", re.I)
LON_HEADER = re.compile(r"bujur|longitude|^\s*(lon|lng|long)\b", re.I)

# role -> how its column is found (first header matching the rule):
#   year     the program's year_header            sub      the program's filter_header
#   name     the program's name_header            theme    the program's theme_header
#   alamat   a header with "alamat" (the address shown with figures' point layers)
#   address  "alamat" or "lokasi", unless that is the name column, then "alamat" (places)
#   contact  kontak / telepon / telp / hp / narahubung / contact
#   place_theme  the program's theme_header, else "jenis" or "tema" (the place editor's
#            theme/type field, also for KWT, whose figures have no theme)
#   kelurahan, kecamatan  a kelurahan/desa or kecamatan NAME header (not a "kode" one)
#   lat, lon     lintang/latitude/lat and bujur/longitude/lon/lng/long
ROLES = ("year", "sub", "name", "theme", "alamat", "address", "contact",
         "place_theme", "kelurahan", "kecamatan", "lat", "lon")


@dataclass(frozen=True)
class ColumnMap:
    """Where one dataset's values are: role -> column position in the row's cells (None:
    the dataset has no such column) and Measure.key -> the dataset's measure name."""

    roles: tuple[tuple[str, int | None], ...]
    measures: tuple[tuple[str, str], ...]

    def position(self, role: str) -> int | None:
        return dict(self.roles).get(role)

    def measure_names(self) -> dict[str, str]:
        """Measure.key -> the dataset's measure name (header) it was found under."""
        return dict(self.measures)

    def as_dict(self) -> dict[str, dict]:
        return {"roles": dict(self.roles), "measures": dict(self.measures)}

    @classmethod
    def from_dict(cls, data: object) -> ColumnMap | None:
        """The map written by ``as_dict``; None when ``data`` is not one or lacks a role (a
        map stored before the role was added: the caller detects it again)."""
        if not isinstance(data, Mapping):
            return None
        roles, measures = data.get("roles"), data.get("measures")
        if not isinstance(roles, Mapping) or not isinstance(measures, Mapping):
            return None
        if any(r not in roles for r in ROLES):
            return None
        positions = tuple((r, _position(roles[r])) for r in ROLES)
        return cls(positions, tuple((str(k), str(v)) for k, v in measures.items()))


def _position(value: object) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value if ok else None


def detect_columns(program: str, headers: Sequence[str], measures: Sequence[str]) -> ColumnMap:
    """Find each role's column among ``headers`` and each measure among ``measures``."""
    spec = PROGRAMS[program]
    headers = [str(h) for h in headers]
    found = {"year": find_header(headers, spec.year_header),
             "sub": find_header(headers, spec.filter_header),
             "name": find_header(headers, spec.name_header),
             "theme": find_header(headers, spec.theme_header),
             "alamat": find_header(headers, ALAMAT_HEADER),
             "address": find_header(headers, PLACE_ADDRESS_HEADER),
             "contact": find_header(headers, CONTACT_HEADER),
             "place_theme": find_header(headers, spec.theme_header or ANY_THEME_HEADER),
             "kelurahan": find_header(headers, KELURAHAN_HEADER),
             "kecamatan": find_header(headers, KECAMATAN_HEADER),
             "lat": find_header(headers, LAT_HEADER),
             "lon": find_header(headers, LON_HEADER)}
    if found["address"] is not None and found["address"] == found["name"]:
        found["address"] = found["alamat"]
    names = []
    for measure in spec.measures:
        name = next((str(m) for m in measures if measure.header.search(str(m))), None)
        if name is not None:
            names.append((measure.key, name))
    return ColumnMap(tuple((r, found[r]) for r in ROLES), tuple(names))
