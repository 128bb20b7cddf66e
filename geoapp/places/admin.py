"""Planners add, edit and delete places (kampung tematik, KWT groups, ecofarm sites).

Every save is a new dataset version of that program: the active version's rows are
copied with the one change applied, staged and activated (the store's atomic path), so
the finder, the maps and rollback see it like any import. Place ids are
``<kind>-<position>`` (as in ``geoapp.places.load``); positions are kept across versions.

Checking a place (``check_place``) never saves silently over a doubt:
- coordinates may be decimal (``.`` or ``,``) or DMS; UTM 48S metres, swapped
  latitude/longitude and a latitude missing its minus sign are CORRECTED and written
  back into the form with a note, and the planner must look and save again;
- the point must lie inside the boundary set, else an error names the nearest
  kelurahan and how far the point is from it;
- when the chosen kelurahan disagrees with the point, the point decides: the form comes
  back with the point's kelurahan and a note, to be confirmed by saving again;
- likely duplicates (similar name, or closer than ``NEAR_M``) are listed and the place is
  saved only when the planner confirms those exact places.
Core module: no Flask.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.core.programs import PROGRAMS, find_header
from geoapp.imports.pipeline import gazetteer_for
from geoapp.matching import spatial
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.types import STATUSES
from geoapp.places.distance import format_distance, haversine_m
from geoapp.places.model import KINDS
from geoapp.store import (
    activate,
    active_dataset,
    delete_dataset,
    jsonsafe,
    rollback,
    row_dicts,
    stage_import,
)
from geoapp.store.models import Dataset
from geoapp.values.coords import parse_coordinates
from geoapp.values.names import normalise_name

NEAR_M = 150.0            # closer than this: likely the same place
NAME_SCORE = 90.0         # rapidfuzz ratio of normalised names at or above this: same name
NAME_RADIUS_M = 1000.0    # ... when in the same kelurahan or within this distance
LIMITS = {"name": 120, "theme": 80, "address": 200, "contact": 120, "lat": 40, "lon": 40,
          "kelurahan": 20, "kind": 20}
SOURCE_NAME = "formulir tempat"
ACTIONS = {"add": "tambah", "edit": "ubah", "delete": "hapus"}

# Column headers looked up in a dataset (same rules as geoapp.places.rows) and the header
# appended when a dataset has no such column yet.
_ANY_THEME = re.compile(r"jenis|tema", re.I)
_PATTERNS = {
    "address": re.compile(r"alamat|lokasi", re.I),
    "contact": re.compile(r"kontak|telepon|telp|\bhp\b|narahubung|contact", re.I),
    "kelurahan": re.compile(r"^(?!.*kode).*(kelurahan|desa)", re.I),
    "kecamatan": re.compile(r"^(?!.*kode).*kecamatan", re.I),
    "lat": re.compile(r"lintang|latitude|^\s*lat\b", re.I),
    "lon": re.compile(r"bujur|longitude|^\s*(lon|lng|long)\b", re.I),
}
_DEFAULT_HEADERS = {"name": "Nama", "theme": "Tema", "address": "Alamat", "contact": "Kontak",
                    "kelurahan": "Kelurahan", "kecamatan": "Kecamatan", "lat": "Lintang",
                    "lon": "Bujur"}
_ID_RE = re.compile(r"^(kampung|kwt|ecofarm)-(\d{1,7})$")
_DIGITS = re.compile(r"\d+")

# --------------------------------------------------------------------------- messages

BAD_KIND = Msg("place_admin.bad_kind",
               id="Jenis tempat '{value}' tidak dikenal. Pilih salah satu: {allowed}.",
               en="Place type '{value}' is not known. Choose one of: {allowed}.")
NAME_REQUIRED = Msg("place_admin.name_required",
                    id="Isian 'nama' kosong. Tulis nama tempat, mis. 'Kampung Bekelir RW 05'.",
                    en="The 'name' field is empty. Write the place's name, e.g. "
                       "'Kampung Bekelir RW 05'.")
TOO_LONG = Msg("place_admin.too_long",
               id="Isian '{name}' terlalu panjang ({length} karakter); paling banyak {limit}.",
               en="The '{name}' field is too long ({length} characters); at most {limit}.")
BAD_KELURAHAN = Msg("place_admin.bad_kelurahan",
                    id="Kelurahan '{value}' tidak ada di Kota Tangerang. Pilih dari daftar, "
                       "atau kosongkan agar kelurahan ditentukan dari titik koordinat.",
                    en="Kelurahan '{value}' is not in the city. Pick one from the list, or leave "
                       "it empty to take the kelurahan from the point.")
COORDS_REQUIRED = Msg("place_admin.coords_required",
                      id="Isi lintang dan bujur tempat ini (keduanya), mis. -6.178 dan 106.630.",
                      en="Fill in both latitude and longitude of the place, e.g. -6.178 and "
                         "106.630.")
COORDS_UNREADABLE = Msg("place_admin.coords_unreadable",
                        id="Koordinat tidak dapat dibaca (lintang '{lat}', bujur '{lon}'). Tulis "
                           "derajat desimal (-6.178 atau -6,178) atau DMS (6°10'40\"LS).",
                        en="The coordinates could not be read (latitude '{lat}', longitude "
                           "'{lon}'). Write decimal degrees (-6.178 or -6,178) or DMS "
                           "(6°10'40\"S).")
OUTSIDE = Msg("place_admin.outside",
              id="Titik {lat}, {lon} berada di luar Kota Tangerang: kelurahan terdekat {nama} "
                 "(Kec. {kecamatan}), {distance_id} dari titik. Periksa koordinatnya.",
              en="The point {lat}, {lon} lies outside the city: the nearest kelurahan is {nama} "
                 "({kecamatan}), {distance_en} away. Check the coordinates.")
NOT_FOUND = Msg("place_admin.not_found",
                id="Tempat '{place_id}' tidak ada di data aktif. Muat ulang daftar tempat.",
                en="Place '{place_id}' is not in the active data. Reload the list of places.")
KIND_FIXED = Msg("place_admin.kind_fixed",
                 id="Jenis tempat tidak dapat diubah ({old} ke {new}). Hapus tempat ini lalu "
                    "tambahkan sebagai jenis yang benar.",
                 en="The place type cannot be changed ({old} to {new}). Delete this place and "
                    "add it again as the right type.")
CHANGED = Msg("place_admin.changed",
              id="Data {program} berubah sejak formulir dibuka (kini versi {version} yang "
                 "aktif). Muat ulang halaman lalu ulangi perubahan Anda.",
              en="The {program} data changed since the form was opened (version {version} is "
                 "now active). Reload the page and make your change again.")

UTM_FIXED = Msg("place_admin.utm_fixed",
                id="Koordinat ditulis dalam meter UTM zona 48S ({east} T, {north} U) dan sudah "
                   "diubah ke lintang/bujur. Periksa titiknya lalu simpan lagi.",
                en="The coordinates were UTM zone 48S metres ({east} E, {north} N) and were "
                   "converted to latitude/longitude. Check the point and save again.")
SWAP_FIXED = Msg("place_admin.swap_fixed",
                 id="Lintang dan bujur tertukar dan sudah ditukar kembali. Periksa titiknya lalu "
                    "simpan lagi.",
                 en="Latitude and longitude were swapped and have been swapped back. Check the "
                    "point and save again.")
SIGN_FIXED = Msg("place_admin.sign_fixed",
                 id="Lintang {lat} tanpa tanda minus berada di belahan bumi utara; Kota "
                    "Tangerang di selatan khatulistiwa, jadi lintang diubah menjadi -{lat}. "
                    "Periksa titiknya lalu simpan lagi.",
                 en="Latitude {lat} without a minus sign is north of the equator; the city is "
                    "south of it, so the latitude was changed to -{lat}. Check the point and "
                    "save again.")
KELURAHAN_FIXED = Msg("place_admin.kelurahan_fixed",
                      id="Titik ini berada di kelurahan {point} (Kec. {kecamatan}), bukan di "
                         "{chosen} yang dipilih. Kelurahan diganti menjadi {point}; bila tempat "
                         "ini memang di {chosen}, perbaiki koordinatnya. Simpan lagi untuk "
                         "mengonfirmasi.",
                      en="This point lies in kelurahan {point} ({kecamatan}), not in {chosen} as "
                         "chosen. The kelurahan was changed to {point}; if the place really is in "
                         "{chosen}, correct the coordinates. Save again to confirm.")
KELURAHAN_FROM_POINT = Msg("place_admin.kelurahan_from_point",
                           id="Kelurahan ditentukan dari titik: {point} (Kec. {kecamatan}).",
                           en="Kelurahan taken from the point: {point} ({kecamatan}).")
DMS_READ = Msg("place_admin.dms_read",
               id="Koordinat DMS dibaca sebagai {lat}, {lon}.",
               en="DMS coordinates were read as {lat}, {lon}.")
ON_BORDER = Msg("place_admin.on_border",
                id="Titik berada di tumpang-tindih batas kelurahan {others}; dipilih {point}.",
                en="The point lies where kelurahan {others} overlap; {point} was chosen.")
ROW_NOTE = "Diisi lewat formulir tempat oleh {user}."

# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class PlaceInput:
    """Untrusted form texts for one place (kelurahan is a kode or empty)."""

    name: str = ""
    kind: str = ""
    theme: str = ""
    kelurahan: str = ""
    address: str = ""
    contact: str = ""
    lat: str = ""
    lon: str = ""

    @classmethod
    def from_mapping(cls, data: Any) -> PlaceInput:
        """Take the known fields from a form-like mapping (missing ones are empty)."""
        return cls(**{f: str(data.get(f) or "") for f in cls.__dataclass_fields__})


@dataclass(frozen=True)
class AdminPlace:
    """One row of an active kampung/kwt/ecofarm dataset, as the admin list shows it."""

    id: str
    kind: str
    position: int
    name: str
    theme: str | None
    kode: str | None
    kelurahan: str | None
    kecamatan: str | None
    address: str | None
    contact: str | None
    lat: float | None
    lon: float | None
    status: str

    def as_input(self) -> PlaceInput:
        """The place's values as form texts (for the edit form)."""
        return PlaceInput(self.name, self.kind, self.theme or "", self.kode or "",
                          self.address or "", self.contact or "",
                          "" if self.lat is None else _deg(self.lat),
                          "" if self.lon is None else _deg(self.lon))


@dataclass(frozen=True)
class Duplicate:
    """An existing place that may be the same as the one being saved."""

    id: str
    name: str
    kelurahan: str | None
    distance_m: float
    score: float
    reasons: tuple[str, ...]          # "name" and/or "near"


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


@dataclass
class SaveOutcome:
    """What ``save_place`` did: ``dataset`` is the new active version, or None when the
    place needs corrections confirmed or duplicates confirmed first."""

    checked: CheckedPlace
    dataset: Dataset | None = None
    unconfirmed: list[Duplicate] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return self.dataset is not None


@dataclass
class ProgramRows:
    """The active version of one place program: headers, rows and where the fields are."""

    kind: str
    dataset: Dataset | None
    headers: list[str]
    rows: list[dict[str, Any]]
    columns: dict[str, int | None]
    measures: list[str]


# --------------------------------------------------------------------------- small helpers


def _deg(value: float) -> str:
    return f"{value:.6f}"


def _clean(text: str, name: str) -> str:
    """One line of text without control characters; GeoappError 400 when too long."""
    chars = ("" if unicodedata.category(c).startswith("C") else c for c in str(text or ""))
    clean = " ".join("".join(chars).split())
    if len(clean) > LIMITS[name]:
        raise GeoappError(TOO_LONG, 400, name=name, length=len(clean), limit=LIMITS[name])
    return clean


def check_kind(kind: str) -> str:
    """``kind`` if it is one of KINDS, else a 400 naming the allowed ones."""
    value = str(kind or "").strip().lower()
    if value not in KINDS:
        raise GeoappError(BAD_KIND, 400, value=str(kind)[:30], allowed=", ".join(KINDS))
    return value


def parse_place_id(place_id: str) -> tuple[str, int]:
    """``kampung-12`` -> ("kampung", 12); 404 for anything else."""
    found = _ID_RE.match(str(place_id or ""))
    if not found:
        raise GeoappError(NOT_FOUND, 404, place_id=str(place_id)[:40])
    return found.group(1), int(found.group(2))


def default_gazetteer() -> Gazetteer:
    """The matcher index of the default boundary set (built once per process)."""
    return gazetteer_for(None)


# --------------------------------------------------------------------------- reading


def _columns(kind: str, headers: list[str]) -> dict[str, int | None]:
    """Positions of the fields a place form edits (None when the dataset lacks one)."""
    program = PROGRAMS[kind]
    cols = {"name": find_header(headers, program.name_header),
            "theme": find_header(headers, program.theme_header or _ANY_THEME)}
    cols.update({k: find_header(headers, p) for k, p in _PATTERNS.items()})
    if cols["address"] is not None and cols["address"] == cols["name"]:
        cols["address"] = find_header(headers, re.compile(r"alamat", re.I))
    return cols


def load_program(session: Session, kind: str) -> ProgramRows:
    """The active version of a place program (empty when none was imported yet)."""
    kind = check_kind(kind)
    dataset = active_dataset(session, kind)
    if dataset is None:
        return ProgramRows(kind, None, [], [], _columns(kind, []), [])
    headers = [str(h) for h in jsonsafe.loads(dataset.headers_json, [])]
    measures = [str(m) for m in jsonsafe.loads(dataset.measures_json, [])]
    return ProgramRows(kind, dataset, headers, row_dicts(session, dataset.id),
                       _columns(kind, headers), measures)


def _cell(cells: list, pos: int | None) -> str | None:
    if pos is None or pos >= len(cells):
        return None
    text = " ".join(str(cells[pos]).split())
    return text or None


def _names(gazetteer: Gazetteer) -> dict[str, tuple[str, str]]:
    return {k: (n, kec) for k, n, kec in zip(gazetteer.kode, gazetteer.nama,
                                             gazetteer.nama_kecamatan, strict=True)}


def _admin_place(prog: ProgramRows, row: dict[str, Any],
                 names: dict[str, tuple[str, str]]) -> AdminPlace:
    cells, cols = row["cells"], prog.columns
    kel = names.get(row["kode"] or "", (None, None))
    name = _cell(cells, cols["name"]) or f"{PROGRAMS[prog.kind].title.text('id')} " \
                                         f"#{row['position'] + 1}"
    return AdminPlace(
        id=f"{prog.kind}-{row['position']}", kind=prog.kind, position=row["position"],
        name=name, theme=_cell(cells, cols["theme"]), kode=row["kode"], kelurahan=kel[0],
        kecamatan=kel[1], address=_cell(cells, cols["address"]),
        contact=_cell(cells, cols["contact"]), lat=row["lat"], lon=row["lon"],
        status=row["status"])


def program_places(prog: ProgramRows, gazetteer: Gazetteer | None = None) -> list[AdminPlace]:
    """Every non-total row of a program as a place (with or without coordinates)."""
    names = _names(gazetteer or default_gazetteer())
    return [_admin_place(prog, r, names) for r in prog.rows if not r["is_total"]]


def list_places(session: Session, kind: str | None = None,
                gazetteer: Gazetteer | None = None) -> list[AdminPlace]:
    """Places of one kind (or all kinds) from the active datasets, by kind then name."""
    kinds = KINDS if kind is None else (check_kind(kind),)
    out = [p for k in kinds for p in program_places(load_program(session, k), gazetteer)]
    return sorted(out, key=lambda p: (KINDS.index(p.kind), normalise_name(p.name), p.position))


def get_place(session: Session, place_id: str,
              gazetteer: Gazetteer | None = None) -> AdminPlace:
    """One place of the active data by id; 404 when it is not there."""
    kind, position = parse_place_id(place_id)
    found = [p for p in list_places(session, kind, gazetteer) if p.position == position]
    if not found:
        raise GeoappError(NOT_FOUND, 404, place_id=place_id)
    return found[0]


# --------------------------------------------------------------------------- checking


def _clean_input(values: PlaceInput) -> PlaceInput:
    clean = {f: _clean(getattr(values, f), f) for f in PlaceInput.__dataclass_fields__}
    if not clean["name"]:
        raise GeoappError(NAME_REQUIRED, 400)
    clean["kind"] = check_kind(clean["kind"])
    return PlaceInput(**clean)


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
        notes.append(Note.of(DMS_READ, lat=_deg(lat), lon=_deg(lon)))
    return lat, lon, corrections, notes


def _locate(gazetteer: Gazetteer, lat: float, lon: float) -> tuple[int, str | None]:
    found = spatial.locate_points(gazetteer, np.array([lon]), np.array([lat]))
    return int(found.index[0]), found.others[0]


def _outside_error(gazetteer: Gazetteer, lat: float, lon: float) -> GeoappError:
    rows = np.arange(len(gazetteer))
    dist = spatial.distance_m(gazetteer, rows, np.full(len(rows), lon), np.full(len(rows), lat))
    best = int(np.nanargmin(dist))
    return GeoappError(OUTSIDE, 422, lat=_deg(lat), lon=_deg(lon), nama=gazetteer.nama[best],
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
            corrections.append(Note.of(SIGN_FIXED, lat=_deg(lat)))
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
    clean = _clean_input(values)
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
    final = replace(clean, kelurahan=kode, lat=_deg(lat), lon=_deg(lon))
    checked = CheckedPlace(final, lat, lon, kode, nama, gaz.kode_kecamatan[index], kec,
                           corrections, notes)
    checked.duplicates = find_duplicates(final.name, lat, lon, existing, kode)
    return checked


# --------------------------------------------------------------------------- duplicates


def name_score(a: str, b: str) -> float:
    """Similarity 0..100 of two place names (normalised; numbers such as RW 05 must agree)."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0.0
    if [int(d) for d in _DIGITS.findall(na)] != [int(d) for d in _DIGITS.findall(nb)]:
        return 0.0
    return float(fuzz.ratio(na, nb))


def find_duplicates(name: str, lat: float, lon: float, existing: Sequence[AdminPlace],
                    kode: str | None = None) -> list[Duplicate]:
    """Existing places that may be the same one, nearest first: closer than NEAR_M, or a
    similar name (>= NAME_SCORE) in the same kelurahan or within NAME_RADIUS_M (the same
    "RW 07" name in another kelurahan is another place)."""
    out = []
    for place in existing:
        has_point = place.lat is not None and place.lon is not None
        dist = haversine_m(lat, lon, place.lat, place.lon) if has_point else float("inf")
        score = name_score(name, place.name)
        same_area = (kode is not None and place.kode == kode) or dist <= NAME_RADIUS_M
        hits = (("name", score >= NAME_SCORE and same_area), ("near", dist < NEAR_M))
        reasons = tuple(r for r, hit in hits if hit)
        if reasons:
            out.append(Duplicate(place.id, place.name, place.kelurahan, float(dist), score,
                                 reasons))
    return sorted(out, key=lambda d: (d.distance_m, d.id))


# --------------------------------------------------------------------------- new versions


def _ensure_column(prog: ProgramRows, headers: list[str], cols: dict[str, int | None],
                   key: str) -> int:
    """The position of ``key``'s column, appending a header when the dataset lacks it."""
    if cols.get(key) is None:
        default = _DEFAULT_HEADERS[key]
        if key == "theme" and prog.kind != "kampung":
            default = "Jenis"
        headers.append(default)
        cols[key] = len(headers) - 1
    return int(cols[key])


def _cell_values(checked: CheckedPlace) -> dict[str, str]:
    v = checked.values
    return {"name": v.name, "theme": v.theme, "address": v.address, "contact": v.contact,
            "kelurahan": checked.nama, "kecamatan": checked.nama_kecamatan,
            "lat": v.lat, "lon": v.lon}


def _place_row(prog: ProgramRows, headers: list[str], cols: dict[str, int | None],
               checked: CheckedPlace, base: dict[str, Any] | None, position: int,
               user: str) -> dict[str, Any]:
    """The stored row of a saved place; other cells and measures of ``base`` are kept."""
    cells = list(base["cells"]) if base else []
    for key, text in _cell_values(checked).items():
        if not text and cols.get(key) is None:
            continue                              # nothing to store, no column needed
        pos = _ensure_column(prog, headers, cols, key)
        cells += [""] * (pos + 1 - len(cells))
        cells[pos] = text
    measures = dict(base["measures"]) if base else dict.fromkeys(prog.measures)
    return {"position": position, "source_row": base["source_row"] if base else None,
            "cells": cells, "kode": checked.kode, "status": "matched", "method": "koordinat",
            "score": 100.0, "note": ROW_NOTE.format(user=user), "suggestions": [],
            "measures": measures, "lat": checked.lat, "lon": checked.lon, "is_total": False}


def _ledger(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}
    return {"rows": {"total": len(rows), **counts, "blank_skipped": 0}, "sums": {},
            "unparsed_numbers": {}, "balanced": True}


def _digest(headers: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    body = json.dumps([list(headers), list(rows)], sort_keys=True, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def version_title(kind: str, action: str, name: str, user: str) -> str:
    """``Kampung tematik — ubah 'Nama' oleh planner`` (Indonesian, at most 200 chars)."""
    short = name if len(name) <= 80 else name[:79] + "…"
    title = f"{PROGRAMS[kind].title.text('id')} — {ACTIONS[action]} '{short}' oleh {user}"
    return title[:200]


def _check_base(prog: ProgramRows, base_id: int | None) -> None:
    """409 when the active version is not the one the planner's form was made from."""
    current = prog.dataset.id if prog.dataset is not None else None
    if current != base_id:
        raise GeoappError(CHANGED, 409, program=PROGRAMS[prog.kind].title.text("id"),
                          version=prog.dataset.version if prog.dataset is not None else "-")


def _commit(session: Session, prog: ProgramRows, rows: list[dict[str, Any]],
            headers: list[str], *, title: str, user: str, change: dict[str, Any]) -> Dataset:
    """Stage the rows as a new version and activate it; if another version became
    active in between, put that one back and refuse (409)."""
    base = prog.dataset
    staged = stage_import(
        session, program=prog.kind, title=title, rows=rows, headers=headers,
        ledger=_ledger(rows), report={"manual_change": change},
        source_sha256=_digest(headers, rows), source_name=SOURCE_NAME, user=user,
        sample=bool(base.sample) if base is not None else False)
    dataset = activate(session, staged.id)
    if dataset.previous_id != (base.id if base is not None else None):
        rollback(session, prog.kind)
        delete_dataset(session, dataset.id, user=user)
        _check_base(load_program(session, prog.kind), base.id if base is not None else None)
    return dataset


def _change(action: str, place_id: str, name: str, prog: ProgramRows,
            checked: CheckedPlace | None = None) -> dict[str, Any]:
    info: dict[str, Any] = {"action": action, "place_id": place_id, "name": name,
                            "base_dataset_id": prog.dataset.id if prog.dataset else None,
                            "base_version": prog.dataset.version if prog.dataset else None}
    if checked is not None:
        info.update(kode=checked.kode, lat=checked.lat, lon=checked.lon,
                    notes=[n.key for n in (*checked.corrections, *checked.notes)],
                    duplicates_confirmed=[d.id for d in checked.duplicates])
    return info


def _find_row(prog: ProgramRows, place_id: str, position: int) -> dict[str, Any]:
    for row in prog.rows:
        if row["position"] == position and not row["is_total"]:
            return row
    raise GeoappError(NOT_FOUND, 404, place_id=place_id)


def save_place(session: Session, values: PlaceInput, *, user: str, base_id: int | None,
               place_id: str | None = None, confirmed: Collection[str] = (),
               gazetteer: Gazetteer | None = None) -> SaveOutcome:
    """Add (``place_id`` None) or edit a place as a new active version of its program.

    ``base_id`` is the active dataset id the form was made from (None: there was none);
    ``confirmed`` the duplicate ids the planner chose to keep anyway. Nothing is saved
    while corrections wait for confirmation or a listed duplicate is not confirmed.
    """
    kind = check_kind(values.kind)
    position = None
    if place_id is not None:
        old_kind, position = parse_place_id(place_id)
        if old_kind != kind:
            raise GeoappError(KIND_FIXED, 400, old=old_kind, new=kind)
    prog = load_program(session, kind)
    _check_base(prog, base_id)
    base_row = _find_row(prog, place_id, position) if place_id is not None else None
    others = [p for p in program_places(prog, gazetteer) if p.id != place_id]
    checked = check_place(values, existing=others, gazetteer=gazetteer)
    if checked.corrections:
        return SaveOutcome(checked)
    unconfirmed = [d for d in checked.duplicates if d.id not in set(confirmed)]
    if unconfirmed:
        return SaveOutcome(checked, unconfirmed=unconfirmed)
    if position is None:
        position = max((r["position"] for r in prog.rows), default=-1) + 1
    headers, cols = list(prog.headers), dict(prog.columns)
    new_row = _place_row(prog, headers, cols, checked, base_row, position, user)
    rows = [new_row if r is base_row else r for r in prog.rows]
    if base_row is None:
        rows.append(new_row)
    action = "edit" if place_id is not None else "add"
    new_id = f"{kind}-{position}"
    dataset = _commit(session, prog, rows, headers, user=user,
                      title=version_title(kind, action, checked.values.name, user),
                      change=_change(action, new_id, checked.values.name, prog, checked))
    return SaveOutcome(checked, dataset)


def delete_place(session: Session, place_id: str, *, user: str,
                 base_id: int | None) -> Dataset:
    """Remove one place: a new active version without its row (older versions keep it)."""
    kind, position = parse_place_id(place_id)
    prog = load_program(session, kind)
    _check_base(prog, base_id)
    row = _find_row(prog, place_id, position)
    place = _admin_place(prog, row, {})
    rows = [r for r in prog.rows if r is not row]
    return _commit(session, prog, rows, list(prog.headers), user=user,
                   title=version_title(kind, "delete", place.name, user),
                   change=_change("delete", place_id, place.name, prog))
