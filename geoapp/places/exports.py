"""Lists of places to take along: GeoJSON (RFC 7946), GPX 1.1, KML 2.2 and CSV.

XML formats are built with ``xml.etree.ElementTree`` (text is escaped by the
serialiser, never concatenated); characters XML 1.0 cannot carry are dropped.
CSV cells are guarded against formula injection (``geoapp.io.export.table_csv_bytes``).
A place without coordinates is kept where the format allows it (GeoJSON ``null``
geometry, KML Placemark without Point, CSV empty lat/lon) and said so; GPX waypoints
need a position, so GPX leaves such places out and counts them in its metadata.
Core module: no Flask.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, normalise_lang
from geoapp.core.programs import PROGRAMS
from geoapp.io.export import geojson_bytes, table_csv_bytes
from geoapp.places.model import KIND_TITLES, Activity, Place, PlaceQuery
from geoapp.values.numbers import format_amount, format_number

GeojsonWriter = Callable[[gpd.GeoDataFrame, int], bytes]

GPX_NS = "http://www.topografix.com/GPX/1/1"
KML_NS = "http://www.opengis.net/kml/2.2"
CREATOR = "geoapp"
COLUMNS = ("name", "kind", "theme", "kelurahan", "kecamatan", "kode", "address", "contact",
           "lat", "lon", "activity", "kelurahan_activity")


@dataclass(frozen=True)
class ExportFormat:
    key: str
    extension: str
    mimetype: str


FORMATS: dict[str, ExportFormat] = {f.key: f for f in (
    ExportFormat("geojson", "geojson", "application/geo+json"),
    ExportFormat("gpx", "gpx", "application/gpx+xml"),
    ExportFormat("kml", "kml", "application/vnd.google-earth.kml+xml"),
    ExportFormat("csv", "csv", "text/csv; charset=utf-8"),
)}

BAD_FORMAT = Msg(
    "place_exports.bad_format",
    "Download format '{fmt}' is not available. Choose one of: {allowed}.",
)
LIST_TITLE = Msg("place_exports.title", "geoapp place list")
SAMPLE_NOTE = Msg("place_exports.sample", "SAMPLE DATA (examples, not official data)")
ACTIVITY_ITEM = Msg("place_exports.activity_item", "{title}: {rows} records")
NO_LOCATION = Msg("place_exports.no_location", "No location recorded")
SAME_KELURAHAN = Msg("place_exports.same_kelurahan",
                     "In the same kelurahan (no location point): {text}")
GPX_LEFT_OUT = Msg("place_exports.gpx_left_out",
                   "{n} places without a recorded location are left out (GPX needs "
                   "coordinates).")

# XML 1.0 allows TAB, LF, CR and U+0020 onwards, minus surrogates and U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SAFE_NAME = re.compile(r"[^a-z0-9-]+")


def check_format(fmt: str) -> ExportFormat:
    """The export format for ``fmt``; GeoappError 400 naming the allowed ones."""
    found = FORMATS.get(str(fmt).strip().lower())
    if found is None:
        raise GeoappError(BAD_FORMAT, 400, fmt=str(fmt)[:20], allowed=", ".join(FORMATS))
    return found


def xml_text(value: object) -> str:
    """Text an XML 1.0 document can hold (illegal control characters removed)."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def activity_text(activity: Sequence[Activity], lang: str = "id") -> str:
    """One line summarising a place's activity: ``Pelatihan BLK: 3 catatan (peserta 138); …``."""
    lang = normalise_lang(lang)
    parts = []
    for item in activity:
        text = ACTIVITY_ITEM.text(lang, title=PROGRAMS[item.program].title.text(lang),
                                  rows=item.rows)
        measure = next((m for m in PROGRAMS[item.program].measures if m.key == item.measure),
                       None)
        if measure is not None and item.total is not None:
            number = (format_amount(item.total, "id", 1) if lang == "id"
                      else format_number(item.total, "en"))
            text += f" ({measure.title.text(lang).lower()} {number})"
        if item.examples:
            text += " - " + ", ".join(item.examples)
        parts.append(text)
    return "; ".join(parts)


def _record(place: Place, lang: str) -> dict[str, object]:
    return {"name": place.name, "kind": KIND_TITLES[place.kind].text(lang), "theme": place.theme,
            "kelurahan": place.kelurahan, "kecamatan": place.kecamatan, "kode": place.kode,
            "address": place.address, "contact": place.contact, "lat": place.lat,
            "lon": place.lon, "activity": activity_text(place.activity, lang) or None,
            "kelurahan_activity": activity_text(place.kelurahan_activity, lang) or None}


def places_frame(places: Sequence[Place], lang: str = "id") -> gpd.GeoDataFrame:
    """The places as a point GeoDataFrame (EPSG:4326) with the export columns; a place
    without coordinates has no geometry (None) and empty lat/lon."""
    records = [_record(p, lang) for p in places]
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame["lat"] = frame["lat"].astype(float)
    frame["lon"] = frame["lon"].astype(float)
    geometry = [Point(p.lon, p.lat) if p.located else None for p in places]
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"))


def geojson_places(places: Sequence[Place], lang: str = "id", *,
                   writer: GeojsonWriter | None = None) -> bytes:
    """RFC 7946 FeatureCollection of Point features (lon, lat; 6 decimals); ``writer``
    (a frame and a precision to bytes) writes it instead of ``io.export.geojson_bytes``
    (PostGIS: ``figures.layer_output``)."""
    frame = places_frame(places, lang)
    if writer is not None:
        return writer(frame, 6)
    return geojson_bytes(frame, precision=6)


def csv_places(places: Sequence[Place], lang: str = "id", *, dialect: str = "machine"
               ) -> bytes:
    """Formula-safe CSV (UTF-8 with BOM) of the places in one of
    ``geoapp.io.export.CSV_DIALECTS`` (``id``: ``;`` and decimal comma for a spreadsheet
    set to Indonesian; ``machine``: full precision, ``,`` and ``.``)."""
    frame = pd.DataFrame(places_frame(places, lang).drop(columns="geometry"))
    return table_csv_bytes(frame, dialect=dialect)


def _description(place: Place, lang: str) -> str:
    rec = _record(place, lang)
    same_kel = (SAME_KELURAHAN.text(lang, text=rec["kelurahan_activity"])
                if rec["kelurahan_activity"] else None)
    lines = [rec["kind"], None if place.located else NO_LOCATION.text(lang), place.theme,
             ", ".join(x for x in (place.kelurahan, place.kecamatan) if x), place.address,
             place.contact, rec["activity"], same_kel]
    return "\n".join(str(x) for x in lines if x)


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_text(text)
    return element


def _tostring(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _title(lang: str, sample: bool) -> str:
    title = LIST_TITLE.text(lang)
    return f"{title} - {SAMPLE_NOTE.text(lang)}" if sample else title


def gpx_places(places: Sequence[Place], lang: str = "id", *, sample: bool = False,
               now: datetime | None = None) -> bytes:
    """GPX 1.1 with one ``<wpt lat lon>`` per place with coordinates (name, desc, type);
    places without coordinates are counted in the metadata description."""
    lang = normalise_lang(lang)
    ET.register_namespace("", GPX_NS)
    root = ET.Element(f"{{{GPX_NS}}}gpx", {"version": "1.1", "creator": CREATOR})
    meta = _sub(root, f"{{{GPX_NS}}}metadata")
    _sub(meta, f"{{{GPX_NS}}}name", _title(lang, sample))
    left_out = sum(1 for p in places if not p.located)
    if left_out:
        _sub(meta, f"{{{GPX_NS}}}desc", GPX_LEFT_OUT.text(lang, n=left_out))
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _sub(meta, f"{{{GPX_NS}}}time", stamp)
    for place in (p for p in places if p.located):
        wpt = _sub(root, f"{{{GPX_NS}}}wpt", lat=f"{place.lat:.6f}", lon=f"{place.lon:.6f}")
        _sub(wpt, f"{{{GPX_NS}}}name", place.name)
        _sub(wpt, f"{{{GPX_NS}}}desc", _description(place, lang))
        _sub(wpt, f"{{{GPX_NS}}}type", KIND_TITLES[place.kind].text(lang))
    return _tostring(root)


def kml_places(places: Sequence[Place], lang: str = "id", *, sample: bool = False) -> bytes:
    """KML 2.2 with one Placemark per place (Point coordinates ``lon,lat``; no Point
    for a place without coordinates)."""
    lang = normalise_lang(lang)
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = _sub(root, f"{{{KML_NS}}}Document")
    _sub(doc, f"{{{KML_NS}}}name", _title(lang, sample))
    for place in places:
        mark = _sub(doc, f"{{{KML_NS}}}Placemark", id=_SAFE_NAME.sub("-", place.id.lower()))
        _sub(mark, f"{{{KML_NS}}}name", place.name)
        _sub(mark, f"{{{KML_NS}}}description", _description(place, lang))
        data = _sub(mark, f"{{{KML_NS}}}ExtendedData")
        for key, value in _record(place, lang).items():
            if key in ("lat", "lon") or value is None:
                continue
            item = _sub(data, f"{{{KML_NS}}}Data", name=key)
            _sub(item, f"{{{KML_NS}}}value", value)
        if place.located:
            point = _sub(mark, f"{{{KML_NS}}}Point")
            _sub(point, f"{{{KML_NS}}}coordinates", f"{place.lon:.6f},{place.lat:.6f}")
    return _tostring(root)


def export_places(places: Sequence[Place], fmt: str, lang: str = "id", *,
                  sample: bool = False, csv_dialect: str = "machine",
                  writer: GeojsonWriter | None = None) -> tuple[bytes, ExportFormat]:
    """The places in ``fmt`` (geojson, gpx, kml, csv in ``csv_dialect``) and the format's
    description (``writer``: see :func:`geojson_places`)."""
    chosen = check_format(fmt)
    lang = normalise_lang(lang)
    if chosen.key == "geojson":
        return geojson_places(places, lang, writer=writer), chosen
    if chosen.key == "gpx":
        return gpx_places(places, lang, sample=sample), chosen
    if chosen.key == "kml":
        return kml_places(places, lang, sample=sample), chosen
    return csv_places(places, lang, dialect=csv_dialect), chosen


def export_filename(query: PlaceQuery, fmt: ExportFormat, *, today: datetime | None = None
                    ) -> str:
    """A server-made file name: ``tempat-<kind|semua>-<YYYYMMDD>.<ext>`` (ASCII only)."""
    kind = query.kind if query.kind else "semua"
    day = (today or datetime.now(UTC)).strftime("%Y%m%d")
    return f"tempat-{_SAFE_NAME.sub('-', kind)}-{day}.{fmt.extension}"
