from pathlib import Path

import pytest

from geoapp.core.errors import GeoappError
from geoapp.io.boundaries.national import gazetteer_frame
from geoapp.io.records.headers import normalise_header, role_of
from geoapp.io.records.reader import read_records

DATA = Path(__file__).parent / "data" / "records"


@pytest.mark.parametrize(
    ("header", "role"),
    [("Kelurahan", "kelurahan"), ("Kel.", "kelurahan"), ("Desa/Kelurahan", "kelurahan"),
     ("NAMA KELURAHAN", "kelurahan"), ("Kec.", "kecamatan"), ("Kode Wilayah", "kode"),
     ("KDEPUM", "kode"), ("Kode_Kemendagri", "kode"), ("Lintang", "lat"), ("Y", "lat"),
     ("Bujur", "lon"), ("lng", "lon"), ("Long", "lon"), ("Kode Kecamatan", None),
     ("Nama Usaha", None)],
)
def test_role_headers(header, role):
    assert role_of(header) == role


def test_normalise_header():
    assert normalise_header("  Desa / Kel. ") == "desa kel"


def test_user_columns_by_name_and_number():
    data = b"Nama Wilayah,Lokasi,Jumlah\nSukasari,Tangerang,1\n"
    t = read_records(data, "x.csv", columns={"kelurahan": "nama wilayah", "kecamatan": 2})
    assert t.mapping.kelurahan == 0 and t.mapping.kecamatan == 1


@pytest.mark.parametrize(
    ("columns", "code", "fragment"),
    [({"desa": "A"}, "unknown_role", "kelurahan, kecamatan, kode, lat, lon"),
     ({"kelurahan": "Nama"}, "unknown_column", "'Kelurahan', 'Jumlah'"),
     ({"kelurahan": 9}, "bad_column_number", "1 to 2")],
)
def test_bad_columns(columns, code, fragment):
    with pytest.raises(GeoappError) as err:
        read_records(b"Kelurahan,Jumlah\nSukasari,1\n", "x.csv", columns=columns)
    assert err.value.code == code and fragment in err.value.text("en")


def test_max_rows():
    data = b"Kelurahan,Jumlah\n" + b"Sukasari,1\n" * 50
    with pytest.raises(GeoappError) as err:
        read_records(data, "x.csv", max_rows=10)
    assert err.value.status == 413
    assert len(read_records(data, "x.csv", max_rows=50)) == 50


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [(b"", "x.csv", "file_empty"),
     (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "x.xls", "file_old_xls"),
     (b"%PDF-1.4 \0\0", "x.csv", "file_binary"),
     (b"\x00\x01\x02garbage\x00", "x.csv", "file_binary"),
     (b"just one title line\n", "x.csv", "no_header"),
     (b"Kelurahan,Jumlah\n\n\n", "x.csv", "no_data_rows"),
     (b'Kelurahan,Jumlah\n"Sukasari,1\n', "x.csv", "csv_unreadable"),
     (b"PK\x03\x04 truncated", "x.xlsx", "file_corrupt_zip")],
)
def test_unreadable_files_give_one_clear_error(data, name, code):
    with pytest.raises(GeoappError) as err:
        read_records(data, name)
    assert err.value.code == code
    assert err.value.text("id") and err.value.text("en")


def test_extension_mismatch_noted():
    xlsx = (DATA / "two_sheets.xlsx").read_bytes()
    t = read_records(xlsx, "data.csv")
    assert t.info.file_format == "xlsx"
    assert [n.key for n in t.info.notes] == ["extension_mismatch"]
    t = read_records(b"Kelurahan,Jumlah\nSukasari,1\n", "data.xlsx")
    assert t.info.file_format == "csv" and t.info.notes[0].key == "extension_mismatch"


def test_bad_header_row():
    with pytest.raises(GeoappError) as err:
        read_records(b"Kelurahan,Jumlah\nSukasari,1\n", "x.csv", header_row=7)
    assert err.value.code == "bad_header_row"


def test_gazetteer_codes_stay_text():
    csv = gazetteer_frame().to_csv(index=False).encode("utf-8")   # shipped with geoapp
    t = read_records(csv, "kode_wilayah.csv")
    assert len(t) == 91_599 and t.headers == ["kode", "nama", "tingkat"]
    assert t.mapping.kode == 0 and 0 not in t.numeric
    assert "36.71" in set(t.cells[0])


def test_max_rows_counts_rows_below_a_late_header_instead_of_cutting_them():
    from geoapp.core.errors import GeoappError
    from geoapp.io.records.reader import read_records

    titles = "".join(f"Judul baris {i}\n" for i in range(40))
    body = "Kelurahan;Jumlah\n" + "".join(f"Sukasari;{i}\n" for i in range(12))
    with pytest.raises(GeoappError) as err:
        read_records((titles + body).encode(), "t.csv", header_row=41, max_rows=10)
    assert err.value.status == 413
    table = read_records((titles + body).encode(), "t.csv", header_row=41, max_rows=12)
    assert len(table) == 12
