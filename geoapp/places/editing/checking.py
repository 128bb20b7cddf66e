"""Check one place before it is saved: its texts, its point and kelurahan, its duplicates.

Coordinates may be decimal (``.`` or ``,``) or DMS; UTM 48S metres, swapped latitude/
longitude and a latitude missing its minus sign are CORRECTED and come back as
corrections for the planner to confirm; a point outside the boundary set is an error
naming the nearest kelurahan; when the chosen kelurahan disagrees with the point, the
point decides (again as a correction).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.matching import spatial
from geoapp.matching.gazetteer import Gazetteer
from geoapp.places.distance import format_distance
from geoapp.places.editing.duplicates import Duplicate, find_duplicates
from geoapp.places.editing.form import PlaceInput, clean_input, deg
from geoapp.places.editing.listing import AdminPlace, default_gazetteer
from geoapp.values.coords import parse_coordinates

BAD_KELURAHAN = Msg("place_admin.bad_kelurahan",
                    "Kelurahan '{value}' is not in the city. Pick one from the list, or leave "
                    "it empty to take the kelurahan from the point.")
COORDS_REQUIRED = Msg("place_admin.coords_required",
                      "Fill in both latitude and longitude of the place, e.g. -6.178 and "
                      "106.630.")
COORDS_UNREADABLE = Msg("place_admin.coords_unreadable",
                        "The coordinates could not be read (latitude '{lat}', longitude "
                        "'{lon}'). Write decimal degrees (-6.178 or -6,178) or DMS "
                        "(6°10'40\"S).")
OUTSIDE = Msg("place_admin.outside",
              "The point {lat}, {lon} lies outside the city: the nearest kelurahan is {nama} "
              "({kecamatan}), {distance_en} away. Check the coordinates.")
UTM_FIXED = Msg("place_admin.utm_fixed",
                "The coordinates were UTM zone 48S metres ({east} E, {north} N) and were "
                "converted to latitude/longitude. Check the point and save again.")
SWAP_FIXED = Msg("place_admin.swap_fixed",
                 "Latitude and longitude were swapped and have been swapped back. Check the "
                 "point and save again.")
SIGN_FIXED = Msg("place_admin.sign_fixed",
                 "Latitude {lat} without a minus sign is north of the equator; the city is "
                 "south of it, so the latitude was changed to -{lat}. Check the point and "
                 "save again.")
KELURAHAN_FIXED = Msg("place_admin.kelurahan_fixed",
                      "This point lies in kelurahan {point} ({kecamatan}), not in {chosen} as "
                      "chosen. The kelurahan was changed to {point}; if the place really is in "
                      "{chosen}, correct the coordinates. Save again to confirm.")
KELURAHAN_FROM_POINT = Msg("place_admin.kelurahan_from_point",
                           "Kelurahan taken from the point: {point} ({kecamatan}).")
DMS_READ = Msg("place_admin.dms_read", "DMS coordinates were read as {lat}, {lon}.")
ON_BORDER = Msg("place_admin.on_border",
                "The point lies where kelurahan {others} overlap; {point} was chosen.")


@dataclass
class CheckedPlace:
    """A place after checking: cleaned values, the point and its kelurahan, and notes.

    ``corrections`` are changes the planner must look at and confirm by saving again
    (the corrected values are in ``values``); ``notes`` are for information only.
    """

    values: PlaceInput
    lat: float
    lon: float
    kode: str
    nama: str
    kode_kecamatan: str
    nama_kecamatan: str
    corrections: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)


def _check_kelurahan(kode: str, gazetteer: Gazetteer) -> str | None:
    if not kode:
        return None
    if kode not in gazetteer.by_kode:
        raise GeoappError(BAD_KELURAHAN, 400, value=kode[:20])
    return kode


def _parse_point(lat_text: str, lon_text: str) -> tuple[float, float, list[Note], list[Note]]:
    """(lat, lon, corrections, notes) from the two texts; GeoappError when unusable."""
    if not lat_text or not lon_text:
        raise GeoappError(COORDS_REQUIRED, 400)
    parsed = parse_coordinates(pd.Series([lat_text], dtype=object),
                               pd.Series([lon_text], dtype=object))
    lat, lon = float(parsed.lat[0]), float(parsed.lon[0])
    if not (np.isfinite(lat) and np.isfinite(lon)):
        raise GeoappError(COORDS_UNREADABLE, 400, lat=lat_text, lon=lon_text)
    lat, lon = round(lat, 6), round(lon, 6)
    corrections, notes = [], []
    if parsed.counts.get("utm"):
        east, north = sorted((lat_text, lon_text), key=lambda t: len(t.replace(".", "")))
        corrections.append(Note.of(UTM_FIXED, east=east, north=north))
    elif parsed.counts.get("swapped"):
        corrections.append(Note.of(SWAP_FIXED))
    elif parsed.counts.get("dms"):
        notes.append(Note.of(DMS_READ, lat=deg(lat), lon=deg(lon)))
    return lat, lon, corrections, notes


def _locate(gazetteer: Gazetteer, lat: float, lon: float) -> tuple[int, str | None]:
    found = spatial.locate_points(gazetteer, np.array([lon]), np.array([lat]))
    return int(found.index[0]), found.others[0]


def _outside_error(gazetteer: Gazetteer, lat: float, lon: float) -> GeoappError:
    rows = np.arange(len(gazetteer))
    dist = spatial.distance_m(gazetteer, rows, np.full(len(rows), lon), np.full(len(rows), lat))
    best = int(np.nanargmin(dist))
    return GeoappError(OUTSIDE, 422, lat=deg(lat), lon=deg(lon), nama=gazetteer.nama[best],
                       kecamatan=gazetteer.nama_kecamatan[best],
                       distance_id=format_distance(float(dist[best]), "id"),
                       distance_en=format_distance(float(dist[best]), "en"))


def _point_in_city(gazetteer: Gazetteer, lat: float, lon: float,
                   corrections: list[Note]) -> tuple[float, int, str | None]:
    """(lat, kelurahan row, overlapping codes); a lost minus sign on the latitude is fixed
    as a correction; GeoappError 422 naming the nearest kelurahan when outside."""
    index, others = _locate(gazetteer, lat, lon)
    if index < 0 and lat > 0:
        flipped, others_flipped = _locate(gazetteer, -lat, lon)
        if flipped >= 0:
            corrections.append(Note.of(SIGN_FIXED, lat=deg(lat)))
            return -lat, flipped, others_flipped
    if index < 0:
        raise _outside_error(gazetteer, lat, lon)
    return lat, index, others


def check_place(values: PlaceInput, *, existing: Sequence[AdminPlace] = (),
                gazetteer: Gazetteer | None = None) -> CheckedPlace:
    """Clean and check one place (see the module docstring); ``existing`` are the other
    places of the same kind, for the duplicate check. Raises GeoappError for problems the
    planner must fix; corrections come back in the result."""
    gaz = gazetteer or default_gazetteer()
    clean = clean_input(values)
    chosen = _check_kelurahan(clean.kelurahan, gaz)
    lat, lon, corrections, notes = _parse_point(clean.lat, clean.lon)
    lat, index, others = _point_in_city(gaz, lat, lon, corrections)
    kode, nama, kec = gaz.kode[index], gaz.nama[index], gaz.nama_kecamatan[index]
    if chosen is not None and chosen != kode:
        chosen_name = gaz.nama[gaz.by_kode[chosen]]
        corrections.append(Note.of(KELURAHAN_FIXED, point=nama, kecamatan=kec, chosen=chosen_name))
    elif chosen is None:
        notes.append(Note.of(KELURAHAN_FROM_POINT, point=nama, kecamatan=kec))
    if others:
        notes.append(Note.of(ON_BORDER, others=f"{kode}, {others}", point=nama))
    final = replace(clean, kelurahan=kode, lat=deg(lat), lon=deg(lon))
    checked = CheckedPlace(final, lat, lon, kode, nama, gaz.kode_kecamatan[index], kec,
                           corrections, notes)
    checked.duplicates = find_duplicates(final.name, lat, lon, existing, kode)
    return checked
