"""Property-based fuzzing of the kelurahan matcher (hypothesis; bounded for CI).

Arbitrary cell strings (names, codes, kecamatan) and coordinates (NaN, infinities, out of
range) raise nothing but GeoappError; every row gets exactly one known status; a matched
row always names a kelurahan of the gazetteer; the ledger always balances.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoapp.core.errors import GeoappError
from geoapp.imports.pipeline import gazetteer_for
from geoapp.matching.matcher import match_rows
from geoapp.matching.types import METHODS, STATUSES

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
GAZ = gazetteer_for(None)
REAL = ["Sukasari", "Cikokol", "Sudimara Barat", "Kel. Babakan", "KARAWACI", "36.71.01.1001",
        "3671011001", "Ciledug", "Tangerang", "Karang Tengah", "Sudimara"]
CELL = st.one_of(st.sampled_from(REAL), st.text(max_size=40),
                 st.text(st.sampled_from("0123456789.-/ "), max_size=16))
COORD = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                  st.floats(-7.0, -6.0), st.floats(106.5, 106.8))


@FUZZ
@given(st.lists(st.tuples(CELL, CELL, CELL, COORD, COORD, st.booleans()),
                min_size=1, max_size=30),
       st.booleans())
def test_arbitrary_cells_give_one_known_status_per_row(rows, with_coords):
    kode, kel, kec, lat, lon, total = (list(c) for c in zip(*rows, strict=True))
    try:
        result = match_rows(
            kode=pd.Series(kode, dtype=object), kelurahan=pd.Series(kel, dtype=object),
            kecamatan=pd.Series(kec, dtype=object),
            lat=np.array(lat, float) if with_coords else None,
            lon=np.array(lon, float) if with_coords else None,
            exclude=np.array(total, bool), gazetteer=GAZ)
    except GeoappError as exc:
        assert exc.status in (400, 422)
        return
    assert len(result) == len(rows)
    assert set(result.status.tolist()) <= set(STATUSES)
    assert set(result.method.tolist()) <= {*METHODS, ""}
    counts = {s: int(np.count_nonzero(result.status == s)) for s in STATUSES}
    assert sum(counts.values()) == len(rows)
    assert counts["excluded"] == sum(total)
    for status, kode_out in zip(result.status, result.kode, strict=True):
        if status == "matched":
            assert kode_out in GAZ.by_kode
        if status in ("unmatched", "excluded"):
            assert kode_out is None


@FUZZ
@given(st.lists(CELL, min_size=1, max_size=20))
def test_same_text_same_outcome(names):
    """Duplicated rows get the same outcome as their first copy (no order effects)."""
    doubled = names + names
    result = match_rows(kode=None, kelurahan=pd.Series(doubled, dtype=object), kecamatan=None,
                        lat=None, lon=None, exclude=None, gazetteer=GAZ)
    n = len(names)
    assert result.status[:n].tolist() == result.status[n:].tolist()
    assert result.kode[:n].tolist() == result.kode[n:].tolist()
