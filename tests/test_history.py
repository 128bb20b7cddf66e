"""Keeping history: an upload replaces only the years it holds; rollback per upload.

Tiny hand-made CSV files, written inline (see each constant)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from geoapp.imports.staging import ImportRequest, import_file
from geoapp.store import (
    active_dataset,
    create_engine_for,
    init_db,
    rollback,
    row_dicts,
    session_factory,
)
from geoapp.store.models import DatasetRow
from geoapp.store.years import check_year, year_counts, year_plan

# Three kelurahan of kecamatan Tangerang, two years in one file.
UMKM_2020_2021 = (
    "Tahun,Kelurahan,Kecamatan,Program,Jumlah Kelompok,Nilai Bantuan\n"
    "2020,Sukarasa,Tangerang,BISA,3,1000000\n"
    "2020,Sukaasih,Tangerang,BISA,2,500000\n"
    "2021,Sukarasa,Tangerang,BISA,4,2000000\n"
    "2021,Tanah Tinggi,Tangerang,Emas,1,250000\n"
)
# 2022 only, other header spellings and column order, no Program column.
UMKM_2022 = (
    "Kecamatan;Desa/Kelurahan;Tahun;Jumlah Kelompok;Nilai (Rp)\n"
    "Tangerang;Sukarasa;2022;5;3000000\n"
    "Tangerang;Cikokol;2022;0;0\n"
)
# A second 2021 file: replaces only 2021.
UMKM_2021_FIX = (
    "Tahun,Kelurahan,Kecamatan,Program,Jumlah Kelompok,Nilai Bantuan\n"
    "2021,Buaran Indah,Tangerang,BISA,7,700000\n"
)
# No year column: the year chosen at upload.
UMKM_NO_YEAR = (
    "Kelurahan,Kecamatan,Jumlah Kelompok,Nilai Bantuan\n"
    "Sukaasih,Tangerang,9,900000\n"
)


@pytest.fixture
def session(tmp_path):
    engine = create_engine_for(tmp_path / "geoapp.sqlite3")
    init_db(engine)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def upload(session, text, name="umkm.csv", year=None):
    request = ImportRequest(program="umkm", data=text.encode("utf-8"), filename=name,
                            title="UMKM", user="tester", year=year)
    return import_file(session, request)


def matched(session, dataset_id):
    """(year, kode, kelompok) of the version's matched rows."""
    out = []
    for r in row_dicts(session, dataset_id):
        if r["status"] == "matched":
            kelompok = next(v for k, v in r["measures"].items() if "kelompok" in k.lower())
            out.append((r["year"], r["kode"], kelompok))
    return sorted(out)


def test_a_one_year_upload_keeps_the_other_years(session):
    first = upload(session, UMKM_2020_2021)
    assert year_counts(session, first.id) == {"2020": 2, "2021": 2}
    plan = year_plan(session, "umkm", {"2022": 2})
    assert plan["adds"] == {"2022": 2} and plan["replaces"] == {}
    assert plan["keeps"] == {"2020": 2, "2021": 2}
    second = upload(session, UMKM_2022, "umkm_2022.csv")
    assert second.state == "active" and second.previous_id == first.id
    assert year_counts(session, second.id) == {"2020": 2, "2021": 2, "2022": 2}
    rows = matched(session, second.id)
    assert ("2020", "36.71.01.1001", 3.0) in rows and ("2022", "36.71.01.1005", 0.0) in rows
    assert second.row_count == 6 and second.matched_count == 6
    # the kept rows' cells moved to the new file's columns (Program appended)
    assert "Program" in [h for h in __import__("json").loads(second.headers_json)]


def test_a_second_file_of_one_year_replaces_only_that_year(session):
    upload(session, UMKM_2020_2021)
    upload(session, UMKM_2022)
    before = matched(session, active_dataset(session, "umkm").id)
    third = upload(session, UMKM_2021_FIX)
    after = matched(session, third.id)
    assert [r for r in after if r[0] == "2021"] == [("2021", "36.71.01.1004", 7.0)]
    assert [r for r in after if r[0] != "2021"] == [r for r in before if r[0] != "2021"]
    assert third.report_json and '"replaces": {"2021": {"old": 2, "new": 1}}' in third.report_json


def test_rollback_brings_back_exactly_the_previous_state(session):
    first = upload(session, UMKM_2020_2021)
    state = matched(session, first.id)
    upload(session, UMKM_2022)
    back = rollback(session, "umkm")
    assert back.id == first.id
    assert matched(session, active_dataset(session, "umkm").id) == state


def test_rows_without_a_year_column_take_the_upload_year(session):
    upload(session, UMKM_2020_2021)
    version = upload(session, UMKM_NO_YEAR, year="2023")
    assert year_counts(session, version.id) == {"2020": 2, "2021": 2, "2023": 1}
    years = session.scalars(select(DatasetRow.year).where(
        DatasetRow.dataset_id == version.id, DatasetRow.kode == "36.71.01.1002")).all()
    assert sorted(years) == ["2020", "2023"]


def test_check_year():
    assert check_year(" 2022 ") == "2022" and check_year("") is None
    for bad in ("22", "2022.5", "１２３４", "1800"):
        with pytest.raises(Exception) as info:
            check_year(bad)
        assert "1900" in str(info.value.text("en"))


def test_compare_two_years_of_one_version(session):
    from geoapp.store import compare

    upload(session, UMKM_2020_2021)
    version = upload(session, UMKM_2022)
    result = compare(session, version.id, version.id, year_a="2020", year_b="2022")
    assert result["rows"] == {"a": 2, "b": 2, "diff": 0}
    assert result["a"]["years"] == ["2020", "2021", "2022"] and result["b"]["year"] == "2022"
    sukarasa = next(k for k in result["kelurahan"] if k["kode"] == "36.71.01.1001")
    kelompok = next(v for n, v in sukarasa["measures"].items() if "kelompok" in n.lower())
    assert kelompok == {"a": 3.0, "b": 5.0, "diff": 2.0}
    appears = {k["kode"] for k in result["kelurahan"] if k["rows"]["a"] == 0}
    assert appears == {"36.71.01.1005"}       # Cikokol only in 2022


def test_real_data_over_sample_data_keeps_none_of_the_sample(session):
    from geoapp.imports.history import plan_texts

    sample = import_file(session, ImportRequest(
        program="umkm", data=UMKM_2020_2021.encode(), filename="umkm.csv", title="Contoh",
        user="geoapp", sample=True))
    text = plan_texts(session, "umkm", {"2022": 2}, "en")
    assert "keeps nothing" in text["text"] and "Data contoh" in text["warning"]
    real = upload(session, UMKM_2022)
    assert year_counts(session, real.id) == {"2022": 2} and not real.sample
    assert rollback(session, "umkm").id == sample.id


def test_non_data_rows_take_no_upload_year_and_are_not_carried(session):
    signed = ("Tahun,Kelurahan,Kecamatan,Jumlah Kelompok\n2022,Sukarasa,Tangerang,5\n"
              ",JUMLAH,,5\n,,,\n" ',"Tangerang, 16 Januari 2023",,\n' ",NIP. 1968,,\n")
    first = upload(session, signed, "umkm.csv", year="2030")
    stored = {r["status"]: r["year"] for r in row_dicts(session, first.id)}
    assert stored == {"matched": "2022", "excluded": None}
    assert year_counts(session, first.id) == {"2022": 1}
    second = upload(session, UMKM_2021_FIX)
    assert second.row_count == 2 and year_counts(session, second.id) == {"2021": 1, "2022": 1}
