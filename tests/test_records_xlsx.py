import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from geoapp.core.errors import GeoappError
from geoapp.io.records.reader import read_records
from geoapp.io.records.xlsx_reader import cell_text

DATA = Path(__file__).parent / "data" / "records"


def read(name, **kw):
    return read_records((DATA / name).read_bytes(), name, **kw)


def test_merged_cells_title_rows_and_codes():
    t = read("merged_title.xlsx")
    assert t.info.file_format == "xlsx" and t.info.sheet == "Rekap"
    assert t.info.header_row == 3
    assert t.headers == ["No", "Kecamatan", "Kelurahan", "Kode Kelurahan", "Nilai"]
    assert t.cells[1].tolist()[:4] == ["Tangerang"] * 3 + ["Karawaci"]     # merged down
    assert [n.key for n in t.info.notes] == ["merged_cells_filled"]
    assert t.cells[3].tolist()[0] == "3671011001"                           # no '.0'
    assert t.mapping.kode == 3 and 3 not in t.numeric


def test_numbers_as_text_and_native_numbers():
    t = read("merged_title.xlsx")
    values = t.numeric[4]
    assert values[:5].tolist() == [2500000.0, 1250000.5, 750000.0, 1000.0, 5500000.5]
    assert t.is_total.tolist() == [False, False, False, False, True, False]
    assert t.cells[4].tolist()[5] == "2024-03-01" and np.isnan(values[5])
    assert t.unparsed_numbers[4] == 1


def test_default_sheet_is_first_with_data_and_choice():
    t = read("two_sheets.xlsx")
    assert t.info.sheet == "KWT" and t.info.sheets == ["Petunjuk", "KWT", "BLK"]
    assert t.cells[2].tolist() == ["2024-02-03", "2024-02-04T09:30:00"]
    b = read("two_sheets.xlsx", sheet="blk")
    assert b.info.sheet == "BLK" and b.mapping.kelurahan == 0
    assert b.numeric[1].tolist() == [1250.0, 2000.0]


def test_unknown_sheet_lists_names():
    with pytest.raises(GeoappError) as err:
        read("two_sheets.xlsx", sheet="UMKM")
    assert err.value.status == 404 and "Petunjuk, KWT, BLK" in err.value.text("en")


def test_cell_text():
    assert cell_text(3671011001.0) == "3671011001"
    assert cell_text(12.5) == "12.5"
    assert cell_text(None) == ""


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


def test_zip_bomb_rejected():
    bomb = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * (20 * 2**20)})
    with pytest.raises(GeoappError) as err:
        read_records(bomb, "bomb.xlsx")
    assert err.value.status == 413 and err.value.code == "xlsx_too_large"


def test_too_many_members_rejected():
    many = _zip({"xl/workbook.xml": b"<x/>", **{f"m{i}": b"" for i in range(2100)}})
    with pytest.raises(GeoappError) as err:
        read_records(many, "many.xlsx")
    assert err.value.status == 413


def test_truncated_xlsx_is_one_clear_error():
    data = (DATA / "merged_title.xlsx").read_bytes()
    with pytest.raises(GeoappError) as err:
        read_records(data[: len(data) // 2], "cut.xlsx")
    assert err.value.status == 422
    assert "xlsx" in err.value.text("en").lower()
