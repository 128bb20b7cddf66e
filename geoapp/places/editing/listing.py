"""The places of the active kampung/kwt/ecofarm versions, as the editor lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.programs import PROGRAMS, ColumnMap, detect_columns
from geoapp.imports.pipeline import gazetteer_for
from geoapp.matching.gazetteer import Gazetteer
from geoapp.places.editing.form import NOT_FOUND, PlaceInput, check_kind, deg, parse_place_id
from geoapp.places.model import KINDS
from geoapp.store import active_dataset, jsonsafe, row_dicts
from geoapp.store.columns import cell, dataset_columns
from geoapp.store.models import Dataset
from geoapp.values.names import normalise_name

# The fields a place form edits -> the column-map role holding each (core.programs.ROLES).
FIELD_ROLES = {"name": "name", "theme": "place_theme", "address": "address",
               "contact": "contact", "kelurahan": "kelurahan", "kecamatan": "kecamatan",
               "lat": "lat", "lon": "lon"}


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
                          "" if self.lat is None else deg(self.lat),
                          "" if self.lon is None else deg(self.lon))


@dataclass
class ProgramRows:
    """The active version of one place program: headers, rows and where the form's fields
    are (``columns``: field -> position, from the version's stored column map)."""

    kind: str
    dataset: Dataset | None
    headers: list[str]
    rows: list[dict[str, Any]]
    columns: dict[str, int | None]
    measures: list[str]


def default_gazetteer() -> Gazetteer:
    """The matcher index of the default boundary set (built once per boundary file)."""
    return gazetteer_for(None)


def field_columns(columns: ColumnMap) -> dict[str, int | None]:
    """Form field -> its column position in a version's column map (None: no column)."""
    return {field: columns.position(role) for field, role in FIELD_ROLES.items()}


def load_program(session: Session, kind: str) -> ProgramRows:
    """The active version of a place program (empty when none was imported yet)."""
    kind = check_kind(kind)
    dataset = active_dataset(session, kind)
    if dataset is None:
        return ProgramRows(kind, None, [], [], field_columns(detect_columns(kind, [], [])), [])
    headers = [str(h) for h in jsonsafe.loads(dataset.headers_json, [])]
    measures = [str(m) for m in jsonsafe.loads(dataset.measures_json, [])]
    return ProgramRows(kind, dataset, headers, row_dicts(session, dataset.id),
                       field_columns(dataset_columns(dataset)), measures)


def _names(gazetteer: Gazetteer) -> dict[str, tuple[str, str]]:
    return {k: (n, kec) for k, n, kec in zip(gazetteer.kode, gazetteer.nama,
                                             gazetteer.nama_kecamatan, strict=True)}


def admin_place(prog: ProgramRows, row: dict[str, Any],
                names: dict[str, tuple[str, str]]) -> AdminPlace:
    """One stored row as a place (``names``: kode -> kelurahan and kecamatan names)."""
    cells, cols = row["cells"], prog.columns
    kel = names.get(row["kode"] or "", (None, None))
    name = cell(cells, cols["name"]) or f"{PROGRAMS[prog.kind].title.text('id')} " \
                                        f"#{row['position'] + 1}"
    return AdminPlace(
        id=f"{prog.kind}-{row['position']}", kind=prog.kind, position=row["position"],
        name=name, theme=cell(cells, cols["theme"]), kode=row["kode"], kelurahan=kel[0],
        kecamatan=kel[1], address=cell(cells, cols["address"]),
        contact=cell(cells, cols["contact"]), lat=row["lat"], lon=row["lon"],
        status=row["status"])


def program_places(prog: ProgramRows, gazetteer: Gazetteer | None = None) -> list[AdminPlace]:
    """Every non-total row of a program as a place (with or without coordinates)."""
    names = _names(gazetteer or default_gazetteer())
    return [admin_place(prog, r, names) for r in prog.rows if not r["is_total"]]


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


def find_row(prog: ProgramRows, place_id: str, position: int) -> dict[str, Any]:
    """The stored row of a place of the program; 404 when it is not there."""
    for row in prog.rows:
        if row["position"] == position and not row["is_total"]:
            return row
    raise GeoappError(NOT_FOUND, 404, place_id=place_id)
