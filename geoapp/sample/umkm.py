"""bantuan_umkm_pkl.csv: business-capital aid recap per kelurahan and program."""

from __future__ import annotations

import numpy as np

from geoapp.sample.amounts import id_int, noisy_weights, rupiah, split_total
from geoapp.sample.reference import load_kelurahan
from geoapp.sample.tables import (
    SampleTable,
    kecamatan_text,
    kelurahan_text,
    kode_cell,
    sample_label,
)

FILENAME = "bantuan_umkm_pkl.csv"
TOTAL_GROUPS = 7525
PROGRAMS = ("Tangerang BISA", "Tangerang Emas")
PROGRAM_WEIGHT = (1.4, 1.0)
AID_PER_GROUP = {"Tangerang BISA": (2_500_000, 3_000_000), "Tangerang Emas": (5_000_000,)}
HEADER = ["No", "Kecamatan", "Kelurahan", "Kode Wilayah", "Program", "Jumlah Kelompok",
          "Nilai Bantuan (Rp)", "Tahun"]
AMBIGUOUS_KODE = "36.71.06.1006"   # Sudimara Jaya, written as the ambiguous "Sudimara"


def _recap_rows(rng: np.random.Generator) -> list[tuple[int, str]]:
    """(kelurahan index, program) pairs; a few kelurahan run only one program."""
    pairs = []
    for i in range(len(load_kelurahan())):
        programs = PROGRAMS if rng.random() > 0.08 else (PROGRAMS[int(rng.integers(2))],)
        pairs.extend((i, program) for program in programs)
    return pairs


def _aid_cells(program: str, count: int, rng: np.random.Generator) -> tuple[int, str, str]:
    """(aid in rupiah, its text, year) for one recap row."""
    amounts = AID_PER_GROUP[program]
    aid = count * amounts[int(rng.integers(len(amounts)))]
    text = rupiah(aid) if rng.random() > 0.1 else id_int(aid)
    year = "2020" if program == PROGRAMS[0] or rng.random() < 0.5 else "2021"
    return aid, text, year


def build_umkm(seed: int, rng: np.random.Generator) -> SampleTable:
    """The UMKM/PKL aid recap; Jumlah Kelompok sums to 7,525."""
    table = SampleTable(FILENAME, _titles(seed), HEADER)
    kelurahan = load_kelurahan()
    pairs = _recap_rows(rng)
    base = np.array([PROGRAM_WEIGHT[PROGRAMS.index(p)] for _, p in pairs])
    groups = split_total(TOTAL_GROUPS, noisy_weights(base, rng), minimum=3)
    blank_at = int(rng.integers(len(pairs) // 3, 2 * len(pairs) // 3))
    total_aid, ambiguous_done = 0, False
    for n, ((i, program), count) in enumerate(zip(pairs, groups, strict=True), start=1):
        kel = kelurahan[i]
        aid, aid_text, year = _aid_cells(program, int(count), rng)
        total_aid += aid
        place = [kecamatan_text(kel, rng), kelurahan_text(kel, rng), kode_cell(kel, rng)]
        truth: str | None = kel.kode
        if kel.kode == AMBIGUOUS_KODE and not ambiguous_done:
            place, truth, ambiguous_done = [kel.nama_kecamatan, "Sudimara", ""], None, True
        table.add([str(n), *place, program, str(int(count)), aid_text, year], truth)
        if n == blank_at:
            table.add_blank()
    table.add_blank()
    table.add_total(["JUMLAH", "", "", "", "", id_int(int(groups.sum())), rupiah(total_aid), ""])
    return table


def _titles(seed: int) -> list[str]:
    return [
        sample_label(seed),
        "REKAPITULASI BANTUAN MODAL USAHA UMKM DAN PKL",
        "Program Tangerang BISA dan Tangerang Emas (bersama Bank BJB) - Kota Tangerang",
        "",
    ]
