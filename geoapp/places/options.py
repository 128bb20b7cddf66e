"""What the finder's filters accept: the themes in the data and every kecamatan and
kelurahan of the city (a kelurahan without places is a valid, empty choice).
Core module: no Flask."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd

from geoapp.io.boundaries import load_boundaries
from geoapp.places.model import Place
from geoapp.values.names import normalise_name

MAX_OPTIONS = 2000      # kecamatan or kelurahan listed in one select at most


def choice_maps(places: Sequence[Place]) -> dict[str, dict[str, str]]:
    """Accepted filter spellings -> canonical value: themes in the data; kecamatan and
    kelurahan of the city by kode or by name."""
    themes = {normalise_name(p.theme): p.theme for p in places if p.theme}
    kec: dict[str, str] = {}
    kel: dict[str, str] = {}
    frame = load_boundaries().frame
    for kode, nama, kode_kec, nama_kec in frame[
            ["kode", "nama", "kode_kecamatan", "nama_kecamatan"]].itertuples(index=False):
        kel[str(kode)] = str(kode)
        kel.setdefault(normalise_name(nama), str(kode))
        kec[str(kode_kec)] = str(kode_kec)
        kec[normalise_name(nama_kec)] = str(kode_kec)
    return {"theme": themes, "kecamatan": kec, "kelurahan": kel}


def filter_options(places: Sequence[Place]) -> dict[str, list[tuple[str, str]]]:
    """(value, label) pairs for the finder's selects: themes in the data, every kecamatan
    and kelurahan of the city (a kelurahan without places is a valid, empty choice). A
    province or the whole country has too many to list (more than MAX_OPTIONS): none,
    the paged list narrows by provinsi and kabupaten/kota instead."""
    frame = load_boundaries().frame
    kec = frame[["kode_kecamatan", "nama_kecamatan"]].drop_duplicates("kode_kecamatan")
    themes = sorted({p.theme for p in places if p.theme}, key=str.casefold)
    kel = frame[["kode", "nama"]]
    return {
        "theme": [(t, t) for t in themes],
        "kecamatan": [] if len(kec) > MAX_OPTIONS else
        [(str(k), str(n)) for k, n in kec.sort_values("nama_kecamatan").values],
        "kelurahan": [] if len(kel) > MAX_OPTIONS else
        [(str(k), str(n)) for k, n in kel.sort_values("nama").values],
    }


def finder_areas(frame: gpd.GeoDataFrame, places: Sequence[Place]) -> gpd.GeoDataFrame:
    """The kelurahan whose centroids and outlines the finder sends: all of a city's; of a
    province or the whole country (more than MAX_OPTIONS), only those holding places, so
    that the offline data stays the size of the places, not of 83,253 desa."""
    if len(frame) <= MAX_OPTIONS:
        return frame
    kodes = {p.kode for p in places if p.kode}
    return frame[frame["kode"].astype(str).isin(kodes)]
