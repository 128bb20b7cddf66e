"""rows_from_run: a MatchRun-shaped object into stored rows, reconciled end to end."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from geoapp.io.records.types import ColumnMapping, ReadInfo, RecordTable
from geoapp.matching.types import MatchResult, Suggestion
from geoapp.store import (
    activate,
    create_engine_for,
    details,
    init_db,
    row_dicts,
    rows_from_run,
    session_factory,
    stage_import,
)
from geoapp.values.coords import parse_coordinates


def make_run():
    headers = ["Kelurahan", "Jumlah", "Jumlah", "Lat", "Lon"]
    cells = pd.DataFrame([["Sukasari", "10", "1", "-6.17", "106.63"],
                          ["Sukasri", "5", "", "", ""],
                          ["JUMLAH", "15", "1", "", ""]])
    table = RecordTable(
        headers=headers, cells=cells, source_rows=np.array([2, 3, 4]),
        is_total=np.array([False, False, True]),
        numeric={1: np.array([10.0, 5.0, 15.0]), 2: np.array([1.0, np.nan, 1.0]),
                 3: np.array([-6.17, np.nan, np.nan])},
        number_formats={}, unparsed_numbers={},
        mapping=ColumnMapping(kelurahan=0, lat=3, lon=4), info=ReadInfo("a.csv", "csv"))
    result = MatchResult(
        kode=np.array(["36.71.01.1001", None, None], dtype=object),
        status=np.array(["matched", "review", "excluded"], dtype=object),
        method=np.array(["nama", "fuzzy", ""], dtype=object),
        score=np.array([100.0, 88.0, np.nan]),
        note=np.array(["", "mirip Sukasari", "baris jumlah"], dtype=object),
        suggestions=[[], [Suggestion("36.71.01.1001", "Sukasari", "Tangerang", 88.0)], []])
    coords = parse_coordinates(cells[3], cells[4])
    return SimpleNamespace(table=table, result=result, ledger={"rows": 3}, report={},
                           coords=coords)


def test_rows_from_run_shapes_every_row():
    rows = rows_from_run(make_run())
    assert len(rows) == 3 and [r["source_row"] for r in rows] == [2, 3, 4]
    assert rows[0]["measures"] == {"Jumlah": 10.0, "Jumlah (2)": 1.0}  # lat column excluded
    assert rows[1]["measures"]["Jumlah (2)"] is None
    assert (rows[0]["lat"], rows[0]["lon"]) == (-6.17, 106.63)
    assert rows[1]["lat"] is None and rows[2]["is_total"] is True
    assert rows[1]["suggestions"][0] == {"kode": "36.71.01.1001", "nama": "Sukasari",
                                         "nama_kecamatan": "Tangerang", "score": 88.0}
    assert rows[2]["score"] is None and rows[0]["cells"][0] == "Sukasari"


def test_coordinates_come_from_the_parsed_run_not_a_second_parser():
    run = make_run()
    cells = pd.DataFrame([["A", "", "6°10'12\"LS", "106°37'48\"BT"],      # DMS
                          ["B", "", "106.63", "-6.17"],                    # swapped
                          ["C", "", "9317000", "680000"],                  # UTM 48S
                          ["D", "", "-6.17", ""]])                         # incomplete
    run.table = RecordTable(
        headers=["Kelurahan", "X", "Lat", "Lon"], cells=cells, source_rows=np.arange(2, 6),
        is_total=np.zeros(4, bool), numeric={}, number_formats={}, unparsed_numbers={},
        mapping=ColumnMapping(kelurahan=0, lat=2, lon=3), info=ReadInfo("a.csv", "csv"))
    run.result = MatchResult(
        kode=np.array(["36.71.01.1001"] * 4, dtype=object),
        status=np.array(["matched"] * 4, dtype=object), method=np.array(["nama"] * 4, dtype=object),
        score=np.full(4, 100.0), note=np.array([""] * 4, dtype=object), suggestions=[[]] * 4)
    run.coords = parse_coordinates(cells[2], cells[3])
    rows = rows_from_run(run)
    assert rows[0]["lat"] == pytest.approx(-6.17) and rows[0]["lon"] == pytest.approx(106.63)
    assert (rows[1]["lat"], rows[1]["lon"]) == (-6.17, 106.63)
    assert -6.2 < rows[2]["lat"] < -6.1 and 106.6 < rows[2]["lon"] < 106.7
    assert (rows[3]["lat"], rows[3]["lon"]) == (None, None)


def test_stored_coordinates_are_finite_and_in_range():
    run = make_run()
    run.coords = SimpleNamespace(lat=np.array([np.inf, 95.0, -6.2]),
                                 lon=np.array([106.6, 106.6, np.nan]))
    assert [(r["lat"], r["lon"]) for r in rows_from_run(run)] == [(None, None)] * 3
    run.coords = None                               # a file without coordinate columns
    assert all(r["lat"] is None and r["lon"] is None for r in rows_from_run(run))


def test_run_stored_and_read_back(tmp_path):
    engine = create_engine_for(tmp_path / "g.sqlite3")
    init_db(engine)
    run = make_run()
    with session_factory(engine)() as session:
        ds = stage_import(session, program="umkm", title="t", rows=rows_from_run(run),
                          headers=run.table.headers, ledger=run.ledger, report=run.report,
                          source_sha256="", source_name="a.csv", user=None)
        activate(session, ds.id)
        info = details(ds)
        assert (info["rows"], info["matched"], info["review"], info["excluded"]) == (3, 1, 1, 1)
        assert info["total_rows"] == 1 and info["headers"] == run.table.headers
        assert [r["status"] for r in row_dicts(session, ds.id)] == ["matched", "review", "excluded"]
    engine.dispose()
