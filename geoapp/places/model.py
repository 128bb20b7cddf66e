"""The finder's data types: places, the program activity joined to them, where they came
from (``Source``), a loaded set of places (``PlaceSet``) and a checked filter (``PlaceQuery``).

Places come from the ACTIVE ``kampung``, ``kwt`` and ``ecofarm`` datasets; activity from
the BLK, UMKM, KWT and job fair datasets. Core module: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS

KINDS = ("kampung", "kwt", "ecofarm")
ACTIVITY_PROGRAMS = ("blk", "umkm", "kwt", "jobfair")
DEFAULT_ACTIVITY_RADIUS_M = 500.0

KIND_TITLES = {
    "kampung": Msg("places.kind.kampung", "Thematic village"),
    "kwt": Msg("places.kind.kwt", "Women farmer group (KWT)"),
    "ecofarm": Msg("places.kind.ecofarm", "Ecofarm site"),
}


@dataclass(frozen=True)
class Activity:
    """Rows of one program near a place: within the radius (``Place.activity``: ``nearby``
    rows, ``in_kelurahan`` of them also in its kelurahan) or recorded only by kelurahan
    (``Place.kelurahan_activity``: ``in_kelurahan`` rows, ``nearby`` 0)."""

    program: str
    rows: int
    in_kelurahan: int
    nearby: int
    measure: str | None = None      # Measure.key summed in ``total``
    total: float | None = None
    examples: tuple[str, ...] = ()

    def as_dict(self, lang: str = "id") -> dict[str, Any]:
        program = PROGRAMS[self.program]
        measure = next((m for m in program.measures if m.key == self.measure), None)
        return {"program": self.program, "title": program.title.text(lang), "rows": self.rows,
                "in_kelurahan": self.in_kelurahan, "nearby": self.nearby,
                "measure": measure.title.text(lang) if measure else None,
                "total": self.total, "examples": list(self.examples)}


@dataclass(frozen=True)
class Place:
    """One place a field officer can visit."""

    id: str
    name: str
    kind: str
    theme: str | None
    kelurahan: str | None
    kecamatan: str | None
    kode: str
    kode_kecamatan: str | None
    address: str | None
    contact: str | None
    lat: float | None
    lon: float | None
    activity: tuple[Activity, ...] = ()              # rows with coordinates within radius
    kelurahan_activity: tuple[Activity, ...] = ()    # rows recorded only by kelurahan

    @property
    def located(self) -> bool:
        """Whether the place has coordinates (else no distance and no map point)."""
        return self.lat is not None and self.lon is not None

    def as_dict(self, lang: str = "id") -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "theme": self.theme,
                "kelurahan": self.kelurahan, "kecamatan": self.kecamatan, "kode": self.kode,
                "kode_kecamatan": self.kode_kecamatan, "address": self.address,
                "contact": self.contact, "lat": self.lat, "lon": self.lon,
                "activity": [a.as_dict(lang) for a in self.activity],
                "kelurahan_activity": [a.as_dict(lang) for a in self.kelurahan_activity]}


@dataclass(frozen=True)
class Source:
    """The dataset version places of one kind come from."""

    kind: str
    dataset_id: int
    version: int
    sample: bool
    imported_at: datetime | None
    activated_at: datetime | None
    places: int                 # listed places (with and without coordinates)
    without_coordinates: int    # of which have no coordinates (listed, not mapped)


@dataclass
class PlaceSet:
    """All places plus where they came from."""

    places: list[Place]
    sources: dict[str, Source] = field(default_factory=dict)
    radius_m: float = DEFAULT_ACTIVITY_RADIUS_M

    @property
    def sample(self) -> bool:
        return any(s.sample for s in self.sources.values())

    @property
    def without_coordinates(self) -> int:
        """Listed places that have no coordinates (not on the map, no distance)."""
        return sum(1 for p in self.places if not p.located)

    @property
    def updated_at(self) -> datetime | None:
        """When the newest of the datasets behind these places became active."""
        times = [s.activated_at or s.imported_at for s in self.sources.values()]
        times = [t for t in times if t is not None]
        return max(times) if times else None


@dataclass(frozen=True)
class PlaceQuery:
    """Filters on places; None means "all". kecamatan/kelurahan are dotted kode values."""

    q: str | None = None
    kind: str | None = None
    theme: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def near(self) -> tuple[float, float] | None:
        return None if self.lat is None or self.lon is None else (self.lat, self.lon)
