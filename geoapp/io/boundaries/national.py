"""The national data shipped in ``geoapp/data/national``: gazetteer, desa and outlines.

Built once by ``scripts/build_national.py`` (geometry repaired, areas computed, sorted by
``kode`` in small row groups), so reading a working area (:func:`read_desa`) is a filtered
Parquet read with no checks at run time. A working area (``wilayah``) is a province (``36``),
a kabupaten/kota (``36.74``) or ``ID`` for the whole country.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.resources import national_dir
from geoapp.values.codes import normalise_kode

GAZETTEER_FILE = "kode_wilayah.parquet"
DESA_FILE = "desa.parquet"
MANIFEST_FILE = "manifest.json"
OUTLINE_FILES = {"kecamatan": "kecamatan.parquet", "kabupaten": "kabupaten.parquet",
                 "provinsi": "provinsi.parquet"}
ROW_GROUP_SIZE = 1000
COUNTRY = "ID"

ERR_WILAYAH = Msg(
    "wilayah.unknown",
    "Unknown working area (--wilayah / WILAYAH): '{value}'. Allowed: a province code "
    "(e.g. 36), a kabupaten/kota code (e.g. 36.74) or ID for the whole country.",
)
ERR_NATIONAL_MISSING = Msg(
    "wilayah.data_missing",
    "The national data file {path} is missing or damaged. Reinstall geoapp or rebuild it "
    "with scripts/build_national.py.",
)


def national_path(name: str) -> Path:
    """Path of one shipped national file."""
    return national_dir() / name


@lru_cache(maxsize=1)
def gazetteer_frame() -> pd.DataFrame:
    """Every Kemendagri code: ``kode, nama, tingkat`` (provinsi, kabupaten_kota, kecamatan,
    desa_kelurahan), sorted by ``kode``."""
    path = national_path(GAZETTEER_FILE)
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise GeoappError(ERR_NATIONAL_MISSING, 500, path=str(path)) from exc
    return frame.astype({"kode": object, "nama": object, "tingkat": object})


@lru_cache(maxsize=1)
def names_by_kode() -> dict[str, str]:
    """Name of every code of every level."""
    frame = gazetteer_frame()
    return dict(zip(frame["kode"], frame["nama"], strict=True))


@lru_cache(maxsize=1)
def manifest() -> dict:
    """What the build found (counts, repaired codes)."""
    path = national_path(MANIFEST_FILE)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeoappError(ERR_NATIONAL_MISSING, 500, path=str(path)) from exc


def normalise_wilayah(value: object) -> str:
    """``ID``, a province code (``36``) or a kabupaten/kota code (``36.74``); else GeoappError."""
    text = str(value or "").strip()
    if text.upper() in (COUNTRY, "INDONESIA"):
        return COUNTRY
    two_digits = len(text) == 2 and all("0" <= c <= "9" for c in text)
    kode = text if two_digits else normalise_kode(text)
    if kode is None or kode.count(".") > 1 or kode not in names_by_kode():
        raise GeoappError(ERR_WILAYAH, 400, value=text[:40])
    return kode


def _prefix_filter(wilayah: str) -> list[tuple] | None:
    """Parquet row filter on ``kode`` for the codes under ``wilayah`` (None: everything)."""
    if wilayah == COUNTRY:
        return None
    # "." < "/" in ASCII: every code starting with "36.74." sorts in ["36.74.", "36.74/")
    return [("kode", ">=", wilayah + "."), ("kode", "<", wilayah + "/")]


def _read(name: str, filters: list[tuple] | None) -> gpd.GeoDataFrame:
    path = national_path(name)
    try:
        frame = gpd.read_parquet(path, filters=filters)
    except (OSError, ValueError) as exc:
        raise GeoappError(ERR_NATIONAL_MISSING, 500, path=str(path)) from exc
    if "luas_km2" in frame.columns:   # 3 decimals, as the city's boundaries (no float noise)
        frame["luas_km2"] = frame["luas_km2"].astype(float).round(3)
    return frame.reset_index(drop=True)


def read_desa(wilayah: str) -> gpd.GeoDataFrame:
    """The desa/kelurahan polygons of a working area (standard boundary columns)."""
    return _read(DESA_FILE, _prefix_filter(wilayah))


def read_outlines(level: str, wilayah: str) -> gpd.GeoDataFrame:
    """The ``level`` outlines (kecamatan, kabupaten, provinsi) inside a working area."""
    return _read(OUTLINE_FILES[level], _prefix_filter(wilayah))


def area_outline(wilayah: str) -> gpd.GeoDataFrame:
    """The outline of the working area itself (for ``ID``: the province outlines)."""
    if wilayah == COUNTRY:
        return _read(OUTLINE_FILES["provinsi"], None)
    level = "provinsi" if len(wilayah) == 2 else "kabupaten"
    return _read(OUTLINE_FILES[level], [("kode", "==", wilayah)])


def hierarchy(kode: str) -> list[tuple[str, str]]:
    """``(kode, nama)`` of a code and each level above it, lowest first (known codes only)."""
    names = names_by_kode()
    parts = kode.split(".")
    codes = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return [(c, names[c]) for c in codes if c in names]


def in_wilayah(kode: str, wilayah: str) -> bool:
    """Whether a code lies inside a working area."""
    return wilayah == COUNTRY or kode == wilayah or kode.startswith(wilayah + ".")
