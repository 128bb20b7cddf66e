"""penduduk_kelurahan.csv: an ILLUSTRATIVE population split per kelurahan."""

from __future__ import annotations

import numpy as np

from geoapp.sample.amounts import noisy_weights, split_total
from geoapp.sample.reference import load_kelurahan
from geoapp.sample.tables import SampleTable, sample_label

FILENAME = "penduduk_kelurahan.csv"
CITY_POPULATION_2025 = 1957349
AREA_CAP_KM2 = 4.0   # Pajang is mostly airport: large areas do not mean many people


def build_penduduk(seed: int, rng: np.random.Generator) -> SampleTable:
    """Kode, names and an invented population per kelurahan summing to 1,957,349."""
    kelurahan = load_kelurahan()
    areas = np.minimum([k.luas_km2 for k in kelurahan], AREA_CAP_KM2)
    people = split_total(CITY_POPULATION_2025, noisy_weights(areas, rng, 0.25), minimum=1000)
    titles = [
        sample_label(seed),
        "JUMLAH PENDUDUK PER KELURAHAN - ILUSTRATIF: sebaran per kelurahan dikarang "
        "(kira-kira sebanding luas wilayah); hanya total kota 1.957.349 jiwa (2025) yang nyata",
    ]
    table = SampleTable(FILENAME, titles, ["Kode Wilayah", "Kelurahan", "Kecamatan",
                                           "Jumlah Penduduk"])
    for kel, count in zip(kelurahan, people, strict=True):
        table.add([kel.kode, kel.nama, kel.nama_kecamatan, str(int(count))], kel.kode)
    return table
