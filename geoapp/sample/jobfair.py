"""job_fair_2020.csv: companies at the 2020 virtual job fair and their vacancies."""

from __future__ import annotations

import numpy as np

from geoapp.sample.amounts import noisy_weights, split_total
from geoapp.sample.points import decimal_text, random_points
from geoapp.sample.reference import load_kelurahan
from geoapp.sample.tables import SampleTable, kecamatan_text, kelurahan_text, sample_label

FILENAME = "job_fair_2020.csv"
COMPANIES, TOTAL_VACANCIES = 157, 13194
WORDS_A = ("Sejahtera", "Makmur", "Abadi", "Jaya", "Sentosa", "Mandiri", "Prima", "Utama",
           "Gemilang", "Lestari", "Nusantara", "Sukses", "Bersama", "Berkah", "Cemerlang")
WORDS_B = ("Industri", "Logistik", "Niaga", "Tekstil", "Plastik", "Logam", "Pangan", "Elektrik",
           "Kemasan", "Digital", "Medika", "Retail", "Karya", "Persada", "Perkasa")
SECTORS = ("Manufaktur", "Logistik", "Ritel", "Jasa Keuangan", "Teknologi Informasi",
           "Perhotelan", "Kesehatan", "Konstruksi", "Pendidikan")
# Industrial kecamatan host more companies.
KECAMATAN_WEIGHT = {"36.71.02": 4.0, "36.71.09": 3.0, "36.71.08": 2.5, "36.71.03": 2.0,
                    "36.71.04": 2.0}
OUTSIDE_CITY = ("Pondok Aren", "Pondok Aren")   # kelurahan, kecamatan in Kota Tangerang Selatan
COORD_SHARE = 0.55
HEADER = ["No", "Nama Perusahaan", "Sektor", "Kelurahan", "Kecamatan", "Jumlah Lowongan",
          "Lintang", "Bujur"]


def _company_names(rng: np.random.Generator) -> list[str]:
    combos = [f"{a} {b}" for a in WORDS_A for b in WORDS_B]
    picks = rng.choice(len(combos), COMPANIES, replace=False)
    return [f"{'PT' if rng.random() < 0.85 else 'CV'} Contoh {combos[i]}" for i in picks]


def _locations(rng: np.random.Generator) -> np.ndarray:
    kelurahan = load_kelurahan()
    weights = np.array([KECAMATAN_WEIGHT.get(k.kode_kecamatan, 1.0) for k in kelurahan])
    return rng.choice(len(kelurahan), COMPANIES, p=weights / weights.sum())


def build_jobfair(seed: int, rng: np.random.Generator) -> SampleTable:
    """157 companies; Jumlah Lowongan sums to 13,194. One company lies outside the city."""
    table = SampleTable(FILENAME, [sample_label(seed), "BURSA KERJA VIRTUAL (JOB FAIR) 2020"],
                        HEADER)
    names, locations = _company_names(rng), _locations(rng)
    vacancies = split_total(TOTAL_VACANCIES, noisy_weights(np.ones(COMPANIES), rng, 0.6), minimum=5)
    outside = int(rng.integers(COMPANIES))
    for k in range(COMPANIES):
        kel = load_kelurahan()[int(locations[k])]
        sector = SECTORS[int(rng.integers(len(SECTORS)))]
        coords = ["", ""]
        if rng.random() < COORD_SHARE:
            lat, lon = random_points(int(locations[k]), 1, rng)[0]
            coords = [decimal_text(float(lat)), decimal_text(float(lon))]
        place = [kelurahan_text(kel, rng), kecamatan_text(kel, rng)]
        truth: str | None = kel.kode
        if k == outside:
            place, coords, truth = list(OUTSIDE_CITY), ["", ""], None
        table.add([str(k + 1), names[k], sector, *place, str(int(vacancies[k])), *coords], truth)
    return table
