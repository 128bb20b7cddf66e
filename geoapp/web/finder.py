"""The field teams' finder: kampung tematik, KWT and ecofarm near you, online or off.

GET /kampung                    the mobile page (list, light SVG map, nearest to me)
GET /kampung/data.json          every place plus kelurahan centroids/outlines (client filters)
GET /kampung/export.<fmt>       the FILTERED places as geojson | gpx | kml | csv
GET /kampung/print              printable page: small map and table of the filtered places
GET /kampung/daftar             the paged list (no JavaScript): filters plus provinsi and
                                kabupaten/kota, 50 places a page, "x–y dari z", previous/next
GET /manifest.webmanifest       web app manifest (scope /kampung)
GET /sw.js                      the service worker (served from the root, scope /kampung)

Filter parameters (q, kind, theme, kecamatan, kelurahan, lat, lon) are checked against an
allowlist and against the values in the data (``geoapp.places.query.check_query``); what
each endpoint shows is built by ``geoapp.places.documents``. Places without coordinates
are listed (and counted) but have no distance and no map point. Per-app state (the
compact kelurahan geometry) lives in ``app.extensions[EXT]``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from geoapp.core.errors import GeoappError
from geoapp.io.boundaries import load_boundaries
from geoapp.maps.outlines import CompactGeometry, compact_geometry
from geoapp.places import documents
from geoapp.places.load import load_places
from geoapp.places.model import DEFAULT_ACTIVITY_RADIUS_M, Place, PlaceSet
from geoapp.places.options import finder_areas
from geoapp.places.query import reject_unknown
from geoapp.web.db import get_active, get_db
from geoapp.web.errors import render_error
from geoapp.web.i18n import current_lang, format_dt

bp = Blueprint("finder", __name__)

STATIC_DIR = Path(__file__).resolve().parent / "static" / "finder"
RADIUS_SETTING = "FINDER_ACTIVITY_RADIUS_M"
SCOPE = "/kampung"
PAGE_ENDPOINTS = ("finder.page", "finder.print_page", "finder.list_page")
ICONS = ("icon.svg", "icon-192.png")
EXT = "geoapp_finder"


# --------------------------------------------------------------------------- errors


@bp.errorhandler(GeoappError)
def _finder_error(exc: GeoappError) -> Response:
    """JSON for the data/export/service-worker endpoints; HTML for the pages."""
    if request.endpoint in PAGE_ENDPOINTS:
        return render_error(exc)
    response = current_app.json.response(exc.as_dict(current_lang()))
    response.status_code = exc.status
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- per-app state


class FinderState:
    """The finder's per-app state: the compact kelurahan geometry, computed once (for a
    province or the whole country: once per set of kelurahan holding places)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._geometry: CompactGeometry | None = None
        self._kodes: frozenset[str] | None = None

    def geometry(self, places: Sequence[Place] = ()) -> CompactGeometry:
        with self._lock:
            full = load_boundaries().frame
            frame = finder_areas(full, places)
            kodes = None if frame is full else frozenset(frame["kode"].astype(str))
            if self._geometry is None or kodes != self._kodes:
                found = compact_geometry(frame)
                if frame.empty:
                    found = replace(found, bounds=[round(float(v), 5) for v in full.total_bounds])
                self._geometry, self._kodes = found, kodes
            return self._geometry


@bp.record_once
def _init_state(state) -> None:
    state.app.extensions[EXT] = FinderState()


def _state() -> FinderState:
    return current_app.extensions[EXT]


# --------------------------------------------------------------------------- helpers


def _radius() -> float:
    value = current_app.config.get(RADIUS_SETTING, DEFAULT_ACTIVITY_RADIUS_M)
    try:
        return float(value)
    except (TypeError, ValueError):
        return DEFAULT_ACTIVITY_RADIUS_M


def _place_set() -> PlaceSet:
    return load_places(get_db(), get_active(), radius_m=_radius())


def _send(body: bytes, mimetype: str, *, cache: str = "no-cache",
          filename: str | None = None) -> Response:
    response = Response(body, content_type=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = cache
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response.make_conditional(request)


# --------------------------------------------------------------------------- pages


def _page_texts() -> dict[str, str]:
    """Interface texts finder.js needs (already in the page's language)."""
    return {
        "accuracy": _("accuracy ± {m} m"),
        "accuracy_poor": _("The location fix is poor (± {m} m): distances may be off. "
                           "Move to open sky, or tap the map or pick your kelurahan."),
        "locating": _("Finding your location…"),
        "no_fix": _("Your location is not available ({reason}). Choose your kelurahan in "
                    "the list just below, or press “Pick on the map” and tap where you are."),
        "denied": _("permission refused"),
        "timeout": _("no fix in time"),
        "unavailable": _("no signal from the phone's location"),
        "from_kelurahan": _("Distances from the centre of kelurahan {name}"),
        "from_map": _("Distances from the point you tapped on the map"),
        "from_gps": _("Distances from your location"),
        "tap_map": _("Tap the map where you are."),
        "count": _("{n} places"),
        "none": _("No place matches. Check the spelling or clear the filters."),
        "empty": empty_text(),
        "copy": _("Copy"),
        "copied": _("Copied"),
        "copy_failed": _("Copy failed: select the coordinates and copy them by hand."),
        "directions": _("Directions (maps app)"),
        "osm": _("Route: OpenStreetMap"),
        "gmaps": _("Route: Google Maps"),
        "whatsapp": _("WhatsApp"),
        "show_all": _("Show all {n} places"),
        "call": _("Call"),
        "activity": _("Program activity nearby"),
        "no_activity": _("No program activity recorded nearby."),
        "same_kelurahan": _("Recorded in the same kelurahan (no location point)"),
        "no_location": _("No location recorded"),
        "no_location_note": _("No location recorded: this place is not on the map and has "
                              "no distance."),
        "count_unlocated": _("{n} places, {m} of them without a location (not on the map)"),
        "records": _("{n} records"),
        "nearby": _("{n} within {r} m"),
        "data_date": _("Data as of {date}"),
        "cached": _("Offline copy saved on this phone (fetched {date})."),
        "offline": _("You are offline: showing the copy saved on this phone."),
        "offline_cached": _("You are offline: showing the copy saved on this phone "
                            "(fetched {date})."),
        "tiles_offline": _("Basemap not available without signal"),
        "no_data": _("The place list could not be loaded. Connect once to save it on this "
                     "phone."),
        "kelurahan": _("Kelurahan"),
        "kecamatan": _("Kecamatan"),
        "address": _("Address"),
        "contact": _("Contact"),
        "theme": _("Theme"),
        "coordinates": _("Coordinates"),
        "distance": _("Distance"),
        "sample": _("Sample data"),
        "map_capped": _("The map shows the first {shown} of {n} places with a location "
                        "(nearest first once a location is chosen); search or filter to "
                        "see the others."),
    }


def empty_text() -> str:
    """What the finder says when the working area has no place at all yet."""
    from geoapp.web.boundary_set import area_name

    return _("No places in %(area)s yet: no kampung tematik, KWT or ecofarm data has been "
             "imported. Planners can upload it on the Data page after signing in.",
             area=area_name())


@bp.get(SCOPE)
def page():
    values = documents.page_values(_place_set(), current_lang(), format_dt)
    return render_template(
        "finder.html", texts=_page_texts(), **values,
        data_url=url_for("finder.data"), sw_url=url_for("finder.service_worker"),
        export_url=url_for("finder.export", fmt="FMT").replace("FMT", "{fmt}"),
        print_url=url_for("finder.print_page"), list_url=url_for("finder.list_page"),
        tile_url=current_app.config.get("TILE_URL") or "",
        formats=["geojson", "gpx", "kml", "csv"])


@bp.get(f"{SCOPE}/data.json")
def data():
    reject_unknown(request.args, ("lang",))
    place_set = _place_set()
    document = documents.data_document(place_set, _state().geometry(place_set.places),
                                       current_lang(), format_dt)
    return _send(current_app.json.dumps(document).encode("utf-8"), "application/json")


@bp.get(f"{SCOPE}/export.<fmt>")
def export(fmt: str):
    body, chosen, filename = documents.export_document(_place_set(), request.args, fmt,
                                                       current_lang(), get_db())
    return _send(body, chosen.mimetype, cache="no-store", filename=filename)


@bp.get(f"{SCOPE}/print")
def print_page():
    place_set = _place_set()
    values = documents.print_values(place_set, request.args,
                                    _state().geometry(place_set.places), current_lang(),
                                    format_dt)
    return render_template("finder_print.html", **values)


@bp.get(f"{SCOPE}/daftar")
def list_page():
    place_set = _place_set()
    values = documents.list_values(place_set, request.args, current_lang(), format_dt)
    kept = {k: v for k, v in request.args.items() if k != "page" and v}

    def page_url(number: int) -> str:
        return url_for("finder.list_page", **kept, page=number)

    return render_template("finder_list.html", page_url=page_url,
                           empty=None if place_set.places else empty_text(), **values)


# --------------------------------------------------------------------------- PWA


@bp.get("/manifest.webmanifest")
def manifest():
    body = {
        "name": _("geoapp: find kampung tematik, KWT and ecofarm"),
        "short_name": _("Kampung"),
        "start_url": SCOPE, "scope": SCOPE, "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#0b3d2e",
        "icons": [
            {"src": url_for("static", filename="finder/icon.svg"), "sizes": "any",
             "type": "image/svg+xml"},
            {"src": url_for("static", filename="finder/icon-192.png"), "sizes": "192x192",
             "type": "image/png"},
        ],
    }
    return _send(json.dumps(body, ensure_ascii=False).encode("utf-8"),
                 "application/manifest+json")


def precache_urls() -> list[str]:
    """What the service worker stores on install (the page, its files, data, icons)."""
    return [SCOPE, url_for("finder.data"), url_for("finder.manifest"),
            url_for("static", filename="app.css"),
            url_for("static", filename="finder/finder.js"),
            url_for("static", filename="finder/finder.css"),
            *(url_for("static", filename=f"finder/{icon}") for icon in ICONS)]


def _asset_version(urls: list[str]) -> str:
    digest = hashlib.sha256()
    for name in ("finder.js", "finder.css", "sw.js", *ICONS):
        digest.update((STATIC_DIR / name).read_bytes())
    digest.update((STATIC_DIR.parent / "app.css").read_bytes())     # precached too
    digest.update(current_app.config.get("VERSION_SALT", "").encode())
    digest.update("\n".join(urls).encode())
    return digest.hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    urls = precache_urls()
    config = {"version": _asset_version(urls), "precache": urls, "scope": SCOPE,
              "data": url_for("finder.data")}
    source = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    body = source.replace("/*__CONFIG__*/{}", json.dumps(config)).encode("utf-8")
    response = _send(body, "text/javascript; charset=utf-8", cache="no-cache")
    response.headers["Service-Worker-Allowed"] = SCOPE
    return response
