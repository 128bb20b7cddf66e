"""One kelurahan's figures (the profile page) and every kelurahan's main figures (summary).

Core module: no Flask.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, normalise_lang
from geoapp.core.programs import PROGRAMS
from geoapp.figures.area import area_of
from geoapp.figures.catalog import POINT_PROGRAMS, LayerData, available_in, main_layer
from geoapp.figures.filters import Filters
from geoapp.figures.points import point_rows
from geoapp.figures.rows import ActiveData, boundaries, population
from geoapp.figures.sources import source_text
from geoapp.store import jsonsafe
from geoapp.store.active import ActiveVersions

BAD_KODE = Msg(
    "figures.bad_kode",
    "Kelurahan code '{kode}' is not valid. Write the dotted Kemendagri code, e.g. 36.71.01.1001.",
)
UNKNOWN_KODE = Msg(
    "figures.unknown_kode",
    "There is no kelurahan with code {kode} in the city's boundaries.",
)
KODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")


def check_kode(kode: str) -> str:
    """The kode if it is a dotted kelurahan code of the city; else GeoappError 400/404."""
    text = str(kode).strip()
    if not KODE_RE.match(text):
        raise GeoappError(BAD_KODE, 400, kode=str(kode)[:40])
    if text not in set(boundaries()["kode"]):
        raise GeoappError(UNKNOWN_KODE, 404, kode=text)
    return text


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _rank(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _figure(data: LayerData, kode: str, lang: str) -> dict[str, Any]:
    frame = data.frame
    row = frame.loc[frame["kode"] == kode].iloc[0]
    same_kec = frame["kode_kecamatan"] == row["kode_kecamatan"]
    d = data.definition
    return {"layer": d.key, "program": d.program, "title": d.title.text(lang),
            "value": _number(row["value"]), "value_kind": d.value_kind, "per": d.per,
            "rank_city": _rank(row["rank_city"]), "rank_kecamatan": _rank(row["rank_kecamatan"]),
            "ranked_city": int(frame["value"].notna().sum()),
            "ranked_kecamatan": int(frame.loc[same_kec, "value"].notna().sum()),
            "dataset_id": data.dataset_id, "dataset_version": data.dataset_version,
            "sample": data.sample}


def _points_in(data: ActiveData, program: str, kode: str) -> list[dict[str, Any]]:
    """Matched rows of a point program in one kelurahan (also those without coordinates)."""
    info = data.infos.get(program)
    if info is None:
        return []
    rows = point_rows(data, info, Filters())
    rows = rows[rows["kode"] == kode]
    keep = ["nama", "tema", "alamat", "lat", "lon"]
    keep += [m.key for m in PROGRAMS[program].measures if m.key in rows.columns]
    return [jsonsafe.to_jsonable(r) for r in rows[keep].to_dict(orient="records")]


def kelurahan_profile(session: Session, active: ActiveVersions, kode: str,
                      lang: str = "id") -> dict[str, Any]:
    """Every program's figures for one kelurahan, with ranks in its kecamatan and the city,
    its names, area and population, and the kampung tematik, KWT and ecofarm in it.

    GeoappError 400 for a malformed kode, 404 for a kode not in the city.
    """
    kode = check_kode(kode)
    lang = normalise_lang(lang)
    data = ActiveData.read(session, active)
    infos = data.infos
    base = boundaries().set_index("kode").loc[kode]
    figures = [_figure(area_of(data, d, Filters()), kode, lang)
               for d in available_in(infos) if d.kind == "area"]
    for item in figures:
        item["source"] = source_text(item["program"], infos.get(item["program"]), lang)
    residents = population(data)
    return {
        "kode": kode, "nama": str(base["nama"]), "kode_kecamatan": str(base["kode_kecamatan"]),
        "nama_kecamatan": str(base["nama_kecamatan"]), "luas_km2": _number(base["luas_km2"]),
        "penduduk": _number(residents.get(kode)) if residents is not None else None,
        "figures": figures,
        "points": {p: _points_in(data, p, kode) for p in POINT_PROGRAMS},
        "sample": any(info.sample for info in infos.values()),
        "sources": {p: source_text(p, info, lang) for p, info in infos.items()},
    }


def kelurahan_summary(session: Session, active: ActiveVersions) -> list[dict[str, Any]]:
    """Per kelurahan: kode, names, luas_km2 and each active program's main figure
    (``figures``: program -> value, None = no data)."""
    data = ActiveData.read(session, active)
    values = {p: area_of(data, main_layer(p), Filters()).frame.set_index("kode")["value"]
              for p in PROGRAMS if p in data.infos}
    out = []
    for row in boundaries().itertuples(index=False):
        out.append({"kode": row.kode, "nama": row.nama, "kode_kecamatan": row.kode_kecamatan,
                    "nama_kecamatan": row.nama_kecamatan, "luas_km2": _number(row.luas_km2),
                    "figures": {p: _number(v.get(row.kode)) for p, v in values.items()}})
    return out
