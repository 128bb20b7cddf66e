"""The collections served at /ogc: every available map layer and the boundaries.

A layer collection is exactly the layer ``/api/layers/<key>.geojson`` serves: the same
core functions (``figures.layer``, ``figures.export_frame``) build it, so only the ACTIVE
version of each program is used and only its matched, non-total rows count (what the map,
the finder and the downloads show). Core module: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from geopandas import GeoDataFrame
from sqlalchemy.orm import Session

from geoapp import figures
from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS
from geoapp.figures.filters import Filters
from geoapp.io.boundaries import default_identity, load_boundaries, load_kecamatan
from geoapp.store.active import ActiveVersions, DatasetInfo

BOUNDARY_IDS = ("kelurahan", "kecamatan")

SAMPLE_TITLE = Msg("ogc.sample_title", "{title} (sample data)")
SAMPLE_NOTE = Msg("ogc.sample_note", "Sample data, not official records.")
DATASET_LINE = Msg("ogc.dataset_line", "Dataset: {title} (version {version}).")
UNIT_LINE = Msg("ogc.unit_line", "Unit: {unit}.")
UNIT_TOTAL = Msg("ogc.unit_total", "{measure} per kelurahan")
UNIT_KM2 = Msg("ogc.unit_km2", "{measure} per km²")
UNIT_1000 = Msg("ogc.unit_1000", "{measure} per 1,000 residents")
RUPIAH = Msg("ogc.rupiah", "{measure} (Rp)")
POINTS_LINE = Msg("ogc.points_line",
                  "One feature per matched place with coordinates; places without "
                  "coordinates are left out.")
KELURAHAN_TITLE = Msg("ogc.kelurahan_title", "Kelurahan boundaries")
KECAMATAN_TITLE = Msg("ogc.kecamatan_title", "Kecamatan boundaries")
BOUNDARY_LINE = Msg("ogc.boundary_line",
                    "The boundary set geoapp matches and maps with. Default set: converted "
                    "from cahyadsn/wilayah_boundaries (MIT licence, © 2024 cahya dsn).")
UNKNOWN_COLLECTION = Msg("ogc.unknown_collection",
                         "Collection '{id}' does not exist or has no active data. "
                         "Available collections: {allowed}.")

_UNITS = {"total": UNIT_TOTAL, "km2": UNIT_KM2, "1000": UNIT_1000}


@dataclass(frozen=True)
class Collection:
    """What the collection documents say about one collection, in one language."""

    id: str
    title: str
    description: str
    kind: str                         # area | points | boundary
    program: str | None
    unit: str | None
    source: str | None
    sample: bool
    dataset_version: int | None
    last_modified: datetime | None
    filters: tuple[str, ...]          # property filters it accepts (kecamatan, year, program)


def _unit(definition: figures.LayerDef, lang: str) -> str | None:
    if definition.measure is None or definition.kind != "area":
        return None
    measure = next(m for m in PROGRAMS[definition.program].measures
                   if m.key == definition.measure)
    name = measure.title.text(lang)
    if measure.kind == "rupiah":
        name = RUPIAH.text(lang, measure=name)
    return _UNITS[definition.per].text(lang, measure=name)


def _filters_of(program: str, options: dict) -> tuple[str, ...]:
    names = ["kecamatan"]
    if options["years_by_program"].get(program):
        names.append("year")
    if options["subprograms"].get(program):
        names.append("program")
    return tuple(names)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _modified(definition: figures.LayerDef, infos: dict[str, DatasetInfo]) -> datetime | None:
    """The latest change of anything the layer depends on (its datasets, the boundaries)."""
    programs = (definition.program, "penduduk") if definition.kind == "area" else (
        definition.program,)
    times = [_utc(infos[p].activated_at or infos[p].imported_at) for p in programs if p in infos]
    times.append(boundaries_modified())
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _layer_collection(definition: figures.LayerDef, infos: dict[str, DatasetInfo],
                      options: dict, lang: str) -> Collection:
    info = infos[definition.program]
    title = definition.title.text(lang)
    unit = _unit(definition, lang)
    source = figures.source_text(definition.program, info, lang)
    lines = [title + ".", source + "."]
    lines.append(UNIT_LINE.text(lang, unit=unit) if unit else POINTS_LINE.text(lang))
    lines.append(DATASET_LINE.text(lang, title=info.title, version=info.version))
    if info.sample:
        title = SAMPLE_TITLE.text(lang, title=title)
        lines.insert(0, SAMPLE_NOTE.text(lang))
    return Collection(definition.key, title, " ".join(lines), definition.kind,
                      definition.program, unit, source, bool(info.sample), info.version,
                      _modified(definition, infos), _filters_of(definition.program, options))


def _boundary_collection(cid: str, lang: str) -> Collection:
    title = (KELURAHAN_TITLE if cid == "kelurahan" else KECAMATAN_TITLE).text(lang)
    return Collection(cid, title, f"{title}. {BOUNDARY_LINE.text(lang)}", "boundary", None,
                      None, None, False, None, boundaries_modified(), ("kecamatan",))


def boundaries_modified() -> datetime | None:
    """When the default boundary file last changed (its modification time)."""
    identity = default_identity()
    try:
        return datetime.fromtimestamp(int(identity[1]) / 1e9, UTC)
    except (IndexError, TypeError, ValueError, OverflowError, OSError):
        return None


def list_collections(session: Session, active: ActiveVersions, lang: str) -> list[Collection]:
    """Every layer whose program has an active version, then the two boundary sets."""
    infos = active.infos(session)
    options = figures.filter_options(session, active)
    out = [_layer_collection(d, infos, options, lang)
           for d in figures.available_layers(session, active)]
    return out + [_boundary_collection(cid, lang) for cid in BOUNDARY_IDS]


def get_collection(session: Session, active: ActiveVersions, cid: str, lang: str) -> Collection:
    """One collection by id; a 404 listing the available ids."""
    found = list_collections(session, active, lang)
    for collection in found:
        if collection.id == cid:
            return collection
    raise GeoappError(UNKNOWN_COLLECTION, 404, id=str(cid)[:60],
                      allowed=", ".join(c.id for c in found))


def collection_identity(session: Session, active: ActiveVersions, collection: Collection
                        ) -> tuple:
    """What a collection's features depend on (dataset or boundary file identities)."""
    if collection.kind == "boundary":
        return (collection.id, default_identity())
    return (collection.id, figures.layer_identity(session, active, collection.id),
            default_identity())


def collection_frame(session: Session, active: ActiveVersions, collection: Collection,
                     filters: Filters) -> GeoDataFrame:
    """The collection's features as a frame (EPSG:4326, lon/lat), filters applied.

    Layers: exactly the frame of the layer downloads. Boundaries: the default set
    (kecamatan filter: kode of the kecamatan).
    """
    if collection.kind != "boundary":
        return figures.export_frame(figures.layer(session, active, collection.id, filters))
    if collection.id == "kelurahan":
        frame = load_boundaries().frame
        column = "kode_kecamatan"
    else:
        frame = load_kecamatan()
        column = "kode"
    if filters.kecamatan is not None:
        frame = frame[frame[column] == filters.kecamatan]
    return frame.reset_index(drop=True)
