"""The Kota Tangerang kelurahan list the sample data is drawn from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.resources import boundaries_dir

BOUNDARY_DIR = boundaries_dir()
KELURAHAN_FILE = BOUNDARY_DIR / "kota_tangerang_kelurahan.geojson"

BOUNDARIES_MISSING = Msg(
    "sample_boundaries_missing",
    "The kelurahan boundary file for the sample data is missing or damaged: {path}. "
    "Reinstall geoapp or restore the data/boundaries folder.",
)


@dataclass(frozen=True)
class Kelurahan:
    """One kelurahan of the reference boundary set."""

    kode: str
    nama: str
    kode_kecamatan: str
    nama_kecamatan: str
    luas_km2: float
    geometry: BaseGeometry


@lru_cache(maxsize=1)
def load_kelurahan() -> tuple[Kelurahan, ...]:
    """All 104 kelurahan of Kota Tangerang, sorted by kode."""
    try:
        data = json.loads(KELURAHAN_FILE.read_text(encoding="utf-8"))
        rows = [_kelurahan(feature) for feature in data["features"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GeoappError(BOUNDARIES_MISSING, 500, path=str(KELURAHAN_FILE)) from exc
    return tuple(sorted(rows, key=lambda k: k.kode))


def _kelurahan(feature: dict) -> Kelurahan:
    props = feature["properties"]
    return Kelurahan(
        kode=str(props["kode"]),
        nama=str(props["nama"]),
        kode_kecamatan=str(props["kode_kecamatan"]),
        nama_kecamatan=str(props["nama_kecamatan"]),
        luas_km2=float(props["luas_km2"]),
        geometry=shape(feature["geometry"]),
    )


def kelurahan_by_kode() -> dict[str, Kelurahan]:
    """kode -> Kelurahan."""
    return {k.kode: k for k in load_kelurahan()}


def kelurahan_by_name(nama: str) -> Kelurahan:
    """The kelurahan with exactly this reference name."""
    for kel in load_kelurahan():
        if kel.nama == nama:
            return kel
    raise KeyError(nama)
