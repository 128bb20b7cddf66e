"""Abbreviated and colloquial names of provinsi and kabupaten/kota, declared once.

Source: the short forms in everyday use in Indonesian government documents, statistics
tables (BPS "Dalam Angka" series) and the press, written down from that usage for
geoapp (no file copied). Each entry maps a short form, as ``normalise_name`` leaves it
(lower case, no punctuation: ``D.I.Y.`` is ``d i y``), to the region's official name in
the shipped national gazetteer (cahyadsn/wilayah, MIT). The gazetteer, not this table,
gives the codes: ``tests/test_region_abbreviations.py`` checks that every name here is
exactly one region of the right level and that no short form is also the name of
another region.

Words inside a kabupaten/kota or provinsi name are also read in short form everywhere
(``Kep.`` Kepulauan, ``Kota Adm.``/``Kab. Adm.`` Administrasi, ``Kab``/``Kota`` in front
or behind): see ``REGION_WORDS`` and ``geoapp.matching.hierarchy``.
"""

from __future__ import annotations

# Short form -> official provinsi name.
PROVINSI: dict[str, str] = {
    "nad": "Aceh", "di aceh": "Aceh", "d i aceh": "Aceh", "nanggroe aceh darussalam": "Aceh",
    "sumut": "Sumatera Utara", "sumbar": "Sumatera Barat", "sumsel": "Sumatera Selatan",
    "kepri": "Kepulauan Riau", "babel": "Kepulauan Bangka Belitung",
    "bangka belitung": "Kepulauan Bangka Belitung",
    "dki": "Daerah Khusus Ibukota Jakarta", "dki jakarta": "Daerah Khusus Ibukota Jakarta",
    "jakarta": "Daerah Khusus Ibukota Jakarta",
    "daerah khusus jakarta": "Daerah Khusus Ibukota Jakarta",
    "jabar": "Jawa Barat", "jateng": "Jawa Tengah", "jatim": "Jawa Timur",
    "diy": "Daerah Istimewa Yogyakarta", "d i y": "Daerah Istimewa Yogyakarta",
    "di yogyakarta": "Daerah Istimewa Yogyakarta",
    "d i yogyakarta": "Daerah Istimewa Yogyakarta",
    "yogyakarta": "Daerah Istimewa Yogyakarta", "jogja": "Daerah Istimewa Yogyakarta",
    "jogjakarta": "Daerah Istimewa Yogyakarta",
    "ntb": "Nusa Tenggara Barat", "ntt": "Nusa Tenggara Timur",
    "kalbar": "Kalimantan Barat", "kalteng": "Kalimantan Tengah",
    "kalsel": "Kalimantan Selatan", "kaltim": "Kalimantan Timur", "kaltara": "Kalimantan Utara",
    "sulut": "Sulawesi Utara", "sulteng": "Sulawesi Tengah", "sulsel": "Sulawesi Selatan",
    "sultra": "Sulawesi Tenggara", "sulbar": "Sulawesi Barat", "malut": "Maluku Utara",
    "pabar": "Papua Barat", "pbd": "Papua Barat Daya", "papsel": "Papua Selatan",
    "papteng": "Papua Tengah", "papeg": "Papua Pegunungan",
}

# Short form -> official kabupaten/kota name.
KABUPATEN_KOTA: dict[str, str] = {
    "tangsel": "Kota Tangerang Selatan",
    "jakpus": "Kota Administrasi Jakarta Pusat", "jakut": "Kota Administrasi Jakarta Utara",
    "jakbar": "Kota Administrasi Jakarta Barat", "jaksel": "Kota Administrasi Jakarta Selatan",
    "jaktim": "Kota Administrasi Jakarta Timur",
    "kbb": "Kabupaten Bandung Barat",
    "tapsel": "Kabupaten Tapanuli Selatan", "tapteng": "Kabupaten Tapanuli Tengah",
    "taput": "Kabupaten Tapanuli Utara", "madina": "Kabupaten Mandailing Natal",
    "sergai": "Kabupaten Serdang Bedagai", "labusel": "Kabupaten Labuhanbatu Selatan",
    "labura": "Kabupaten Labuhanbatu Utara", "pessel": "Kabupaten Pesisir Selatan",
    "inhu": "Kabupaten Indragiri Hulu", "inhil": "Kabupaten Indragiri Hilir",
    "kuansing": "Kabupaten Kuantan Singingi", "rohul": "Kabupaten Rokan Hulu",
    "rohil": "Kabupaten Rokan Hilir",
    "tanjabbar": "Kabupaten Tanjung Jabung Barat",
    "tanjabtim": "Kabupaten Tanjung Jabung Timur",
    "muba": "Kabupaten Musi Banyuasin", "muratara": "Kabupaten Musi Rawas Utara",
    "oku": "Kabupaten Ogan Komering Ulu", "oki": "Kabupaten Ogan Komering Ilir",
    "oku timur": "Kabupaten Ogan Komering Ulu Timur",
    "oku selatan": "Kabupaten Ogan Komering Ulu Selatan",
    "pali": "Kabupaten Penukal Abab Lematang Ilir",
    "lamsel": "Kabupaten Lampung Selatan", "lamteng": "Kabupaten Lampung Tengah",
    "lamtim": "Kabupaten Lampung Timur", "lambar": "Kabupaten Lampung Barat",
    "lampura": "Kabupaten Lampung Utara", "tuba": "Kabupaten Tulang Bawang",
    "tubaba": "Kabupaten Tulang Bawang Barat", "pesibar": "Kabupaten Pesisir Barat",
    "kukar": "Kabupaten Kutai Kartanegara", "kubar": "Kabupaten Kutai Barat",
    "kutim": "Kabupaten Kutai Timur", "ppu": "Kabupaten Penajam Paser Utara",
    "kotim": "Kabupaten Kotawaringin Timur", "kobar": "Kabupaten Kotawaringin Barat",
    "hss": "Kabupaten Hulu Sungai Selatan", "hst": "Kabupaten Hulu Sungai Tengah",
    "hsu": "Kabupaten Hulu Sungai Utara",
    "halsel": "Kabupaten Halmahera Selatan", "halut": "Kabupaten Halmahera Utara",
    "halbar": "Kabupaten Halmahera Barat", "halteng": "Kabupaten Halmahera Tengah",
    "haltim": "Kabupaten Halmahera Timur",
    "pangkep": "Kabupaten Pangkajene dan Kepulauan",
    "sidrap": "Kabupaten Sidenreng Rappang", "bolmong": "Kabupaten Bolaang Mongondow",
    "tts": "Kabupaten Timor Tengah Selatan", "ttu": "Kabupaten Timor Tengah Utara",
}

# Words of a region name written short -> the word in the gazetteer's names; words that
# only say what kind of region it is (Administrasi) are left out of the comparison.
REGION_WORDS: dict[str, str] = {
    "kep": "kepulauan", "kepl": "kepulauan", "kpl": "kepulauan", "dan": "",
    "adm": "", "administrasi": "", "administratif": "",
}
