"""The kelurahan index the matcher searches: by kode, by name keys, by kecamatan."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.values.codes import kecamatan_of, normalise_kode
from geoapp.values.names import compact, name_keys, normalise_name

MISSING_COLUMNS = Msg(
    "gazetteer_missing_columns",
    "The boundary data has no column {missing}. Required columns: {required}.",
)
BAD_ROW_KODE = Msg(
    "gazetteer_bad_kode",
    "Kelurahan code {value!r} in the boundary data is not valid; fix the kode column "
    "(for example 36.71.01.1001).",
)
DUPLICATE_KODE = Msg(
    "gazetteer_duplicate_kode",
    "Kelurahan code {value} appears more than once in the boundary data.",
)
EMPTY = Msg("gazetteer_empty", "The boundary data holds no kelurahan.")


@dataclass
class Gazetteer:
    """Kelurahan records (sorted by kode) with lookup indexes; geometry is optional."""

    kode: list[str]
    nama: list[str]
    kode_kecamatan: list[str]
    nama_kecamatan: list[str]
    geometry: np.ndarray | None = None          # shapely geometries, EPSG:4326
    by_kode: dict[str, int] = field(default_factory=dict)
    by_key: dict[str, set[int]] = field(default_factory=dict)
    kecamatan_names: dict[str, str] = field(default_factory=dict)   # kode_kecamatan -> nama
    kecamatan_by_key: dict[str, set[str]] = field(default_factory=dict)
    members: dict[str, list[int]] = field(default_factory=dict)     # kode_kecamatan -> rows
    compact_names: list[str] = field(default_factory=list)          # per row: spacing-free key
    regions: set[str] = field(default_factory=set)                  # kabupaten/kota codes
    _tree: object = None
    _by_region: dict[str, list[int]] | None = None
    _row_keys: tuple | None = None
    parts: dict = field(default_factory=dict)     # region codes -> sub-gazetteer (hierarchy)
    source_order: np.ndarray | None = None        # built rows -> rows of the source frame

    def rows_in_regions(self, codes: frozenset[str] | set[str]) -> list[int]:
        """Rows (ascending) inside any of the province (``36``) or kabupaten (``36.01``) codes."""
        if self._by_region is None:
            by_region: dict[str, list[int]] = defaultdict(list)
            for i, kd in enumerate(self.kode):
                by_region[kd[:2]].append(i)
                by_region[kd[:5]].append(i)
            self._by_region = dict(by_region)
        return sorted({i for c in codes for i in self._by_region.get(c, [])})

    def __len__(self) -> int:
        return len(self.kode)

    @classmethod
    def from_boundaries(cls, gdf: pd.DataFrame) -> Gazetteer:
        """Build from a boundary GeoDataFrame (kode, nama, kode_kecamatan, nama_kecamatan, geometry)."""
        _require(gdf, ("kode", "nama", "geometry"))
        if getattr(gdf, "crs", None) is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        return cls._build(gdf, np.asarray(gdf.geometry.values, dtype=object))

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> Gazetteer:
        """Build from a plain table (kode, nama[, kode_kecamatan, nama_kecamatan]); no geometry."""
        _require(df, ("kode", "nama"))
        return cls._build(df, None)

    @classmethod
    def _build(cls, df: pd.DataFrame, geometry: np.ndarray | None) -> Gazetteer:
        if len(df) == 0:
            raise GeoappError(EMPTY, 422)
        kode = [_checked_kode(v) for v in df["kode"]]
        kec = _column(df, "kode_kecamatan", [kecamatan_of(k) for k in kode])
        kec = [normalise_kode(k) or kecamatan_of(kd) for k, kd in zip(kec, kode, strict=True)]
        nama_kec = _column(df, "nama_kecamatan", [""] * len(df))
        nama = [str(v).strip() for v in df["nama"]]
        order = np.argsort(np.asarray(kode, dtype=object), kind="stable")
        pick = [int(i) for i in order]
        gaz = cls(
            kode=[kode[i] for i in pick],
            nama=[nama[i] for i in pick],
            kode_kecamatan=[kec[i] for i in pick],
            nama_kecamatan=[nama_kec[i] for i in pick],
            geometry=None if geometry is None else geometry[order],
            source_order=order,
        )
        gaz._index()
        return gaz

    def _index(self) -> None:
        by_key: dict[str, set[int]] = defaultdict(set)
        members: dict[str, list[int]] = defaultdict(list)
        kec_keys: dict[str, set[str]] = defaultdict(set)
        for i, (kd, nama, kk, nk) in enumerate(
            zip(self.kode, self.nama, self.kode_kecamatan, self.nama_kecamatan, strict=True)
        ):
            if kd in self.by_kode:
                raise GeoappError(DUPLICATE_KODE, 422, value=kd)
            self.by_kode[kd] = i
            for key in name_keys(nama):
                by_key[key].add(i)
            members[kk].append(i)
            if nk and kk not in self.kecamatan_names:
                self.kecamatan_names[kk] = nk
                for key in name_keys(nk):
                    kec_keys[key].add(kk)
            self.compact_names.append(compact(normalise_name(nama)))
            self.regions.add(kd[:5])
        self.by_key, self.members, self.kecamatan_by_key = dict(by_key), dict(members), dict(kec_keys)

    def subset(self, rows: list[int]) -> Gazetteer:
        """The gazetteer of ``rows`` (ascending), reusing this one's name keys."""
        row_keys, kec_keys = self._keys_by_row()
        sub = Gazetteer(
            kode=[self.kode[i] for i in rows], nama=[self.nama[i] for i in rows],
            kode_kecamatan=[self.kode_kecamatan[i] for i in rows],
            nama_kecamatan=[self.nama_kecamatan[i] for i in rows],
            geometry=None if self.geometry is None else self.geometry[rows],
            compact_names=[self.compact_names[i] for i in rows],
        )
        by_key: dict[str, set[int]] = defaultdict(set)
        members: dict[str, list[int]] = defaultdict(list)
        kecs: dict[str, set[str]] = defaultdict(set)
        for j, i in enumerate(rows):
            sub.by_kode[self.kode[i]] = j
            for key in row_keys.get(i, ()):
                by_key[key].add(j)
            kk = self.kode_kecamatan[i]
            members[kk].append(j)
            if kk in self.kecamatan_names and kk not in sub.kecamatan_names:
                sub.kecamatan_names[kk] = self.kecamatan_names[kk]
                for key in kec_keys.get(kk, ()):
                    kecs[key].add(kk)
            sub.regions.add(self.kode[i][:5])
        sub.by_key, sub.members, sub.kecamatan_by_key = dict(by_key), dict(members), dict(kecs)
        return sub

    def _keys_by_row(self) -> tuple[dict[int, list[str]], dict[str, list[str]]]:
        """(row -> name keys, kecamatan code -> name keys), inverted once from the indexes."""
        if self._row_keys is None:
            rows: dict[int, list[str]] = defaultdict(list)
            for key, hits in self.by_key.items():
                for r in hits:
                    rows[r].append(key)
            kecs: dict[str, list[str]] = defaultdict(list)
            for key, codes in self.kecamatan_by_key.items():
                for kk in codes:
                    kecs[kk].append(key)
            self._row_keys = (dict(rows), dict(kecs))
        return self._row_keys

    def lookup_keys(self, keys: list[str]) -> set[int]:
        """Rows whose name shares any key with ``keys``."""
        hits: set[int] = set()
        for key in keys:
            hits |= self.by_key.get(key, set())
        return hits

    def kecamatan_for_keys(self, keys: list[str]) -> set[str]:
        """Kecamatan codes whose name shares any key with ``keys``."""
        hits: set[str] = set()
        for key in keys:
            hits |= self.kecamatan_by_key.get(key, set())
        return hits

    def kecamatan_label(self, kode_kecamatan: str) -> str:
        return self.kecamatan_names.get(kode_kecamatan, kode_kecamatan)


def _require(df: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise GeoappError(MISSING_COLUMNS, 422, missing=", ".join(missing),
                          required=", ".join(columns))


def _column(df: pd.DataFrame, name: str, default: list[str]) -> list[str]:
    if name not in df.columns:
        return default
    return ["" if pd.isna(v) else str(v).strip() for v in df[name]]


def _checked_kode(value: object) -> str:
    kode = normalise_kode(value)
    if kode is None or kode.count(".") != 3:
        raise GeoappError(BAD_ROW_KODE, 422, value=str(value)[:40])
    return kode
