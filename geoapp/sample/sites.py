"""Point files: kwt.csv (women-farmer groups), ecofarm.csv and kampung_tematik.csv."""

from __future__ import annotations

import numpy as np

from geoapp.sample.amounts import id_int, noisy_weights, split_total
from geoapp.sample.points import decimal_text, dms_text, random_points, utm_text
from geoapp.sample.reference import load_kelurahan
from geoapp.sample.tables import SampleTable, kecamatan_text, kelurahan_text, sample_label

KWT_FILE, ECOFARM_FILE, KAMPUNG_FILE = "kwt.csv", "ecofarm.csv", "kampung_tematik.csv"
KWT_COUNT, KWT_SEEDLINGS = 44, 484118
ECOFARM_COUNT, KAMPUNG_COUNT = 16, 50
FLOWERS = ("Melati", "Mawar", "Anggrek", "Kenanga", "Dahlia", "Teratai", "Flamboyan", "Cempaka",
           "Seruni", "Kemuning", "Asoka", "Bougenville")
EPITHETS = ("Asri", "Lestari", "Sejahtera", "Makmur", "Berseri", "Mandiri")
ECOFARM_NAMES = ("Hijau Lestari", "Tani Mandiri", "Sayur Sehat", "Lele Berkah", "Agro Edukasi",
                 "Kebun Warga", "Hidroponik Bersama", "Tani Kota", "Pangan Lestari",
                 "Buah Naga", "Kolam Gizi", "Apotek Hidup")
THEMES = ("Kampung Bekelir", "Kampung Hijau", "Kampung Literasi", "Kampung Herbal",
          "Kampung Batik", "Kampung Kuliner", "Kampung Warna-warni", "Kampung Sehat",
          "Kampung Bersih", "Kampung Kreatif")
STREETS = ("Jl. Contoh Raya", "Jl. Contoh Melati", "Jl. Contoh Mawar", "Gg. Contoh I",
           "Gg. Contoh II", "Jl. Contoh Masjid", "Jl. Contoh Pasar", "Jl. Contoh Kali")
CONTACT_NAMES = ("Bapak Contoh Ahmad", "Ibu Contoh Siti", "Bapak Contoh Budi", "Ibu Contoh Dewi",
                 "Bapak Contoh Joko", "Ibu Contoh Rina", "Bapak Contoh Hendra", "Ibu Contoh Yani")


def _pick_kelurahan(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` kelurahan indices in kode order, distinct while possible."""
    n = len(load_kelurahan())
    return np.sort(rng.choice(n, count, replace=count > n))


def _place(index: int, rng: np.random.Generator) -> tuple[object, str, str, float, float]:
    kel = load_kelurahan()[index]
    lat, lon = random_points(index, 1, rng)[0]
    return kel, kelurahan_text(kel, rng), kecamatan_text(kel, rng), float(lat), float(lon)


def _address(rng: np.random.Generator) -> str:
    street = STREETS[int(rng.integers(len(STREETS)))]
    return f"{street} No. {int(rng.integers(1, 120))}, RT {int(rng.integers(1, 12)):03d}/RW {int(rng.integers(1, 15)):03d}"


def _kwt_coords(lat: float, lon: float, style: str) -> tuple[str, str]:
    """Coordinates written in one of the messy styles."""
    if style == "dms":
        return dms_text(lat, is_lat=True), dms_text(lon, is_lat=False)
    if style == "comma":
        return decimal_text(lat, comma=True), decimal_text(lon, comma=True)
    if style == "swapped":
        return decimal_text(lon), decimal_text(lat)
    if style == "utm":
        return utm_text(lat, lon)
    return decimal_text(lat), decimal_text(lon)


def _kwt_styles(rng: np.random.Generator) -> list[str]:
    styles = ["dms"] * 3 + ["comma"] * 2 + ["swapped", "utm"]
    styles += ["decimal"] * (KWT_COUNT - len(styles))
    return [str(s) for s in rng.permutation(styles)]


def build_kwt(seed: int, rng: np.random.Generator) -> SampleTable:
    """44 KWT; Bibit Diterima sums to 484,118."""
    header = ["Nama KWT", "Kelurahan", "Kecamatan", "Jumlah Anggota", "Bibit Diterima",
              "Lintang", "Bujur"]
    table = SampleTable(KWT_FILE, [sample_label(seed), "DAFTAR KELOMPOK WANITA TANI (KWT)"], header)
    combos = [f"KWT {f} {e}" for f in FLOWERS for e in EPITHETS]
    names = [combos[i] for i in rng.choice(len(combos), KWT_COUNT, replace=False)]
    members = rng.integers(15, 41, KWT_COUNT)
    seedlings = split_total(KWT_SEEDLINGS, noisy_weights(members, rng), minimum=2000)
    styles = _kwt_styles(rng)
    for k, index in enumerate(_pick_kelurahan(KWT_COUNT, rng)):
        kel, kel_text, kec_text, lat, lon = _place(int(index), rng)
        lat_text, lon_text = _kwt_coords(lat, lon, styles[k])
        table.add([names[k], kel_text, kec_text, str(int(members[k])), id_int(int(seedlings[k])),
                   lat_text, lon_text], kel.kode)
    return table


def build_ecofarm(seed: int, rng: np.random.Generator) -> SampleTable:
    """Ecofarm food-security and agro-tourism sites."""
    header = ["Nama Lokasi", "Jenis", "Kelurahan", "Kecamatan", "Alamat", "Lintang", "Bujur",
              "Luas (m2)"]
    table = SampleTable(ECOFARM_FILE, [sample_label(seed), "LOKASI ECOFARM KOTA TANGERANG"], header)
    names = rng.permutation(len(ECOFARM_NAMES))
    for k, index in enumerate(_pick_kelurahan(ECOFARM_COUNT, rng)):
        kel, kel_text, kec_text, lat, lon = _place(int(index), rng)
        name = f"Ecofarm {ECOFARM_NAMES[names[k % len(names)]]}"
        if k >= len(names):
            name += f" {kel.nama}"
        kind = "agrowisata" if rng.random() < 0.35 else "ketahanan pangan"
        area = int(rng.integers(4, 100)) * 50
        table.add([name, kind, kel_text, kec_text, _address(rng), decimal_text(lat),
                   decimal_text(lon), str(area)], kel.kode)
    return table


def build_kampung(seed: int, rng: np.random.Generator) -> SampleTable:
    """Kampung tematik with fictitious contacts; two rows lack coordinates."""
    header = ["Nama Kampung", "Tema", "Kelurahan", "Kecamatan", "Alamat", "Kontak", "Lintang",
              "Bujur"]
    table = SampleTable(KAMPUNG_FILE, [sample_label(seed), "DAFTAR KAMPUNG TEMATIK"], header)
    no_coords = set(rng.choice(KAMPUNG_COUNT, 2, replace=False).tolist())
    for k, index in enumerate(_pick_kelurahan(KAMPUNG_COUNT, rng)):
        kel, kel_text, kec_text, lat, lon = _place(int(index), rng)
        theme = THEMES[int(rng.integers(len(THEMES)))]
        rw = int(rng.integers(1, 15))
        contact = (f"{CONTACT_NAMES[int(rng.integers(len(CONTACT_NAMES)))]} "
                   f"(0812-0000-{int(rng.integers(0, 10000)):04d})")
        coords = ["", ""] if k in no_coords else [decimal_text(lat), decimal_text(lon)]
        table.add([f"{theme} RW {rw:02d}", theme, kel_text, kec_text, _address(rng), contact,
                   *coords], kel.kode)
    return table
