"""Shared builders for the map tests (no tests here)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "data" / "boundaries"
_DATA_RE = re.compile(r'<script type="application/json" id="geoapp-data-[0-9a-f]+">(.*?)</script>',
                      re.S)


def kelurahan_layer(seed: int = 7) -> gpd.GeoDataFrame:
    """The 104 real kelurahan with seeded measures; some NaN, some 0."""
    kel = gpd.read_file(BOUNDARIES / "kota_tangerang_kelurahan.geojson")
    rng = np.random.default_rng(seed)
    for column in ("umkm", "blk", "kwt", "bantuan_rp"):
        values = rng.integers(0, 40, len(kel)).astype("float64")
        values[rng.random(len(kel)) < 0.15] = np.nan
        kel[column] = values * (100_000 if column.endswith("_rp") else 1)
    kel.loc[0, "umkm"] = np.nan
    kel.loc[1, "umkm"] = 0.0
    return kel


def kecamatan_layer() -> gpd.GeoDataFrame:
    return gpd.read_file(BOUNDARIES / "kota_tangerang_kecamatan.geojson")


def payload_of(html: str) -> dict:
    """The map's JSON data block, decoded."""
    blocks = _DATA_RE.findall(html)
    assert len(blocks) == 1
    return json.loads(blocks[0])
