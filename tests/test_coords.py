import math
from pathlib import Path

import numpy as np
import pytest

from geoapp.io.records.reader import read_records
from geoapp.values.coords import parse_coordinate, parse_coordinates

DATA = Path(__file__).parent / "data" / "records"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-6.1745", -6.1745),
        ("-6,1745", -6.1745),
        ("\u22126.2", -6.2),
        ("6°10'30.5\"S", -(6 + 10 / 60 + 30.5 / 3600)),
        ("106°38'12\"E", 106 + 38 / 60 + 12 / 3600),
        ("6 10 30.5 S", -(6 + 10 / 60 + 30.5 / 3600)),
        ("6°10'30\" LS", -(6 + 10 / 60 + 30 / 3600)),
        ("106 38 12 BB", -(106 + 38 / 60 + 12 / 3600)),
        ("6.5 LU", 6.5),
    ],
)
def test_parse_coordinate(text, expected):
    assert parse_coordinate(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "6 70 S", "", "-"])
def test_parse_coordinate_rejects(text):
    assert parse_coordinate(text) is None


def test_coordinates_golden_file():
    table = read_records((DATA / "coordinates_mixed.csv").read_bytes(), "coordinates_mixed.csv")
    assert table.mapping.lat == 2 and table.mapping.lon == 3
    c = parse_coordinates(table.column(table.mapping.lat), table.column(table.mapping.lon))
    assert c.lat[0] == pytest.approx(-6.1745) and c.lon[0] == pytest.approx(106.6321)
    assert c.lat[1] == pytest.approx(-6.17514, abs=1e-5)
    assert c.lon[2] == pytest.approx(106.63667, abs=1e-5)
    assert -6.3 < c.lat[3] < -6.1 and 106.5 < c.lon[3] < 106.6        # UTM 48S
    assert (c.lat[4], c.lon[4]) == (-6.2, 106.6)                       # swapped back
    assert c.notes[4].key == "coord_swapped"
    assert math.isnan(c.lat[5]) and c.notes[5].key == "coord_bad_lat"
    assert math.isnan(c.lat[6]) and c.notes[6] is None                 # no coordinates
    assert c.counts == {"decimal": 2, "dms": 2, "utm": 1, "swapped": 1, "invalid": 1,
                        "incomplete": 0, "missing": 1}


def test_incomplete_zero_and_out_of_range():
    import pandas as pd

    c = parse_coordinates(pd.Series(["-6.2", "0", "-95"]), pd.Series(["", "0", "106"]))
    assert np.isnan(c.lat).all()
    assert [n.key for n in c.notes] == ["coord_incomplete", "coord_zero", "coord_out_of_range"]


def test_swapped_utm_and_missing_column():
    import pandas as pd

    c = parse_coordinates(pd.Series(["670000"]), pd.Series(["9317000"]))
    assert -6.3 < c.lat[0] < -6.1 and c.notes[0].key == "coord_swapped"
    c = parse_coordinates(pd.Series(["-6.2"]), None)
    assert np.isnan(c.lat[0]) and c.counts["incomplete"] == 1
