"""Field detection: which source fields hold the kelurahan code, name and kecamatan.

A ``--*-field`` option wins (and must exist); otherwise the first candidate name present,
case-insensitively. Codes are normalised to dotted Kemendagri form and checked.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.io.boundaries.national import names_by_kode
from geoapp.io.boundaries.types import BoundaryReport, examples
from geoapp.values.codes import kecamatan_of, normalise_kode

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

_ERR_FIELD_FLAG = Msg(
    "boundaries.field_flag",
    "Field '{field}' (option {flag}) does not exist. Available fields: {available}.",
)
_ERR_FIELD_MISSING = Msg(
    "boundaries.field_missing",
    "No kelurahan code field found. Available fields: {available}. Name the field with "
    "the {flag} option.",
)
_ERR_NAME_FIELD_MISSING = Msg(
    "boundaries.name_field_missing",
    "No kelurahan name field found. Available fields: {available}. Name the field with "
    "the {flag} option.",
)
_ERR_BAD_CODES = Msg(
    "boundaries.bad_codes",
    "{count} codes in field '{field}' are not Kemendagri kelurahan/desa codes "
    "(e.g. {examples}). Accepted forms: 36.71.01.1001 or 3671011001. Choose another "
    "field with the {flag} option.",
)
_ERR_DUPLICATE_CODES = Msg(
    "boundaries.duplicate_codes",
    "Duplicate kelurahan codes in the boundary file: {codes}. Each kelurahan must be one "
    "feature; dissolve its parts and upload again.",
)
_ERR_EMPTY_NAMES = Msg(
    "boundaries.empty_names",
    "{count} features have no kelurahan name in field '{field}' (codes: {codes}).",
)
_NOTE_KEC_DERIVED = Msg(
    "boundaries.kec_code_derived",
    "Kecamatan codes were taken from the first three parts of the kelurahan codes.",
)
_NOTE_NO_KEC_NAME = Msg(
    "boundaries.no_kecamatan_name",
    "No kecamatan name field; kecamatan names are left empty.",
)
_NOTE_KEC_FROM_GAZETTEER = Msg(
    "boundaries.kecamatan_from_gazetteer",
    "No kecamatan name field; the names of {count} features' kecamatan were taken from the "
    "national gazetteer shipped with geoapp.",
)


_FLAGS = {"kode": "--kode-field", "nama": "--nama-field", "nama_kecamatan": "--kecamatan-field",
          "kode_kecamatan": "--kode-kecamatan-field", "luas_km2": "-"}
_MISSING = {"kode": _ERR_FIELD_MISSING, "nama": _ERR_NAME_FIELD_MISSING}


def resolve_fields(available: list[str],
                   flags: dict[str, str | None]) -> dict[str, str | None]:
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


def _text_column(gdf: gpd.GeoDataFrame, name: str | None) -> pd.Series:
    if name is None:
        return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    values = gdf[name].astype(object)
    return values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                      else (str(v).strip() or None))


def build_columns(gdf: gpd.GeoDataFrame, fields: dict[str, str | None],
                   report: BoundaryReport) -> gpd.GeoDataFrame:
    """Map the source fields to the five standard columns (codes normalised, checked)."""
    kode = gdf[fields["kode"]].map(_normalise_kelurahan_kode)
    bad = gdf.loc[kode.isna(), fields["kode"]]
    if len(bad):
        raise GeoappError(_ERR_BAD_CODES, 422, count=len(bad), field=fields["kode"],
                          examples=examples(bad.map(_code_text).tolist()),
                          flag=_FLAGS["kode"])
    dup = kode[kode.duplicated(keep=False)].drop_duplicates().sort_values()
    if len(dup):
        raise GeoappError(_ERR_DUPLICATE_CODES, 422, codes=examples(dup.tolist(), 10))
    nama = _text_column(gdf, fields["nama"])
    if nama.isna().any():
        raise GeoappError(_ERR_EMPTY_NAMES, 422, count=int(nama.isna().sum()),
                          field=fields["nama"], codes=examples(kode[nama.isna()].tolist()))
    kode_kec = _kecamatan_codes(gdf, kode, fields, report)
    nama_kec = _text_column(gdf, fields["nama_kecamatan"])
    if fields["nama_kecamatan"] is None:
        nama_kec = _gazetteer_names(kode_kec, report)
    report.areas = _area_names(kode)
    luas = (pd.to_numeric(gdf[fields["luas_km2"]], errors="coerce").astype(float)
            if fields["luas_km2"] else pd.Series(np.nan, index=gdf.index))
    return gpd.GeoDataFrame({
        "kode": kode.astype("str"), "nama": nama.astype("str"),
        "kode_kecamatan": kode_kec.astype("str"), "nama_kecamatan": nama_kec.astype("str"),
        "luas_km2": luas,
    }, geometry=gdf.geometry.values, crs=gdf.crs, index=gdf.index)


def _gazetteer_names(kode_kec: pd.Series, report: BoundaryReport) -> pd.Series:
    """Kecamatan names from the national gazetteer shipped with geoapp (None when unknown)."""
    names = names_by_kode()
    found = kode_kec.map(lambda k: names.get(k) if isinstance(k, str) else None)
    known = int(found.notna().sum())
    if known:
        report.notes.append(Note.of(_NOTE_KEC_FROM_GAZETTEER, count=known))
    if known < len(found):
        report.notes.append(Note.of(_NOTE_NO_KEC_NAME))
    return found.astype(object)


def _area_names(kode: pd.Series) -> dict[str, str]:
    """Name of every kabupaten/kota and provinsi the codes lie in (national gazetteer)."""
    names = names_by_kode()
    kab = kode.str.slice(0, 5).unique()
    regions = {str(c) for c in kab} | {str(c)[:2] for c in kab}
    return {code: names[code] for code in sorted(regions) if code in names}


def _kecamatan_codes(gdf: gpd.GeoDataFrame, kode: pd.Series, fields: dict[str, str | None],
                     report: BoundaryReport) -> pd.Series:
    derived = kode.str.slice(0, 8)
    if fields["kode_kecamatan"] is None:
        report.notes.append(Note.of(_NOTE_KEC_DERIVED))
        return derived.astype(object)
    given = gdf[fields["kode_kecamatan"]].map(_normalise_kecamatan_kode)
    return given.where(given.notna(), derived).astype(object)
