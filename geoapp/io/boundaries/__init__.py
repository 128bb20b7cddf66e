"""Kelurahan boundary sets: load, check, repair and normalise them.

``load_boundaries()`` gives the default set (the real Kota Tangerang kelurahan shipped in
``data/boundaries/``); any other city's GeoJSON, GeoPackage or zipped Shapefile loads through
the same function, from bytes (uploads) or a path (CLI). Every input is untrusted: the format
is detected from the content and only GeoJSON, GeoPackage and ESRI Shapefile reach GDAL.

The result is a :class:`BoundarySet`: an EPSG:4326 GeoDataFrame with exactly the columns
``kode, nama, kode_kecamatan, nama_kecamatan, luas_km2, geometry`` sorted by ``kode``, plus a
:class:`BoundaryReport` saying how it was read.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import os
import re
import sqlite3
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.core.resources import boundaries_dir
from geoapp.values.codes import kecamatan_of, normalise_kode

COLUMNS = ["kode", "nama", "kode_kecamatan", "nama_kecamatan", "luas_km2", "geometry"]
DEFAULT_KELURAHAN = "kota_tangerang_kelurahan.geojson"
DEFAULT_KECAMATAN = "kota_tangerang_kecamatan.geojson"
DEFAULT_CITY = "kota_tangerang.geojson"
ENV_VAR = "GEOAPP_BOUNDARIES"

MAX_SOURCE_BYTES = 100 * 1024 * 1024       # an upload or file larger than this is refused
MAX_ZIP_MEMBERS = 50
MAX_ZIP_UNCOMPRESSED = 300 * 1024 * 1024   # declared total of all members
MAX_ZIP_RATIO = 100                        # per member, for members above 1 MiB
ZIP_RATIO_MIN_SIZE = 1024 * 1024

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
SHAPEFILE_REQUIRED = (".shp", ".shx", ".dbf")
# Side files that GIS programs put next to a Shapefile; they are ignored, never read.
SHAPEFILE_IGNORED = (".xml", ".sbn", ".sbx", ".qix", ".qpj", ".qmd", ".fix", ".cst", ".txt")

# Candidate source field names per column, lower case, best first.
FIELD_CANDIDATES: dict[str, tuple[str, ...]] = {
    "kode": ("kode", "kode_wilayah", "kode_kel", "kode_kelurahan", "kode_desa", "kd_kel",
             "kd_desa", "kdepum", "id_desa", "iddesa", "kode_kemendagri", "kode_kemendagri_desa"),
    "nama": ("nama", "nama_kel", "nama_kelurahan", "nama_desa", "kelurahan", "desa",
             "desa_kelurahan", "wadmkd", "namobj", "name"),
    "nama_kecamatan": ("nama_kecamatan", "nama_kec", "kecamatan", "kec", "wadmkc"),
    "kode_kecamatan": ("kode_kecamatan", "kode_kec", "kd_kec", "kdcpum", "id_kec", "idkec"),
    "luas_km2": ("luas_km2",),
}

_ERR_NOT_FOUND = Msg(
    "boundaries.not_found",
    id="Berkas batas wilayah tidak ditemukan: {path}. Periksa jalurnya.",
    en="Boundary file not found: {path}. Check the path.",
)
_ERR_TOO_LARGE = Msg(
    "boundaries.too_large",
    id="Berkas batas wilayah terlalu besar ({size} bita); batasnya {limit} bita.",
    en="The boundary file is too large ({size} bytes); the limit is {limit} bytes.",
)
_ERR_EMPTY = Msg(
    "boundaries.empty",
    id="Berkas batas wilayah kosong. Unggah GeoJSON, GeoPackage atau Shapefile dalam ZIP.",
    en="The boundary file is empty. Upload a GeoJSON, GeoPackage or zipped Shapefile.",
)
_ERR_FORMAT = Msg(
    "boundaries.format",
    id="Format berkas batas wilayah tidak dikenali ({what}). Yang diterima: GeoJSON, "
       "GeoPackage (.gpkg) atau Shapefile dalam ZIP (.shp, .shx, .dbf, .prj).",
    en="Unrecognised boundary file format ({what}). Accepted: GeoJSON, GeoPackage (.gpkg) "
       "or a zipped Shapefile (.shp, .shx, .dbf, .prj).",
)
_ERR_BAD_JSON = Msg(
    "boundaries.bad_json",
    id="Berkas batas wilayah bukan JSON yang sah (rusak atau terpotong). Ekspor ulang sebagai "
       "GeoJSON lalu coba lagi.",
    en="The boundary file is not valid JSON (damaged or cut off). Export it again as GeoJSON "
       "and retry.",
)
_ERR_ZIP_MEMBERS = Msg(
    "boundaries.zip_members",
    id="ZIP harus berisi tepat satu Shapefile (.shp, .shx, .dbf, boleh .prj/.cpg); "
       "ditemukan: {found}.",
    en="The ZIP must hold exactly one Shapefile (.shp, .shx, .dbf, optionally .prj/.cpg); "
       "found: {found}.",
)
_ERR_ZIP_FORBIDDEN = Msg(
    "boundaries.zip_forbidden",
    id="ZIP berisi berkas yang tidak diizinkan: {names}. Sertakan hanya bagian Shapefile "
       "(.shp, .shx, .dbf, .prj, .cpg).",
    en="The ZIP holds files that are not allowed: {names}. Include only the Shapefile parts "
       "(.shp, .shx, .dbf, .prj, .cpg).",
)
_ERR_ZIP_BOMB = Msg(
    "boundaries.zip_bomb",
    id="ZIP ditolak: {reason}. Kirim Shapefile yang lebih kecil atau tanpa kompresi berlebihan.",
    en="ZIP refused: {reason}. Send a smaller Shapefile, or one without extreme compression.",
)
_ERR_ZIP_BAD = Msg(
    "boundaries.zip_bad",
    id="ZIP rusak atau tidak dapat dibaca: {detail}.",
    en="The ZIP is damaged or unreadable: {detail}.",
)
_ERR_GPKG_UNSAFE = Msg(
    "boundaries.gpkg_unsafe",
    id="GeoPackage ditolak karena berisi {what}: {names}. Ekspor ulang lapisan sebagai "
       "tabel biasa tanpa view atau trigger buatan sendiri.",
    en="GeoPackage refused because it contains {what}: {names}. Export the layer again as a "
       "plain table without views or custom triggers.",
)
_ERR_GPKG_BAD = Msg(
    "boundaries.gpkg_bad",
    id="GeoPackage rusak atau tidak dapat dibaca. Ekspor ulang lapisannya dari QGIS sebagai GeoPackage baru.",
    en="The GeoPackage is damaged or unreadable. Export the layer again from QGIS as a new GeoPackage.",
)
_ERR_UNREADABLE = Msg(
    "boundaries.unreadable",
    id="Berkas batas wilayah ({format}) tidak dapat dibaca; berkas mungkin rusak atau bukan "
       "GeoJSON, GeoPackage atau Shapefile (ZIP). Simpan ulang berkas itu lalu coba lagi.",
    en="The boundary file ({format}) could not be read; it may be damaged or not GeoJSON, "
       "GeoPackage or Shapefile (ZIP). Save the file again and retry.",
)
_log = logging.getLogger(__name__)
_ERR_LAYER = Msg(
    "boundaries.layer",
    id="Lapisan '{layer}' tidak ada. Lapisan yang tersedia: {layers}. Pilih dengan opsi "
       "--boundaries-layer.",
    en="Layer '{layer}' does not exist. Available layers: {layers}. Choose one with the "
       "--boundaries-layer option.",
)
_ERR_LAYER_CHOICE = Msg(
    "boundaries.layer_choice",
    id="Berkas berisi beberapa lapisan poligon: {layers}. Pilih salah satu dengan opsi "
       "--boundaries-layer.",
    en="The file holds several polygon layers: {layers}. Choose one with the "
       "--boundaries-layer option.",
)
_ERR_NO_FEATURES = Msg(
    "boundaries.no_features",
    id="Berkas batas wilayah tidak berisi satu pun fitur.",
    en="The boundary file contains no features.",
)
_ERR_NO_CRS = Msg(
    "boundaries.no_crs",
    id="Berkas tidak menyebut sistem koordinat dan koordinatnya bukan bujur/lintang "
       "(batas {bounds}). Tambahkan berkas .prj (atau simpan ulang dengan CRS).",
    en="The file names no coordinate system and its coordinates are not longitude/latitude "
       "(bounds {bounds}). Add a .prj file (or save it again with a CRS).",
)
_ERR_OUT_OF_RANGE = Msg(
    "boundaries.out_of_range",
    id="Koordinat di luar rentang bujur/lintang (batas {bounds}) padahal CRS-nya {crs}. "
       "Mungkin bujur dan lintang tertukar, atau CRS salah.",
    en="Coordinates are outside longitude/latitude ranges (bounds {bounds}) although the CRS "
       "is {crs}. Longitude and latitude may be swapped, or the CRS is wrong.",
)
_ERR_CRS = Msg(
    "boundaries.crs",
    id="Sistem koordinat berkas tidak dapat dipahami: {crs}.",
    en="The file's coordinate system cannot be understood: {crs}.",
)
_ERR_FIELD_FLAG = Msg(
    "boundaries.field_flag",
    id="Kolom '{field}' (opsi {flag}) tidak ada. Kolom yang tersedia: {available}.",
    en="Field '{field}' (option {flag}) does not exist. Available fields: {available}.",
)
_ERR_FIELD_MISSING = Msg(
    "boundaries.field_missing",
    id="Kolom kode kelurahan tidak ditemukan. Kolom yang tersedia: {available}. Sebutkan "
       "kolomnya dengan opsi {flag}.",
    en="No kelurahan code field found. Available fields: {available}. Name the field with "
       "the {flag} option.",
)
_ERR_NAME_FIELD_MISSING = Msg(
    "boundaries.name_field_missing",
    id="Kolom nama kelurahan tidak ditemukan. Kolom yang tersedia: {available}. Sebutkan "
       "kolomnya dengan opsi {flag}.",
    en="No kelurahan name field found. Available fields: {available}. Name the field with "
       "the {flag} option.",
)
_ERR_BAD_CODES = Msg(
    "boundaries.bad_codes",
    id="{count} kode wilayah di kolom '{field}' bukan kode kelurahan/desa Kemendagri "
       "(contoh: {examples}). Bentuk yang diterima: 36.71.01.1001 atau 3671011001. "
       "Pilih kolom lain dengan opsi {flag}.",
    en="{count} codes in field '{field}' are not Kemendagri kelurahan/desa codes "
       "(e.g. {examples}). Accepted forms: 36.71.01.1001 or 3671011001. Choose another "
       "field with the {flag} option.",
)
_ERR_DUPLICATE_CODES = Msg(
    "boundaries.duplicate_codes",
    id="Kode kelurahan ganda di berkas batas wilayah: {codes}. Setiap kelurahan harus "
       "satu fitur; gabungkan bagian-bagiannya (dissolve) lalu unggah lagi.",
    en="Duplicate kelurahan codes in the boundary file: {codes}. Each kelurahan must be one "
       "feature; dissolve its parts and upload again.",
)
_ERR_EMPTY_NAMES = Msg(
    "boundaries.empty_names",
    id="{count} fitur tidak punya nama kelurahan di kolom '{field}' (kode: {codes}).",
    en="{count} features have no kelurahan name in field '{field}' (codes: {codes}).",
)
_ERR_NO_GEOMETRY = Msg(
    "boundaries.no_geometry",
    id="{count} fitur tidak punya geometri (kode: {codes}). Setiap kelurahan perlu poligon.",
    en="{count} features have no geometry (codes: {codes}). Every kelurahan needs a polygon.",
)
_ERR_NOT_POLYGON = Msg(
    "boundaries.not_polygon",
    id="Batas wilayah harus berupa poligon; ditemukan {types} (kode: {codes}).",
    en="Boundaries must be polygons; found {types} (codes: {codes}).",
)
_ERR_REPAIR_FAILED = Msg(
    "boundaries.repair_failed",
    id="Geometri tidak sah dan tidak dapat diperbaiki menjadi poligon (kode: {codes}).",
    en="Invalid geometry that cannot be repaired into a polygon (codes: {codes}).",
)
_NOTE_ASSUMED_4326 = Msg(
    "boundaries.assumed_4326",
    id="Berkas tidak menyebut sistem koordinat; koordinatnya cocok dengan bujur/lintang "
       "sehingga dianggap EPSG:4326.",
    en="The file names no coordinate system; its coordinates fit longitude/latitude, so "
       "EPSG:4326 was assumed.",
)
_NOTE_REPROJECTED = Msg(
    "boundaries.reprojected",
    id="Koordinat diubah dari {crs} ke EPSG:4326.",
    en="Coordinates were reprojected from {crs} to EPSG:4326.",
)
_NOTE_REPAIRED = Msg(
    "boundaries.repaired",
    id="{count} geometri tidak sah diperbaiki (make_valid): {codes}.",
    en="{count} invalid geometries were repaired (make_valid): {codes}.",
)
_NOTE_KEC_DERIVED = Msg(
    "boundaries.kec_code_derived",
    id="Kode kecamatan diambil dari tiga bagian pertama kode kelurahan.",
    en="Kecamatan codes were taken from the first three parts of the kelurahan codes.",
)
_NOTE_NO_KEC_NAME = Msg(
    "boundaries.no_kecamatan_name",
    id="Tidak ada kolom nama kecamatan; nama kecamatan dibiarkan kosong.",
    en="No kecamatan name field; kecamatan names are left empty.",
)
_NOTE_AREA_COMPUTED = Msg(
    "boundaries.area_computed",
    id="Luas (km2) dihitung dari geometri dalam proyeksi UTM untuk {count} fitur.",
    en="Area (km2) was computed from the geometry in a UTM projection for {count} features.",
)
_NOTE_OVERLAPS = Msg(
    "boundaries.overlaps",
    id="{pairs} pasang kelurahan bertetangga saling tumpang tindih, total {area_m2} m2 "
       "(terbesar {largest_m2} m2: {largest}). Titik di daerah tumpang tindih diselesaikan "
       "oleh pencocok.",
    en="{pairs} pairs of neighbouring kelurahan overlap, {area_m2} m2 in total (largest "
       "{largest_m2} m2: {largest}). Points in overlaps are resolved by the matcher.",
)
_NOTE_ZIP_IGNORED = Msg(
    "boundaries.zip_ignored",
    id="Berkas pendamping di ZIP diabaikan: {names}.",
    en="Side files in the ZIP were ignored: {names}.",
)


@dataclass
class BoundaryReport:
    """How a boundary set was read: source, format, CRS, repairs, field choices, notes."""

    source: str
    driver: str
    crs_detected: str | None
    reprojected: bool = False
    repaired: list[str] = field(default_factory=list)
    fields: dict[str, str | None] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    feature_count: int = 0
    layer: str | None = None
    overlap_pairs: int = 0
    overlap_m2: float = 0.0

    def as_dict(self, lang: str | None = None) -> dict[str, object]:
        """JSON-able form with the notes rendered in ``lang``."""
        return {
            "source": self.source, "driver": self.driver, "crs_detected": self.crs_detected,
            "reprojected": self.reprojected, "repaired": list(self.repaired),
            "fields": dict(self.fields), "notes": [n.as_dict(lang) for n in self.notes],
            "feature_count": self.feature_count, "layer": self.layer,
            "overlap_pairs": self.overlap_pairs, "overlap_m2": self.overlap_m2,
        }


@dataclass
class BoundarySet:
    """A normalised kelurahan boundary set (EPSG:4326, sorted by ``kode``) and its report."""

    frame: gpd.GeoDataFrame
    report: BoundaryReport


# --------------------------------------------------------------------------- defaults

def default_boundaries_dir() -> Path:
    """Folder of the default boundary files.

    ``GEOAPP_BOUNDARIES`` may name that folder, or the kelurahan file itself (then its folder
    holds the kecamatan and city files). Otherwise ``data/boundaries`` at the repository root.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser()
        return path.parent if path.suffix else path
    return boundaries_dir()


_configured: list[Path] = []


def configure_default(path: str | Path | None) -> None:
    """Make ``path`` (a kelurahan boundary file) the default set; None or '' restores the usual one.

    The web app calls this with its BOUNDARIES setting, so that every page, layer and export
    uses the same boundary set as the matcher.
    """
    _configured.clear()
    if path:
        _configured.append(Path(path).expanduser())


def _default_file(name: str) -> Path:
    if _configured:
        kelurahan = _configured[0]
        return kelurahan if name == DEFAULT_KELURAHAN else kelurahan.parent / name
    env = os.environ.get(ENV_VAR)
    if env and name == DEFAULT_KELURAHAN and Path(env).suffix:
        return Path(env).expanduser()
    return default_boundaries_dir() / name


def default_identity() -> tuple[str, int, int]:
    """Path, mtime and size of the default kelurahan file (a cache key for derived indexes)."""
    return _file_key(_default_file(DEFAULT_KELURAHAN))


def _dissolved(by: str | None) -> gpd.GeoDataFrame:
    """Outlines dissolved from the default kelurahan (when a set ships no outline files)."""
    frame = load_boundaries().frame
    if by is None:
        merged = gpd.GeoDataFrame({"kode": [frame["kode"].str[:5].iloc[0]], "luas_km2": [frame["luas_km2"].sum()]},
                                  geometry=[frame.geometry.union_all()], crs=frame.crs)
        return merged
    groups = frame.dissolve(by=by, aggfunc={"nama_kecamatan": "first", "luas_km2": "sum", "kode": "count"})
    groups = groups.rename(columns={"nama_kecamatan": "nama", "kode": "jumlah_kelurahan"})
    return groups.reset_index().rename(columns={by: "kode"})


def _file_key(path: Path) -> tuple[str, int, int]:
    try:
        st = path.stat()
    except OSError:
        raise GeoappError(_ERR_NOT_FOUND, 404, path=str(path)) from None
    return str(path.resolve()), st.st_mtime_ns, st.st_size


@lru_cache(maxsize=8)
def _cached_boundaries(key: tuple, options: tuple) -> BoundarySet:
    return _load(Path(key[0]), None, **dict(options))


@lru_cache(maxsize=8)
def _cached_outline(key: tuple) -> gpd.GeoDataFrame:
    return _read_outline(Path(key[0]), None)


def load_boundaries(
    source: str | Path | bytes | None = None,
    *,
    filename: str | None = None,
    layer: str | None = None,
    kode_field: str | None = None,
    nama_field: str | None = None,
    kecamatan_field: str | None = None,
    kode_kecamatan_field: str | None = None,
) -> BoundarySet:
    """Load a kelurahan boundary set; ``source=None`` loads the default (cached).

    ``source`` is a path or the bytes of an upload (GeoJSON, GeoPackage or zipped
    Shapefile; ``filename`` is only used in the report). The ``*_field`` options override
    the automatic field detection. Each call returns its own copy of the frame and report.
    """
    options = {"layer": layer, "kode_field": kode_field, "nama_field": nama_field,
               "kecamatan_field": kecamatan_field, "kode_kecamatan_field": kode_kecamatan_field}
    if source is None:
        cached = _cached_boundaries(_file_key(_default_file(DEFAULT_KELURAHAN)),
                                    tuple(options.items()))
        return BoundarySet(cached.frame.copy(), copy.deepcopy(cached.report))
    return _load(source, filename, **options)


def load_kecamatan(source: str | Path | bytes | None = None) -> gpd.GeoDataFrame:
    """Kecamatan outlines (EPSG:4326) as stored; the default Kota Tangerang set when None."""
    if source is None:
        path = _default_file(DEFAULT_KECAMATAN)
        if _configured and not path.is_file():
            return _dissolved("kode_kecamatan")
        return _cached_outline(_file_key(path)).copy()
    return _read_outline(source, None)


def load_city(source: str | Path | bytes | None = None) -> gpd.GeoDataFrame:
    """City outline (EPSG:4326) as stored; the default Kota Tangerang outline when None."""
    if source is None:
        path = _default_file(DEFAULT_CITY)
        if _configured and not path.is_file():
            return _dissolved(None)
        return _cached_outline(_file_key(path)).copy()
    return _read_outline(source, None)


# --------------------------------------------------------------------------- pipeline

def _load(source: str | Path | bytes, filename: str | None, *, layer: str | None,
          kode_field: str | None, nama_field: str | None, kecamatan_field: str | None,
          kode_kecamatan_field: str | None) -> BoundarySet:
    raw, name = _source_bytes(source, filename)
    gdf, report = _read_frame(raw, name, layer)
    flags = {"kode": kode_field, "nama": nama_field, "nama_kecamatan": kecamatan_field,
             "kode_kecamatan": kode_kecamatan_field}
    fields = _resolve_fields(list(gdf.columns.drop(gdf.geometry.name)), flags)
    report.fields = dict(fields)
    frame = _build_columns(gdf, fields, report)
    frame = _check_and_repair_geometry(frame, report)
    frame = _fill_area(frame, report)
    frame = frame.sort_values("kode", kind="stable").reset_index(drop=True)
    frame = gpd.GeoDataFrame(frame[COLUMNS], geometry="geometry", crs="EPSG:4326")
    _note_overlaps(frame, report)
    report.feature_count = len(frame)
    return BoundarySet(frame, report)


def _read_outline(source: str | Path | bytes, filename: str | None) -> gpd.GeoDataFrame:
    raw, name = _source_bytes(source, filename)
    gdf, _ = _read_frame(raw, name, None)
    return gdf.reset_index(drop=True)


def _read_frame(raw: bytes, name: str, layer: str | None) -> tuple[gpd.GeoDataFrame,
                                                                    BoundaryReport]:
    """Detect the format, read with pyogrio, settle the CRS (to EPSG:4326)."""
    fmt = detect_format(raw)
    notes: list[Note] = []
    payload = _prepare_payload(raw, fmt, notes)
    layer_name = _choose_layer(payload, fmt, layer)
    gdf, driver = _read_with_pyogrio(payload, fmt, layer_name)
    if len(gdf) == 0:
        raise GeoappError(_ERR_NO_FEATURES, 422)
    report = BoundaryReport(source=name, driver=driver, crs_detected=None, notes=notes,
                            layer=layer_name)
    gdf = _settle_crs(gdf, report)
    return gdf, report


# --------------------------------------------------------------------------- source

def _source_bytes(source: str | Path | bytes, filename: str | None) -> tuple[bytes, str]:
    """The raw bytes of the source and a display name."""
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
        _check_size(len(raw))
        return raw, filename or "upload"
    path = Path(source).expanduser()
    if not path.is_file():
        raise GeoappError(_ERR_NOT_FOUND, 404, path=str(path))
    name = filename or path.name
    if path.suffix.lower() == ".shp":
        return _zip_shapefile_siblings(path), name
    _check_size(path.stat().st_size)
    return path.read_bytes(), name


def _check_size(size: int) -> None:
    if size == 0:
        raise GeoappError(_ERR_EMPTY, 400)
    if size > MAX_SOURCE_BYTES:
        raise GeoappError(_ERR_TOO_LARGE, 413, size=size, limit=MAX_SOURCE_BYTES)


def _zip_shapefile_siblings(shp: Path) -> bytes:
    """Bundle a .shp and its sibling parts into an in-memory ZIP (CLI paths)."""
    buf = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for ext in SHAPEFILE_PARTS:
            for part in (shp.with_suffix(ext), shp.with_suffix(ext.upper())):
                if part.is_file():
                    total += part.stat().st_size
                    _check_size(total)
                    zf.write(part, shp.stem + ext)
                    break
    return buf.getvalue()


# --------------------------------------------------------------------------- format

def detect_format(raw: bytes) -> str:
    """``"geojson"``, ``"gpkg"`` or ``"shapefile_zip"`` from the content; else GeoappError."""
    if raw.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"PK\x05\x06"):
        return "shapefile_zip"
    text = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "geojson"
    what = "XML/VRT" if text.startswith(b"<") else "bytes " + raw[:8].hex(" ")
    raise GeoappError(_ERR_FORMAT, 415, what=what)


def _prepare_payload(raw: bytes, fmt: str, notes: list[Note]) -> bytes:
    if fmt == "geojson":
        return _check_geojson(raw)
    if fmt == "gpkg":
        return _sanitise_gpkg(raw)
    return _clean_shapefile_zip(raw, notes)


def _check_geojson(raw: bytes) -> bytes:
    """Parse the JSON first: only a GeoJSON FeatureCollection or Feature goes on to GDAL."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise GeoappError(_ERR_BAD_JSON, 415) from None
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind not in ("FeatureCollection", "Feature"):
        raise GeoappError(_ERR_FORMAT, 415, what=f"JSON type={str(kind)[:40]}")
    return raw


# --------------------------------------------------------------------------- zip

def _clean_shapefile_zip(raw: bytes, notes: list[Note]) -> bytes:
    """Check a Shapefile ZIP for bombs and stray files; rebuild it with only the parts."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise GeoappError(_ERR_ZIP_BAD, 422, detail=str(exc)[:200]) from None
    _check_zip_limits(infos)
    parts, ignored = _pick_shapefile_parts(infos)
    if ignored:
        notes.append(Note.of(_NOTE_ZIP_IGNORED, names=", ".join(ignored)))
    out = io.BytesIO()
    try:
        with zf, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
            for ext, info in parts.items():
                dst.writestr("layer" + ext, zf.read(info))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
        raise GeoappError(_ERR_ZIP_BAD, 422, detail=str(exc)[:200]) from None
    return out.getvalue()


def _check_zip_limits(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ZIP_MEMBERS:
        raise GeoappError(_ERR_ZIP_BOMB, 413,
                          reason=f"{len(infos)} files (limit {MAX_ZIP_MEMBERS})")
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_UNCOMPRESSED:
        raise GeoappError(_ERR_ZIP_BOMB, 413,
                          reason=f"{total} bytes uncompressed (limit {MAX_ZIP_UNCOMPRESSED})")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_MIN_SIZE and ratio > MAX_ZIP_RATIO:
            raise GeoappError(_ERR_ZIP_BOMB, 413,
                              reason=f"{info.filename}: compression ratio {ratio:.0f} "
                                     f"(limit {MAX_ZIP_RATIO})")


def _pick_shapefile_parts(infos: list[zipfile.ZipInfo]) -> tuple[dict[str, zipfile.ZipInfo],
                                                                  list[str]]:
    """Map extension -> member for the single Shapefile; list ignored side files."""
    found: dict[str, list[zipfile.ZipInfo]] = {}
    ignored: list[str] = []
    forbidden: list[str] = []
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.parts and path.parts[0] == "__MACOSX":
            continue
        ext = path.suffix.lower()
        if ext in SHAPEFILE_PARTS:
            found.setdefault(ext, []).append(info)
        elif ext in SHAPEFILE_IGNORED:
            ignored.append(path.name)
        else:
            forbidden.append(path.name)
    if forbidden:
        raise GeoappError(_ERR_ZIP_FORBIDDEN, 415, names=", ".join(sorted(forbidden)[:10]))
    if any(len(found.get(ext, [])) != 1 for ext in SHAPEFILE_REQUIRED) or any(
            len(v) > 1 for v in found.values()):
        listing = ", ".join(PurePosixPath(i.filename).name for v in found.values() for i in v)
        raise GeoappError(_ERR_ZIP_MEMBERS, 422, found=listing or "-")
    stems = {PurePosixPath(v[0].filename).stem.lower() for v in found.values()}
    if len(stems) != 1:
        raise GeoappError(_ERR_ZIP_MEMBERS, 422, found=", ".join(
            PurePosixPath(v[0].filename).name for v in found.values()))
    return {ext: v[0] for ext, v in found.items()}, ignored


# --------------------------------------------------------------------------- gpkg

_STANDARD_TRIGGER = re.compile(
    r"^(gpkg_tile_matrix_\w+|gpkg_metadata_\w+|gpkg_metadata_reference_\w+|"
    r"rtree_\w+_(insert\d?|update\d|delete)|trigger_(insert|delete)_feature_count_\w+)$",
    re.IGNORECASE,
)


def _sanitise_gpkg(raw: bytes) -> bytes:
    """Refuse views, foreign virtual tables and unknown triggers; drop the standard triggers.

    The file is opened with sqlite3 in memory (never on disk); what GDAL reads is the
    serialised copy without any trigger.
    """
    if raw[18:20] == b"\x02\x02":   # WAL mode: in-memory SQLite needs the rollback journal
        raw = raw[:18] + b"\x01\x01" + raw[20:]
    con = sqlite3.connect(":memory:")
    try:
        con.deserialize(raw)
        rows = con.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        _refuse_unsafe_schema(rows)
        for _, name, _ in (r for r in rows if r[0] == "trigger"):
            con.execute(f'DROP TRIGGER "{name.replace(chr(34), chr(34) * 2)}"')
        con.commit()
        return con.serialize()
    except sqlite3.DatabaseError as exc:
        _log.warning("GeoPackage could not be read: %s", exc)
        raise GeoappError(_ERR_GPKG_BAD, 422) from None
    finally:
        con.close()


def _refuse_unsafe_schema(rows: list[tuple[str, str, str | None]]) -> None:
    views = [name for kind, name, _ in rows if kind == "view"]
    if views:
        raise GeoappError(_ERR_GPKG_UNSAFE, 415, what="view", names=", ".join(views[:10]))
    virtual = [name for kind, name, sql in rows if kind == "table" and sql
               and re.match(r"\s*CREATE\s+VIRTUAL\s+TABLE", sql, re.IGNORECASE)
               and not re.search(r"USING\s+rtree\s*\(", sql, re.IGNORECASE)]
    if virtual:
        raise GeoappError(_ERR_GPKG_UNSAFE, 415, what="virtual table",
                          names=", ".join(virtual[:10]))
    triggers = [name for kind, name, _ in rows
                if kind == "trigger" and not _STANDARD_TRIGGER.match(name)]
    if triggers:
        raise GeoappError(_ERR_GPKG_UNSAFE, 415, what="trigger", names=", ".join(triggers[:10]))


# --------------------------------------------------------------------------- pyogrio

_DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "shapefile_zip": "ESRI Shapefile"}


def _list_layers(payload: bytes) -> list[tuple[str, str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            layers = pyogrio.list_layers(payload)
        except Exception as exc:  # noqa: BLE001 - GDAL errors on untrusted content
            _log.warning("boundary layers unreadable: %.200s", exc)
            raise GeoappError(_ERR_UNREADABLE, 422, format="?") from None
    return [(str(name), str(kind)) for name, kind in layers]


def _choose_layer(payload: bytes, fmt: str, layer: str | None) -> str | None:
    """The layer to read: the one asked for, or the single polygon layer."""
    if fmt != "gpkg" and layer is None:
        return None
    layers = _list_layers(payload)
    names = [name for name, _ in layers]
    if layer is not None:
        if layer not in names:
            raise GeoappError(_ERR_LAYER, 400, layer=layer, layers=", ".join(names) or "-")
        return layer
    polygonal = [name for name, kind in layers if "polygon" in kind.lower()]
    if len(polygonal) > 1:
        raise GeoappError(_ERR_LAYER_CHOICE, 400, layers=", ".join(polygonal))
    return polygonal[0] if polygonal else (names[0] if names else None)


def _read_with_pyogrio(payload: bytes, fmt: str, layer: str | None) -> tuple[
        gpd.GeoDataFrame, str]:
    """Read the (already vetted) payload; the driver GDAL picked must be the expected one."""
    expected = _DRIVERS[fmt]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            info = pyogrio.read_info(payload, layer=layer)
            if info.get("driver") != expected:
                raise GeoappError(_ERR_FORMAT, 415, what=str(info.get("driver")))
            gdf = pyogrio.read_dataframe(payload, layer=layer, force_2d=True,
                                         on_invalid="ignore")
        except GeoappError:
            raise
        except Exception as exc:  # noqa: BLE001 - GDAL errors on untrusted content
            _log.warning("boundary file (%s) unreadable: %.200s", expected, exc)
            raise GeoappError(_ERR_UNREADABLE, 422, format=expected) from None
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise GeoappError(_ERR_NOT_POLYGON, 422, types="-", codes="-")
    return gdf, expected


# --------------------------------------------------------------------------- crs

def _fits_lonlat(bounds: np.ndarray) -> bool:
    minx, miny, maxx, maxy = bounds
    return bool(np.all(np.isfinite(bounds)) and -180 <= minx <= maxx <= 180
                and -90 <= miny <= maxy <= 90)


def _crs_text(crs: CRS) -> str:
    epsg = crs.to_epsg()
    if epsg is not None:
        return f"EPSG:{epsg}"
    auth = crs.to_authority()
    return ":".join(auth) if auth else crs.name


def _settle_crs(gdf: gpd.GeoDataFrame, report: BoundaryReport) -> gpd.GeoDataFrame:
    """Record the source CRS and reproject to EPSG:4326 (assume it only for lon/lat data)."""
    bounds = np.asarray(gdf.total_bounds, dtype=float)
    shown = ", ".join(f"{b:.4f}" for b in bounds)
    if gdf.crs is None:
        if not _fits_lonlat(bounds):
            raise GeoappError(_ERR_NO_CRS, 422, bounds=shown)
        report.notes.append(Note.of(_NOTE_ASSUMED_4326))
        return gdf.set_crs("EPSG:4326")
    try:
        crs = CRS.from_user_input(gdf.crs)
        report.crs_detected = _crs_text(crs)
    except Exception:  # noqa: BLE001 - pyproj errors on untrusted WKT
        raise GeoappError(_ERR_CRS, 422, crs=str(gdf.crs)[:120]) from None
    if crs.is_geographic and not _fits_lonlat(bounds):
        raise GeoappError(_ERR_OUT_OF_RANGE, 422, bounds=shown, crs=report.crs_detected)
    if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return gdf.set_crs("EPSG:4326", allow_override=True)
    report.reprojected = True
    report.notes.append(Note.of(_NOTE_REPROJECTED, crs=report.crs_detected))
    try:
        return gdf.to_crs("EPSG:4326")
    except Exception:  # noqa: BLE001 - pyproj cannot transform this CRS
        raise GeoappError(_ERR_CRS, 422, crs=report.crs_detected) from None


# --------------------------------------------------------------------------- fields

_FLAGS = {"kode": "--kode-field", "nama": "--nama-field", "nama_kecamatan": "--kecamatan-field",
          "kode_kecamatan": "--kode-kecamatan-field", "luas_km2": "-"}
_MISSING = {"kode": _ERR_FIELD_MISSING, "nama": _ERR_NAME_FIELD_MISSING}


def _resolve_fields(available: list[str], flags: dict[str, str | None]) -> dict[str,
                                                                                str | None]:
    """Source field per column: the flag when given (must exist), else the first candidate."""
    by_lower: dict[str, str] = {}
    for name in available:
        by_lower.setdefault(str(name).lower(), name)
    shown = ", ".join(str(a) for a in available) or "-"
    out: dict[str, str | None] = {}
    for column, candidates in FIELD_CANDIDATES.items():
        flag = flags.get(column)
        if flag:
            if flag not in available and flag.lower() not in by_lower:
                raise GeoappError(_ERR_FIELD_FLAG, 400, field=flag, flag=_FLAGS[column],
                                  available=shown)
            out[column] = flag if flag in available else by_lower[flag.lower()]
            continue
        out[column] = next((by_lower[c] for c in candidates if c in by_lower), None)
    for column in ("kode", "nama"):
        if out[column] is None:
            raise GeoappError(_MISSING[column], 422, available=shown, flag=_FLAGS[column])
    return out


def _code_text(value: object) -> str:
    """A code cell as short text for error messages."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()[:40]


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _normalise_kelurahan_kode(value: object) -> str | None:
    """Dotted 4-part Kemendagri code (``36.71.01.1001``) or None."""
    kode = normalise_kode(_plain(value))
    return kode if kode is not None and kode.count(".") == 3 else None


def _normalise_kecamatan_kode(value: object) -> str | None:
    """Dotted 3-part kecamatan code (``36.71.01``) or None; a full code is cut to 3 parts."""
    kode = normalise_kode(_plain(value))
    return kecamatan_of(kode) if kode is not None and kode.count(".") >= 2 else None


def _examples(values: pd.Series | list, limit: int = 5) -> str:
    items = [str(v) for v in list(values)[:limit]]
    more = len(values) - len(items)
    return ", ".join(items) + (f" (+{more})" if more > 0 else "")


def _text_column(gdf: gpd.GeoDataFrame, name: str | None) -> pd.Series:
    if name is None:
        return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    values = gdf[name].astype(object)
    return values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                      else (str(v).strip() or None))


def _build_columns(gdf: gpd.GeoDataFrame, fields: dict[str, str | None],
                   report: BoundaryReport) -> gpd.GeoDataFrame:
    """Map the source fields to the five standard columns (codes normalised, checked)."""
    kode = gdf[fields["kode"]].map(_normalise_kelurahan_kode)
    bad = gdf.loc[kode.isna(), fields["kode"]]
    if len(bad):
        raise GeoappError(_ERR_BAD_CODES, 422, count=len(bad), field=fields["kode"],
                          examples=_examples(bad.map(_code_text).tolist()),
                          flag=_FLAGS["kode"])
    dup = kode[kode.duplicated(keep=False)].drop_duplicates().sort_values()
    if len(dup):
        raise GeoappError(_ERR_DUPLICATE_CODES, 422, codes=_examples(dup.tolist(), 10))
    nama = _text_column(gdf, fields["nama"])
    if nama.isna().any():
        raise GeoappError(_ERR_EMPTY_NAMES, 422, count=int(nama.isna().sum()),
                          field=fields["nama"], codes=_examples(kode[nama.isna()].tolist()))
    kode_kec = _kecamatan_codes(gdf, kode, fields, report)
    nama_kec = _text_column(gdf, fields["nama_kecamatan"])
    if fields["nama_kecamatan"] is None:
        report.notes.append(Note.of(_NOTE_NO_KEC_NAME))
    luas = (pd.to_numeric(gdf[fields["luas_km2"]], errors="coerce").astype(float)
            if fields["luas_km2"] else pd.Series(np.nan, index=gdf.index))
    return gpd.GeoDataFrame({
        "kode": kode.astype("str"), "nama": nama.astype("str"),
        "kode_kecamatan": kode_kec.astype("str"), "nama_kecamatan": nama_kec.astype("str"),
        "luas_km2": luas,
    }, geometry=gdf.geometry.values, crs=gdf.crs, index=gdf.index)


def _kecamatan_codes(gdf: gpd.GeoDataFrame, kode: pd.Series, fields: dict[str, str | None],
                     report: BoundaryReport) -> pd.Series:
    derived = kode.str.slice(0, 8)
    if fields["kode_kecamatan"] is None:
        report.notes.append(Note.of(_NOTE_KEC_DERIVED))
        return derived.astype(object)
    given = gdf[fields["kode_kecamatan"]].map(_normalise_kecamatan_kode)
    return given.where(given.notna(), derived).astype(object)


# --------------------------------------------------------------------------- geometry

def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    """The polygonal parts of a geometry as one (Multi)Polygon, or None when there are none."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for p in parts for q in shapely.get_parts(p) if not q.is_empty]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _check_and_repair_geometry(frame: gpd.GeoDataFrame, report: BoundaryReport) -> \
        gpd.GeoDataFrame:
    """Require polygons; repair invalid ones with make_valid and record which."""
    geoms = frame.geometry.values
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        raise GeoappError(_ERR_NO_GEOMETRY, 422, count=int(missing.sum()),
                          codes=_examples(frame.loc[missing, "kode"].tolist()))
    types = shapely.get_type_id(geoms)
    wrong = ~np.isin(types, (3, 6))   # Polygon, MultiPolygon
    if wrong.any():
        names = sorted(set(frame.geometry[wrong].geom_type))
        raise GeoappError(_ERR_NOT_POLYGON, 422, types=", ".join(names),
                          codes=_examples(frame.loc[wrong, "kode"].tolist()))
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return frame
    fixed = [_polygonal(shapely.make_valid(g)) for g in geoms[invalid]]
    codes = frame.loc[invalid, "kode"].tolist()
    failed = [c for c, g in zip(codes, fixed, strict=True) if g is None]
    if failed:
        raise GeoappError(_ERR_REPAIR_FAILED, 422, codes=_examples(failed))
    out = frame.copy()
    new_geoms = np.array(geoms, dtype=object)
    new_geoms[invalid] = fixed
    out = out.set_geometry(gpd.GeoSeries(new_geoms, index=out.index, crs=out.crs))
    out.loc[invalid, "luas_km2"] = np.nan   # recomputed from the repaired geometry
    report.repaired = sorted(codes)
    report.notes.append(Note.of(_NOTE_REPAIRED, count=len(codes), codes=_examples(codes)))
    return out


def utm_epsg(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS 84 / UTM zone EPSG code for each lon/lat (326xx north, 327xx south)."""
    zone = np.clip(np.floor((np.asarray(lon) + 180.0) / 6.0).astype(int) + 1, 1, 60)
    return np.where(np.asarray(lat) < 0, 32700, 32600) + zone


def area_km2(geoms: gpd.GeoSeries) -> np.ndarray:
    """Area in km2 of EPSG:4326 geometries, each measured in its own UTM zone."""
    out = np.full(len(geoms), np.nan)
    if len(geoms) == 0:
        return out
    centre = shapely.centroid(shapely.envelope(geoms.values))
    codes = utm_epsg(shapely.get_x(centre), shapely.get_y(centre))
    for code in np.unique(codes):
        mask = codes == code
        out[mask] = geoms[mask].to_crs(int(code)).area.to_numpy() / 1e6
    return out


def _fill_area(frame: gpd.GeoDataFrame, report: BoundaryReport) -> gpd.GeoDataFrame:
    """Compute ``luas_km2`` (3 decimals) where the source has none."""
    missing = frame["luas_km2"].isna().to_numpy()
    frame = frame.copy()
    if missing.any():
        frame.loc[missing, "luas_km2"] = area_km2(frame.geometry[missing])
        report.notes.append(Note.of(_NOTE_AREA_COMPUTED, count=int(missing.sum())))
        if report.fields.get("luas_km2") and missing.all():
            report.fields["luas_km2"] = None
    frame["luas_km2"] = frame["luas_km2"].astype(float).round(3)
    return frame


def _note_overlaps(frame: gpd.GeoDataFrame, report: BoundaryReport) -> None:
    """Count neighbouring polygons that share area (> 0 m2) and add a note."""
    left, right = frame.sindex.query(frame.geometry.values, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return
    geoms = frame.geometry.values
    inter = gpd.GeoSeries(shapely.intersection(geoms[left], geoms[right]), crs="EPSG:4326")
    area = np.nan_to_num(area_km2(inter) * 1e6)
    overlapping = area > 0
    if not overlapping.any():
        return
    report.overlap_pairs = int(overlapping.sum())
    report.overlap_m2 = round(float(area[overlapping].sum()), 1)
    top = int(np.argmax(area))
    largest = f"{frame.kode.iat[left[top]]} / {frame.kode.iat[right[top]]}"
    report.notes.append(Note.of(_NOTE_OVERLAPS, pairs=report.overlap_pairs,
                                area_m2=round(report.overlap_m2), largest=largest,
                                largest_m2=round(float(area[top]))))
