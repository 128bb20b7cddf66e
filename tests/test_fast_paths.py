"""The fast paths (pyarrow CSV, Categorical columns, evidence classes, bincount sums)
give exactly what the plain paths give, on tiny hand-made inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoapp.core.errors import GeoappError
from geoapp.figures.aggregate import aggregate_kelurahan
from geoapp.imports.ledger import build_ledger, exact_sum, group_sums, status_codes
from geoapp.io.records import arrow_csv
from geoapp.io.records.grid import blank_column, column_codes
from geoapp.io.records.reader import read_records
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.matcher import match_rows
from geoapp.matching.types import MatchResult

pytest.importorskip("pyarrow")

CSVS = {
    "plain": "No;Kelurahan;Kecamatan;Nilai\n1;Sukasari;Tangerang;2.500.000\n2;Babakan;Tangerang;1.000\n",
    "bom_crlf": "\ufeffNo,Kelurahan,Jumlah\r\n1,Sukasari,10\r\n2,Babakan,20\r\n",
    "title_rows": "Laporan Bantuan UMKM\nTahun 2024\n\nNo;Kelurahan;Nilai\n1;Sukasari;1000\n2;Cikokol;2000\n",
    "blank_lines": "Kelurahan;Jumlah\nSukasari;1\n\n;\nBabakan;2\n \u00a0; \nJUMLAH;3\n",
    "quoted": 'Kelurahan,Alamat,Jumlah\nSukasari,"Jl. Merdeka 5,\nRT 01","1.5"\nBabakan,"Blok ""A""",2\n',
    "sep_line": "sep=;\nKelurahan;Jumlah;;\nSukasari;1;;\n",
    "ragged": "Kelurahan;Jumlah;Catatan\nSukasari;1\nBabakan;2;x\n",
    "spaces": "Kelurahan;Jumlah\n  Sukasari ;\t1\n\u00a0;2\n",
}


def _read(text: str) -> object:
    return read_records(text.encode("utf-8"), "t.csv")


def _plain(monkeypatch: pytest.MonkeyPatch, text: str) -> object:
    with monkeypatch.context() as m:
        m.setattr(arrow_csv, "_pyarrow", lambda: (None, None))
        return _read(text)


def _same_table(a, b) -> None:  # noqa: ANN001
    assert a.headers == b.headers
    assert a.cells.to_numpy(dtype=object).tolist() == b.cells.to_numpy(dtype=object).tolist()
    assert a.source_rows.tolist() == b.source_rows.tolist()
    assert a.is_total.tolist() == b.is_total.tolist()
    assert a.numeric.keys() == b.numeric.keys()
    for pos in a.numeric:
        np.testing.assert_array_equal(a.numeric[pos], b.numeric[pos])
    assert a.number_formats == b.number_formats and a.unparsed_numbers == b.unparsed_numbers
    assert a.mapping == b.mapping
    assert (a.info.encoding, a.info.delimiter, a.info.header_row, a.info.blank_rows) == (
        b.info.encoding, b.info.delimiter, b.info.header_row, b.info.blank_rows)
    assert [n.key for n in a.info.problems] == [n.key for n in b.info.problems]


@pytest.mark.parametrize("name", sorted(CSVS))
def test_arrow_path_reads_what_the_c_parser_reads(monkeypatch, name):
    _same_table(_read(CSVS[name]), _plain(monkeypatch, CSVS[name]))


def test_arrow_path_is_used_and_gives_categorical_text_columns():
    t = _read(CSVS["plain"])
    assert isinstance(t.cells[1].dtype, pd.CategoricalDtype)
    assert t.cells[1].tolist() == ["Sukasari", "Babakan"]
    copy = t.cells.copy()
    copy.columns = t.headers
    assert copy["Nilai"].tolist() == ["2.500.000", "1.000"]     # original text kept
    assert t.numeric[3].tolist() == [2500000.0, 1000.0]


def test_mostly_distinct_columns_stay_plain_text():
    rows = "".join(f"{i};Sukasari;{i * 7}\n" for i in range(1, 400))
    t = _read("No;Kelurahan;Jumlah\n" + rows)
    assert not isinstance(t.cells[0].dtype, pd.CategoricalDtype)
    assert isinstance(t.cells[1].dtype, pd.CategoricalDtype)
    assert t.cells[0].tolist()[:3] == ["1", "2", "3"] and len(t) == 399


def test_invalid_utf8_falls_back_to_cp1252():
    t = read_records("Kelurahan;Usaha\nSukasari;Café\n".encode("cp1252"), "t.csv")
    assert t.info.encoding == "cp1252" and t.cells[1].tolist() == ["Café"]


def test_ascii_files_skip_the_utf8_check_and_others_keep_it():
    assert arrow_csv._ascii(b"") and arrow_csv._ascii(b"a;b\n")
    assert arrow_csv._ascii(memoryview(b"\xef\xbb\xbfa;b\n")[3:])
    assert not arrow_csv._ascii("Café".encode())
    t = read_records("Kelurahan;Usaha\nSukasari;Café\n".encode(), "t.csv")   # valid UTF-8
    assert t.info.encoding == "utf-8" and t.cells[1].tolist() == ["Café"]


def test_blank_rows_mixing_categorical_and_text_columns():
    from geoapp.io.records.grid import blank_rows

    a = ["", "x", "", " ", "", "\u00a0"]
    b = ["", "", "y", "", "\t", ""]
    c = ["", "", "", "z", "", " "]
    grid = pd.DataFrame({0: pd.Series(a, dtype=object), 1: pd.Series(b, dtype="category"),
                         2: pd.Series(c, dtype=pd.StringDtype("pyarrow", na_value=np.nan))})
    assert blank_rows(grid).tolist() == [True, False, False, False, True, True]


def test_column_helpers_agree_across_column_kinds():
    texts = ["a", " ", "", "\u00a0", "b", "a", "\t"]
    expected = [False, True, True, True, False, False, True]
    for series in (pd.Series(texts, dtype=object), pd.Series(texts, dtype="category"),
                   pd.Series(texts, dtype=pd.StringDtype("pyarrow", na_value=np.nan))):
        assert blank_column(series).tolist() == expected
        codes, uniques = column_codes(series)
        assert uniques[codes].tolist() == texts


# --- matcher -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_frame(pd.DataFrame({
        "kode": ["36.71.01.1001", "36.71.01.1002", "36.71.02.1001"],
        "nama": ["Sukasari", "Babakan", "Cikokol"],
        "kode_kecamatan": ["36.71.01", "36.71.01", "36.71.02"],
        "nama_kecamatan": ["Tangerang", "Tangerang", "Karawaci"],
    }))


def _match(gaz: Gazetteer, kel: list, kec: list | None = None, kode: list | None = None,
           categorical: bool = False) -> MatchResult:
    def col(values: list | None) -> pd.Series | None:
        if values is None:
            return None
        return pd.Series(values, dtype="category" if categorical else object)
    return match_rows(kode=col(kode), kelurahan=col(kel), kecamatan=col(kec), lat=None, lon=None,
                      exclude=None, gazetteer=gaz, lang="en")


def test_spellings_sharing_a_decision_keep_their_own_text_in_the_note(gaz):
    res = _match(gaz, ["Sukasari", "SUKASARI", "Kel. Sukasari"])
    assert list(res.status) == ["matched"] * 3 and len(set(res.kode)) == 1
    assert "'SUKASARI'" in res.note[1] and "'Kel. Sukasari'" in res.note[2]
    assert "'Sukasari'" in res.note[0]


def test_kecamatan_text_is_quoted_per_row(gaz):
    res = _match(gaz, ["Sukasari", "Sukasari"], kec=["Karawaci", "Kec. Karawaci"])
    assert list(res.status) == ["review", "review"]
    assert "'Karawaci'" in res.note[0] and "'Kec. Karawaci'" in res.note[1]


def test_categorical_columns_match_like_plain_columns(gaz):
    kel = ["Sukasari", "Babakan", None, "Cikokol", "Sukasari", "Nowhere", ""]
    kec = ["Tangerang", "Karawaci", "", "Karawaci", None, "Tangerang", "Tangerang"]
    kode = ["", "36.71.01.1002", "36.71.02.1001", None, "3671011001", "", "36.71.01"]
    plain = _match(gaz, kel, kec, kode)
    cat = _match(gaz, kel, kec, kode, categorical=True)
    for field in ("kode", "status", "method", "note"):
        assert list(getattr(plain, field)) == list(getattr(cat, field)), field
    np.testing.assert_array_equal(plain.score, cat.score)
    assert plain.suggestions == cat.suggestions


def test_empty_input_gives_empty_result(gaz):
    res = _match(gaz, [])
    assert len(res) == 0 and res.suggestions == []


# --- ledger and aggregate ------------------------------------------------------------

def test_status_codes_and_group_sums_are_exact():
    status = np.array(["matched", "review", "odd", "excluded", "matched"], dtype=object)
    codes = status_codes(status)
    assert codes.tolist() == [0, 1, 4, 3, 0]
    sums, filled, whole = group_sums(np.array([1.0, 2.0, 4.0, 8.0, np.nan]), codes, 5)
    assert sums == [1, 2, 0, 8, 4] and filled.tolist() == [1, 1, 0, 1, 1] and whole
    tenths = np.array([0.1] * 10)
    sums, _, whole = group_sums(tenths, np.zeros(10, dtype=np.intp), 2)
    assert sums[0] == exact_sum(tenths) == 1 and sums[1] == 0 and not whole


@pytest.mark.parametrize("values", [[1.0, 2.0, np.nan, -4.0], [0.1, 0.2, 0.3, np.nan],
                                    [2.0**52, 2.0**52, 1.0, 1.0], [np.nan] * 4, [-0.0, 0.0, 3.0, 1e15]])
def test_ledger_total_without_total_rows_is_exact_sum(values):
    from geoapp.io.records.types import ColumnMapping, ReadInfo, RecordTable
    values = np.array(values)
    table = RecordTable(headers=["Jumlah"], cells=pd.DataFrame({0: ["a"] * 4}),
                        source_rows=np.arange(2, 6), is_total=np.zeros(4, bool),
                        numeric={0: values}, number_formats={0: "int"}, unparsed_numbers={0: 0},
                        mapping=ColumnMapping(), info=ReadInfo(filename="t", file_format="csv"))
    status = np.array(["matched", "review", "unmatched", "excluded"], dtype=object)
    result = MatchResult(kode=np.array([None] * 4, dtype=object), status=status,
                         method=np.array([""] * 4, dtype=object), score=np.full(4, np.nan),
                         note=np.array([""] * 4, dtype=object), suggestions=[[]] * 4)
    total = build_ledger(table, result)["sums"]["Jumlah"]["total"]
    want = exact_sum(values)
    assert total == want and type(total) is type(want)


def test_ledger_counts_other_statuses_in_the_total():
    cells = pd.DataFrame({0: ["a", "b", "c"]})
    from geoapp.io.records.types import ColumnMapping, ReadInfo, RecordTable
    table = RecordTable(headers=["Jumlah"], cells=cells, source_rows=np.arange(2, 5),
                        is_total=np.array([False, False, True]), numeric={0: np.array([1.0, 2.0, 4.0])},
                        number_formats={0: "int"}, unparsed_numbers={0: 0},
                        mapping=ColumnMapping(), info=ReadInfo(filename="t", file_format="csv"))
    status = np.array(["matched", "odd", "excluded"], dtype=object)
    result = MatchResult(kode=np.array([None] * 3, dtype=object), status=status,
                         method=np.array([""] * 3, dtype=object), score=np.full(3, np.nan),
                         note=np.array([""] * 3, dtype=object), suggestions=[[], [], []])
    sums = build_ledger(table, result)["sums"]["Jumlah"]
    assert sums["total"] == 3 and sums["matched"] == 1 and sums["declared_total"] == 4
    assert sums["difference"] == 2     # the odd status is not one of the reconciled groups


def test_aggregate_skips_empty_codes_and_rejects_unknown_ones():
    import geopandas as gpd
    from shapely.geometry import box
    boundaries = gpd.GeoDataFrame({
        "kode": ["36.71.01.1001", "36.71.01.1002"], "nama": ["A", "B"],
        "kode_kecamatan": ["36.71.01"] * 2, "nama_kecamatan": ["K"] * 2, "luas_km2": [1.0, 2.0],
    }, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    kode = np.array(["36.71.01.1002", None, "", np.nan, "36.71.01.1002"], dtype=object)
    layer = aggregate_kelurahan(kode, {"n": np.array([1.0, 5.0, 5.0, 5.0, np.nan])}, boundaries)
    assert layer["jumlah_baris"].tolist() == [0, 2]
    assert np.isnan(layer["n"][0]) and layer["n"][1] == 1
    with pytest.raises(GeoappError) as err:
        aggregate_kelurahan(np.array(["36.71.09.9999", "x", "x"], dtype=object), {}, boundaries)
    assert dict(err.value.note.params)["count"] == 3


# --- points and coordinates ----------------------------------------------------------

def test_repeated_points_are_located_once_and_broadcast():
    import geopandas as gpd
    from shapely.geometry import box

    from geoapp.matching.spatial import locate_points
    gdf = gpd.GeoDataFrame({
        "kode": ["99.01.01.1001", "99.01.01.1002"], "nama": ["Kiri", "Kanan"],
        "kode_kecamatan": ["99.01.01"] * 2, "nama_kecamatan": ["Uji"] * 2,
    }, geometry=[box(0, 0, 1, 1), box(0.9, 0, 2, 1)], crs=4326)
    gaz = Gazetteer.from_boundaries(gdf)
    lon = np.array([0.92, 1.5, 3.0, np.nan, 0.5])
    lat = np.full(5, 0.5)
    single = [locate_points(gaz, lon[i:i + 1], lat[i:i + 1]) for i in range(5)]
    order = np.array([4, 0, 1, 0, 2, 3, 1, 4, 0])
    many = locate_points(gaz, lon[order], lat[order])
    for j, i in enumerate(order):
        got = (many.kode[j], many.overlap[j], many.outside[j], many.others[j], many.index[j])
        want = single[i]
        assert got == (want.kode[0], want.overlap[0], want.outside[0], want.others[0], want.index[0])
    assert many.others[1] == "99.01.01.1002" and many.outside[4]


def test_coordinates_read_the_same_from_every_column_kind():
    from geoapp.values.coords import parse_coordinates
    lat = ["-6.17", "", '6°10\'40"LS', "-6,2", None, "9.314.000", "x"]
    lon = ["106.63", "106.6", '106°37\'48"BT', "106,7", "106.6", "680000", "106.6"]
    plain = parse_coordinates(pd.Series(lat, dtype=object), pd.Series(lon, dtype=object))
    for dtype in ("category", pd.StringDtype("pyarrow", na_value=np.nan)):
        other = parse_coordinates(pd.Series(lat, dtype=dtype), pd.Series(lon, dtype=dtype))
        np.testing.assert_array_equal(plain.lat, other.lat)
        np.testing.assert_array_equal(plain.lon, other.lon)
        assert list(plain.notes) == list(other.notes) and plain.counts == other.counts
    assert plain.counts["invalid"] == 1 and plain.counts["incomplete"] == 2


def test_quoted_title_rows_are_left_to_the_c_parser(monkeypatch):
    text = 'Laporan "UMKM\n2024"\nKelurahan;Jumlah\nSukasari;1\n'
    t = _read(text)
    assert not isinstance(t.cells[0].dtype, pd.CategoricalDtype)   # fast path declined
    _same_table(t, _plain(monkeypatch, text))


def test_evidence_classes_say_what_gather_says_per_combination(gaz):
    from geoapp.matching.evidence import (
        ComboTexts,
        Resolver,
        fill_slots,
        gather,
        gather_classes,
        slot_renderer,
        slot_values,
    )
    kode = [None, "36.71.01", "36.71.01.1002", "9.9", "36.71.02"]
    kel = [None, "Sukasari", "SUKASARI", "Cikokol", "Babakan"]
    kec = [None, "Tangerang", "Karawaci", "Kota Tangerang", "Planet"]
    combos = [(k, n, c) for k in range(5) for n in range(5) for c in range(5)]
    texts = ComboTexts(*(np.array(col) for col in zip(*combos, strict=True)), kode, kel, kec)
    classes = gather_classes(Resolver(gaz, None), texts)
    assert len(classes.evidence) < len(combos)
    for i, (k, n, c) in enumerate(combos):
        want = gather(Resolver(gaz, None), kode[k], kel[n], kec[c])
        got = classes.evidence[classes.ids[i]]
        values = slot_values(kel[n], kec[c])
        assert (got.code, got.kec, got.kec_conflict) == (want.code, want.kec, want.kec_conflict)
        assert (got.name.kind, got.name.row, got.name.suggestions) == (
            want.name.kind, want.name.row, want.name.suggestions)
        assert [fill_slots(x, values) for x in got.notes] == want.notes
        assert (values[got.name_text], values[got.kec_text]) == (want.name_text, want.kec_text)
        for lang in ("id", "en"):
            assert [slot_renderer(x, lang)(values) for x in got.notes] == [
                x.text(lang) for x in want.notes]


def test_record_count_reads_only_quoted_lines_and_agrees_with_the_csv_module():
    import csv
    import io
    import random

    from geoapp.io.records.csv_reader import count_records
    rng = random.Random(5)
    pieces = ["a", ",", ";", "\n", "\r\n", '"', '""', '"x,y"', '"p\nq"', "é", "\r"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) if rng.random() < 0.05 else rng.choice("ab,\n")
                       for _ in range(rng.randint(1, 200)))
        data = text.encode()
        if '"' not in text:
            continue
        try:
            want = sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=","))
        except csv.Error:
            want = None
        assert count_records(data, "utf-8", ",") == want, repr(text)


def test_absurd_numbers_are_dropped_and_counted():
    from geoapp.io.records.limits import drop_absurd_numbers

    values = np.array([1.0, np.nan, np.inf, -np.inf, 1e15, -1e15 + 1, 2e30])
    unparsed = {0: 1}
    notes = drop_absurd_numbers({0: values}, unparsed, ["Nilai"], np.arange(2, 9))
    np.testing.assert_array_equal(values, [1.0, np.nan, np.nan, np.nan, np.nan, -1e15 + 1, np.nan])
    assert unparsed == {0: 5} and len(notes) == 1 and dict(notes[0].params)["row"] == 4


def test_total_rows_found_with_and_without_blank_kelurahan():
    from geoapp.io.records.totals import detect_total_rows
    from geoapp.io.records.types import ColumnMapping

    mapping = ColumnMapping(kelurahan=1)
    cells = pd.DataFrame({0: ["1", "Jumlah", "3"], 1: pd.Series(["Sukasari", "", "Babakan"], dtype="category")})
    assert detect_total_rows(cells, mapping).tolist() == [False, True, False]
    cells = pd.DataFrame({0: ["1", "Jumlah", "3"], 1: pd.Series(["Sukasari", "Cikokol", "Babakan"], dtype="category")})
    assert detect_total_rows(cells, mapping).tolist() == [False, False, False]
