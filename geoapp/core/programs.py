"""The city's programs: what each dataset holds and how it is mapped."""

from __future__ import annotations

import re
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


def _m(key: str, id_: str, en: str, pattern: str, kind: str = "count") -> Measure:
    return Measure(key, Msg(f"measure.{key}", id_, en), re.compile(pattern, re.I), kind)


PROGRAMS: dict[str, Program] = {
    p.key: p
    for p in (
        Program(
            "umkm",
            Msg("program.umkm", "Bantuan modal usaha UMKM/PKL", "UMKM/PKL business-capital aid"),
            "area",
            (
                _m("kelompok", "Kelompok dibantu", "Groups aided", r"kelompok"),
                _m("nilai", "Nilai bantuan", "Aid amount", r"nilai|rupiah|\brp\b", "rupiah"),
            ),
            "bantuan_umkm_pkl.csv",
            filter_header=re.compile(r"^\s*program\b", re.I),
        ),
        Program(
            "blk",
            Msg("program.blk", "Pelatihan BLK Kelurahan", "BLK Kelurahan job training"),
            "area",
            (_m("peserta", "Peserta pelatihan", "Training participants", r"peserta"),),
            "pelatihan_blk_2020.xlsx",
            filter_header=re.compile(r"jenis|pelatihan|kejuruan", re.I),
        ),
        Program(
            "kwt",
            Msg("program.kwt", "Kelompok Wanita Tani (KWT)", "Women farmer groups (KWT)"),
            "points",
            (
                _m("bibit", "Bibit diterima", "Seedlings received", r"bibit"),
                _m("anggota", "Anggota", "Members", r"anggota"),
            ),
            "kwt.csv",
            name_header=re.compile(r"nama", re.I),
        ),
        Program(
            "ecofarm",
            Msg("program.ecofarm", "Ecofarm", "Ecofarm sites"),
            "points",
            (_m("luas", "Luas (m²)", "Area (m²)", r"luas", "number"),),
            "ecofarm.csv",
            name_header=re.compile(r"nama", re.I),
            theme_header=re.compile(r"jenis", re.I),
        ),
        Program(
            "kampung",
            Msg("program.kampung", "Kampung tematik", "Thematic villages (kampung tematik)"),
            "points",
            (),
            "kampung_tematik.csv",
            name_header=re.compile(r"nama", re.I),
            theme_header=re.compile(r"tema", re.I),
        ),
        Program(
            "jobfair",
            Msg("program.jobfair", "Lowongan job fair", "Job fair vacancies"),
            "area",
            (_m("lowongan", "Lowongan", "Vacancies", r"lowongan"),),
            "job_fair_2020.csv",
            name_header=re.compile(r"perusahaan|nama", re.I),
            filter_header=re.compile(r"sektor", re.I),
        ),
        Program(
            "penduduk",
            Msg("program.penduduk", "Jumlah penduduk", "Population"),
            "population",
            (_m("penduduk", "Penduduk", "Residents", r"penduduk|populasi|population|jiwa"),),
            "penduduk_kelurahan.csv",
        ),
    )
}

UNKNOWN_PROGRAM = Msg(
    "unknown_program",
    "Jenis program '{program}' tidak dikenal. Pilih salah satu: {allowed}.",
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
