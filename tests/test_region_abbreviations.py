"""The one table of abbreviated and colloquial provinsi and kabupaten/kota names (and
old spellings, read through the same name keys as desa names).

Checked against the shipped national gazetteer: each short form is exactly one region of
its level, none is also the name of another region, and they work where users write
them (the kabupaten/kota and provinsi columns of a file).
"""

from __future__ import annotations

import pandas as pd
import pytest

from geoapp.io.boundaries.national import gazetteer_frame
from geoapp.matching import hierarchy
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.hierarchy import abbreviation_codes, resolve_kabupaten, resolve_provinsi
from geoapp.matching.region_abbreviations import KABUPATEN_KOTA, PROVINSI
from geoapp.matching.region_match import match_by_region


def _name(code: str) -> str:
    return gazetteer_frame().set_index("kode")["nama"][code].strip()


def test_every_short_form_is_exactly_one_region_of_its_level():
    kab, prov, problems = abbreviation_codes()
    assert problems == ()
    assert set(kab) == set(KABUPATEN_KOTA) and set(prov) == set(PROVINSI)
    assert all("." in c for c in kab.values()) and all("." not in c for c in prov.values())


def test_no_short_form_is_the_name_of_another_region():
    _, kab_keys, prov_keys = hierarchy._gazetteer_keys()
    kab, prov, _ = abbreviation_codes()
    for short, code in kab.items():
        assert kab_keys.get(short, {code}) == {code}, short
    for short, code in prov.items():
        assert prov_keys.get(short, {code}) == {code}, short


@pytest.mark.parametrize("text, name", [
    ("Tangsel", "Kota Tangerang Selatan"), ("TANGSEL", "Kota Tangerang Selatan"),
    ("Kota Tangsel", "Kota Tangerang Selatan"),
    ("Jakpus", "Kota Administrasi Jakarta Pusat"), ("Jaksel", "Kota Administrasi Jakarta Selatan"),
    ("Jakbar", "Kota Administrasi Jakarta Barat"), ("JAKTIM", "Kota Administrasi Jakarta Timur"),
    ("Jakut", "Kota Administrasi Jakarta Utara"),
    ("Kota Adm. Jakarta Utara", "Kota Administrasi Jakarta Utara"),
    ("KOTA ADM JAKARTA PUSAT", "Kota Administrasi Jakarta Pusat"),
    ("Jakarta Selatan", "Kota Administrasi Jakarta Selatan"),
    ("Kab. Adm. Kep. Seribu", "Kabupaten Administrasi Kepulauan Seribu"),
    ("Kep. Seribu", "Kabupaten Administrasi Kepulauan Seribu"),
    ("Kab. Kep. Meranti", "Kabupaten Kepulauan Meranti"),
    ("Kabupaten Kepulauan Siau Tagulandang Biaro", "Kabupaten Kep. Siau Tagulandang Biaro"),
    ("Kota Tidore Kep.", "Kota Tidore Kepulauan"), ("Pangkep", "Kabupaten Pangkajene dan Kepulauan"),
    ("Kab. Tegal", "Kabupaten Tegal"), ("KAB TEGAL", "Kabupaten Tegal"),
    ("Kukar", "Kabupaten Kutai Kartanegara"),
    ("Kab. Bandoeng", "Kabupaten Bandung"), ("Kab. Tjilatjap", "Kabupaten Cilacap"),
    ("KOTA SOERABAJA", "Kota Surabaya"), ("Jakarta Sel.", "Kota Administrasi Jakarta Selatan"),
    ("Kab. P. Morotai", "Kabupaten Pulau Morotai"),
])
def test_kabupaten_short_forms(text, name):
    codes = resolve_kabupaten(text)
    assert codes is not None and [_name(c) for c in codes] == [name]


@pytest.mark.parametrize("text, name", [
    ("Jatim", "Jawa Timur"), ("Jabar", "Jawa Barat"), ("Jateng", "Jawa Tengah"),
    ("DIY", "Daerah Istimewa Yogyakarta"), ("D.I. Yogyakarta", "Daerah Istimewa Yogyakarta"),
    ("D.I.Y.", "Daerah Istimewa Yogyakarta"), ("NTB", "Nusa Tenggara Barat"),
    ("NTT", "Nusa Tenggara Timur"), ("Kaltim", "Kalimantan Timur"),
    ("Sumut", "Sumatera Utara"), ("Sulsel", "Sulawesi Selatan"),
    ("Kep. Riau", "Kepulauan Riau"), ("Prov. Kep. Bangka Belitung", "Kepulauan Bangka Belitung"),
    ("Papua Barat", "Papua Barat"), ("Pabar", "Papua Barat"), ("Papua", "Papua"),
    ("DKI Jakarta", "Daerah Khusus Ibukota Jakarta"),
    ("Atjeh", "Aceh"), ("Djawa Timoer", "Jawa Timur"), ("Soematera Oetara", "Sumatera Utara"),
])
def test_provinsi_short_forms(text, name):
    codes = resolve_provinsi(text)
    assert codes is not None and [_name(c) for c in codes] == [name]


def test_short_forms_restrict_the_rows_of_a_file():
    """Two same-named desa (made-up names, real codes): the short forms pick each one."""
    gaz = Gazetteer.from_frame(pd.DataFrame([
        ("36.74.01.1001", "Sukamulya Test", "36.74.01", "Serpong"),        # Kota Tangsel
        ("31.74.01.1001", "Sukamulya Test", "31.74.01", "Tebet"),          # Jakarta Selatan
        ("35.07.01.2001", "Sukamulya Test", "35.07.01", "Donomulyo"),      # Kab. Malang
    ], columns=["kode", "nama", "kode_kecamatan", "nama_kecamatan"]))
    res = match_by_region(kode=None, kelurahan=["Sukamulya Test"] * 4, kecamatan=[None] * 4,
                          kabupaten=["Tangsel", "Jaksel", None, "Kota Adm. Jakarta Selatan"],
                          provinsi=[None, None, "Jatim", "DKI"], lat=None, lon=None,
                          exclude=None, gazetteer=gaz, lang="en")
    assert list(res.kode) == ["36.74.01.1001", "31.74.01.1001", "35.07.01.2001",
                              "31.74.01.1001"]
