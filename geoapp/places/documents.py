"""What the field teams' finder shows, as plain values for the views to render:
the page's controls, the offline data document (``/kampung/data.json``), the filtered
export and the printable page with its small map.

Times are formatted by the caller's ``format_time`` (the reader's time zone and
language). Request parameters are checked by ``geoapp.places.query``. Core module:
no Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from geoapp.core.programs import PROGRAMS
from geoapp.figures.layer_output import layer_geojson
from geoapp.maps.outlines import CompactGeometry, outline_paths
from geoapp.maps.svg import fit_frame
from geoapp.places.contacts import phone_number, whatsapp_number
from geoapp.places.distance import distances, format_distance
from geoapp.places.exports import ExportFormat, check_format, export_filename, export_places
from geoapp.places.model import (
    ACTIVITY_PROGRAMS,
    KIND_TITLES,
    KINDS,
    Activity,
    Place,
    PlaceQuery,
    PlaceSet,
)
from geoapp.places.options import filter_options
from geoapp.places.paging import LIST_PARAMS, check_list, narrow, page_of, region_options
from geoapp.places.query import check_query
from geoapp.places.search import filter_places

FormatTime = Callable[[datetime | None], str]
PRINT_SIZE = (640, 520)        # width, height of the printed map in px
DATA_VERSION = 1


def kind_titles(lang: str) -> dict[str, str]:
    """Place kind -> its title in ``lang``."""
    return {k: KIND_TITLES[k].text(lang) for k in KINDS}


def program_titles(lang: str) -> dict[str, dict[str, Any]]:
    """Activity program -> its title and the title of the measure summed in ``total``."""
    out = {}
    for key in ACTIVITY_PROGRAMS:
        program = PROGRAMS[key]
        measure = program.measures[0] if program.measures else None
        out[key] = {"title": program.title.text(lang),
                    "measure": measure.title.text(lang) if measure else None}
    return out


def source_rows(place_set: PlaceSet, lang: str, format_time: FormatTime
                ) -> list[dict[str, Any]]:
    """The dataset versions behind the places (title, version, counts, activation time)."""
    return [{"kind": s.kind, "title": PROGRAMS[s.kind].title.text(lang), "version": s.version,
             "sample": s.sample, "places": s.places,
             "without_coordinates": s.without_coordinates,
             "activated": format_time(s.activated_at or s.imported_at)}
            for s in place_set.sources.values()]


def updated_text(place_set: PlaceSet, format_time: FormatTime) -> str:
    return format_time(place_set.updated_at) if place_set.updated_at else ""


# --------------------------------------------------------------------------- page


def page_values(place_set: PlaceSet, lang: str, format_time: FormatTime) -> dict[str, Any]:
    """The finder page's select options, counts and labels."""
    options = filter_options(place_set.places)
    return {"options": options, "sample": place_set.sample,
            "too_many_areas": not options["kelurahan"],
            "kinds": list(kind_titles(lang).items()),
            "updated": updated_text(place_set, format_time), "total": len(place_set.places),
            "without_coordinates": place_set.without_coordinates}


# --------------------------------------------------------------------------- data.json


def _activity(items: Iterable[Activity]) -> list[list[Any]]:
    """Compact activity rows: [program, rows, in_kelurahan, nearby, total, examples]."""
    return [[a.program, a.rows, a.in_kelurahan, a.nearby, a.total, list(a.examples)]
            for a in items]


def client_place(place: Place) -> dict[str, Any]:
    """One place as finder.js reads it (activity in the compact row form; the contact's
    phone number as ``tel`` and, for a mobile number, ``wa`` in wa.me form)."""
    return {"id": place.id, "name": place.name, "kind": place.kind, "theme": place.theme,
            "kelurahan": place.kelurahan, "kecamatan": place.kecamatan, "kode": place.kode,
            "kode_kecamatan": place.kode_kecamatan, "address": place.address,
            "contact": place.contact, "tel": phone_number(place.contact),
            "wa": whatsapp_number(place.contact), "lat": place.lat, "lon": place.lon,
            "activity": _activity(place.activity),
            "kelurahan_activity": _activity(place.kelurahan_activity)}


def data_document(place_set: PlaceSet, geometry: CompactGeometry, lang: str,
                  format_time: FormatTime) -> dict[str, Any]:
    """Everything the finder page needs to work offline, in one JSON document."""
    updated = place_set.updated_at
    return {
        "version": DATA_VERSION, "lang": lang,
        "updated": updated.isoformat() if updated else None,
        "updated_text": updated_text(place_set, format_time),
        "sample": place_set.sample, "radius_m": place_set.radius_m,
        "without_coordinates": place_set.without_coordinates,
        "sources": source_rows(place_set, lang, format_time),
        "programs": program_titles(lang), "kinds": kind_titles(lang),
        "places": [client_place(p) for p in place_set.places],
        "kelurahan": geometry.kelurahan, "outlines": geometry.outlines,
        "outline_scale": geometry.scale, "bounds": geometry.bounds,
    }


# --------------------------------------------------------------------------- export


def export_document(place_set: PlaceSet, params: Mapping[str, Any], fmt: str, lang: str,
                    session: Session | None = None) -> tuple[bytes, ExportFormat, str]:
    """The places chosen by ``params`` in ``fmt``: (body, format, download file name).
    CSV follows the interface language (``id``: ``;`` and decimal comma) unless
    ``?csv=id|en|machine`` asks otherwise. With ``session``, GeoJSON is written by PostGIS
    when its database has it (``figures.layer_output``)."""
    check_format(fmt)
    query = check_query(params, place_set.places, extra=("lang", "csv"))
    chosen = filter_places(place_set.places, query)
    dialect = str(params.get("csv", lang)).strip().lower()
    writer = None if session is None else (
        lambda frame, precision: layer_geojson(session, frame, precision=precision))
    body, found = export_places(chosen, fmt, lang, sample=place_set.sample, csv_dialect=dialect,
                                writer=writer)
    return body, found, export_filename(query, found)


# --------------------------------------------------------------------------- print page


def print_map(chosen: Sequence[Place], geometry: CompactGeometry) -> dict[str, Any]:
    """Outline paths and numbered points of the printed map (numbers only, no user text);
    places without coordinates keep their number in the table but get no point."""
    width, height = PRINT_SIZE
    frame = fit_frame(geometry.bounds, width, height)
    points = [{"n": i + 1, "kind": p.kind, "xy": frame.xy(p.lon, p.lat)}
              for i, p in enumerate(chosen) if p.located]
    return {"width": width, "height": height, "paths": outline_paths(geometry, frame),
            "points": points}


def print_values(place_set: PlaceSet, params: Mapping[str, Any], geometry: CompactGeometry,
                 lang: str, format_time: FormatTime) -> dict[str, Any]:
    """The printable page: the places chosen by ``params`` (nearest first with a point,
    then with their distance), the small map, and where the data came from."""
    query: PlaceQuery = check_query(params, place_set.places)
    chosen = filter_places(place_set.places, query)
    shown = None
    if query.near is not None:
        shown = [None if d is None else format_distance(d, lang)
                 for d in distances(chosen, query.near)]
    return {"places": chosen, "map": print_map(chosen, geometry), "query": query,
            "distances": shown, "sample": place_set.sample,
            "updated": updated_text(place_set, format_time), "kinds": kind_titles(lang),
            "programs": program_titles(lang),
            "sources": source_rows(place_set, lang, format_time)}


# --------------------------------------------------------------------------- paged list


def list_values(place_set: PlaceSet, params: Mapping[str, Any], lang: str,
                format_time: FormatTime) -> dict[str, Any]:
    """The paged list: the places chosen by the finder's filters and by ``provinsi`` /
    ``kabupaten``, one page (``page``), with the region choices and the count."""
    query: PlaceQuery = check_query(params, place_set.places, extra=("lang", *LIST_PARAMS))
    choice = check_list(params, place_set.places)
    chosen = narrow(filter_places(place_set.places, query), choice)
    page = page_of(chosen, choice.page)
    regions = region_options(place_set.places, choice.provinsi)
    kabupaten = dict(region_options(page.items)["kabupaten"])
    return {"page": page, "query": query, "choice": choice, "regions": regions,
            "kabupaten_of": {p.id: kabupaten.get((p.kode or "")[:5], "") for p in page.items},
            "kinds": kind_titles(lang), "sample": place_set.sample,
            "updated": updated_text(place_set, format_time)}
