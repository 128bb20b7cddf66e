"""The field teams' finder: kampung tematik, KWT and ecofarm near you, online or off.

GET /kampung                    the mobile page (list, light SVG map, nearest to me)
GET /kampung/data.json          every place plus kelurahan centroids/outlines (client filters)
GET /kampung/export.<fmt>       the FILTERED places as geojson | gpx | kml | csv
GET /kampung/print              printable page: small map and table of the filtered places
GET /manifest.webmanifest       web app manifest (scope /kampung)
GET /sw.js                      the service worker (served from the root, scope /kampung)

Filter parameters (q, kind, theme, kecamatan, kelurahan, lat, lon) are checked against an
allowlist and against the values in the data (``geoapp.places.core.check_query``).
Places without coordinates are listed (and counted) but have no distance and no map point.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from geoapp.core.errors import GeoappError
from geoapp.core.programs import PROGRAMS
from geoapp.io.boundaries import load_boundaries
from geoapp.places import core
from geoapp.places.exports import check_format, export_filename, export_places
from geoapp.web.db import get_db
from geoapp.web.errors import render_error
from geoapp.web.i18n import current_lang, format_dt

bp = Blueprint("finder", __name__)

STATIC_DIR = Path(__file__).resolve().parent / "static" / "finder"
RADIUS_SETTING = "FINDER_ACTIVITY_RADIUS_M"
SCOPE = "/kampung"
PAGE_ENDPOINTS = ("finder.page", "finder.print_page")
OUTLINE_TOLERANCE = 0.0004     # degrees (~45 m): enough for an overview map
COORD_SCALE = 10_000           # outlines in 1e-4 degree integers (~11 m)
ICONS = ("icon.svg", "icon-192.png")
PRINT_SIZE = (640, 520)        # width, height of the printed map in px


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


# --------------------------------------------------------------------------- helpers


def _radius() -> float:
    value = current_app.config.get(RADIUS_SETTING, core.DEFAULT_ACTIVITY_RADIUS_M)
    try:
        return float(value)
    except (TypeError, ValueError):
        return core.DEFAULT_ACTIVITY_RADIUS_M


def _place_set() -> core.PlaceSet:
    return core.load_places(get_db(), radius_m=_radius())


def _query(place_set: core.PlaceSet) -> core.PlaceQuery:
    return core.check_query(request.args, place_set.places)


def _send(body: bytes, mimetype: str, *, cache: str = "no-cache",
          filename: str | None = None) -> Response:
    response = Response(body, content_type=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = cache
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response.make_conditional(request)


def _updated_text(place_set: core.PlaceSet) -> str:
    return format_dt(place_set.updated_at) if place_set.updated_at else ""


# --------------------------------------------------------------------------- geometry

_geometry_lock = threading.Lock()
_geometry: dict[str, Any] = {}


def _delta_ring(coords) -> list[int]:
    """A ring as integers: first point absolute, then differences (lon, lat pairs)."""
    out: list[int] = []
    px = py = 0
    for x, y in coords:
        ix, iy = round(x * COORD_SCALE), round(y * COORD_SCALE)
        if out and ix == px and iy == py:
            continue
        out += [ix - px, iy - py]
        px, py = ix, iy
    return out


def _kelurahan_geometry() -> dict[str, Any]:
    """Kelurahan centroids (computed in UTM 48S) and simplified, delta-encoded outlines."""
    with _geometry_lock:
        if _geometry:
            return _geometry
        frame = load_boundaries().frame
        centroids = frame.geometry.to_crs(32748).centroid.to_crs(4326)
        simple = frame.geometry.simplify(OUTLINE_TOLERANCE)
        kel, outlines = [], []
        for row, point, geom in zip(frame.itertuples(index=False), centroids, simple,
                                    strict=True):
            kel.append({"kode": str(row.kode), "nama": str(row.nama),
                        "kode_kecamatan": str(row.kode_kecamatan),
                        "kecamatan": str(row.nama_kecamatan),
                        "lat": round(point.y, 6), "lon": round(point.x, 6)})
            parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
            outlines.append([_delta_ring(p.exterior.coords) for p in parts if not p.is_empty])
        _geometry.update(kelurahan=kel, outlines=outlines,
                         bounds=[round(float(v), 5) for v in frame.total_bounds])
        return _geometry


def _ring_points(ring: list[int]):
    x = y = 0
    for i in range(0, len(ring), 2):
        x += ring[i]
        y += ring[i + 1]
        yield x / COORD_SCALE, y / COORD_SCALE


# --------------------------------------------------------------------------- data.json


def _activity(items: list[core.Activity]) -> list[list[Any]]:
    """Compact activity rows: [program, rows, in_kelurahan, nearby, total, examples]."""
    return [[a.program, a.rows, a.in_kelurahan, a.nearby, a.total, list(a.examples)]
            for a in items]


def _client_place(place: core.Place) -> dict[str, Any]:
    return {"id": place.id, "name": place.name, "kind": place.kind, "theme": place.theme,
            "kelurahan": place.kelurahan, "kecamatan": place.kecamatan, "kode": place.kode,
            "kode_kecamatan": place.kode_kecamatan, "address": place.address,
            "contact": place.contact, "lat": place.lat, "lon": place.lon,
            "activity": _activity(list(place.activity)),
            "kelurahan_activity": _activity(list(place.kelurahan_activity))}


def _programs(lang: str) -> dict[str, dict[str, Any]]:
    out = {}
    for key in core.ACTIVITY_PROGRAMS:
        program = PROGRAMS[key]
        measure = program.measures[0] if program.measures else None
        out[key] = {"title": program.title.text(lang),
                    "measure": measure.title.text(lang) if measure else None}
    return out


def _sources(place_set: core.PlaceSet, lang: str) -> list[dict[str, Any]]:
    return [{"kind": s.kind, "title": PROGRAMS[s.kind].title.text(lang), "version": s.version,
             "sample": s.sample, "places": s.places,
             "without_coordinates": s.without_coordinates,
             "activated": format_dt(s.activated_at or s.imported_at)}
            for s in place_set.sources.values()]


def data_payload(place_set: core.PlaceSet, lang: str) -> dict[str, Any]:
    """Everything the page needs to work offline, in one JSON document."""
    geometry = _kelurahan_geometry()
    updated = place_set.updated_at
    return {
        "version": 1, "lang": lang,
        "updated": updated.isoformat() if updated else None,
        "updated_text": _updated_text(place_set),
        "sample": place_set.sample, "radius_m": place_set.radius_m,
        "without_coordinates": place_set.without_coordinates,
        "sources": _sources(place_set, lang), "programs": _programs(lang),
        "kinds": {k: core.KIND_TITLES[k].text(lang) for k in core.KINDS},
        "places": [_client_place(p) for p in place_set.places],
        "kelurahan": geometry["kelurahan"], "outlines": geometry["outlines"],
        "outline_scale": COORD_SCALE, "bounds": geometry["bounds"],
    }


# --------------------------------------------------------------------------- pages


def _page_texts() -> dict[str, str]:
    """Interface texts finder.js needs (already in the page's language)."""
    return {
        "accuracy": _("accuracy ± {m} m"),
        "accuracy_poor": _("The location fix is poor (± {m} m): distances may be off. "
                           "Move to open sky, or tap the map or pick your kelurahan."),
        "locating": _("Finding your location…"),
        "no_fix": _("Your location is not available ({reason}). Tap the map (after "
                    "“Pick on the map”) or choose your kelurahan below instead."),
        "denied": _("permission refused"),
        "timeout": _("no fix in time"),
        "unavailable": _("no signal from the phone's location"),
        "from_kelurahan": _("Distances from the centre of kelurahan {name}"),
        "from_map": _("Distances from the point you tapped on the map"),
        "from_gps": _("Distances from your location"),
        "tap_map": _("Tap the map where you are."),
        "count": _("{n} places"),
        "none": _("No place matches. Check the spelling or clear the filters."),
        "copy": _("Copy"),
        "copied": _("Copied"),
        "copy_failed": _("Copy failed: select the coordinates and copy them by hand."),
        "directions": _("Directions (maps app)"),
        "osm": _("OpenStreetMap"),
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
    }


@bp.get(SCOPE)
def page():
    place_set = _place_set()
    options = core.filter_options(place_set.places)
    return render_template(
        "finder.html", texts=_page_texts(), options=options, sample=place_set.sample,
        kinds=[(k, core.KIND_TITLES[k].text(current_lang())) for k in core.KINDS],
        updated=_updated_text(place_set), total=len(place_set.places),
        without_coordinates=place_set.without_coordinates,
        data_url=url_for("finder.data"), sw_url=url_for("finder.service_worker"),
        export_url=url_for("finder.export", fmt="FMT").replace("FMT", "{fmt}"),
        print_url=url_for("finder.print_page"),
        tile_url=current_app.config.get("TILE_URL") or "",
        formats=["geojson", "gpx", "kml", "csv"])


@bp.get(f"{SCOPE}/data.json")
def data():
    _reject_params(("lang",))
    body = current_app.json.dumps(data_payload(_place_set(), current_lang())).encode("utf-8")
    return _send(body, "application/json")


def _reject_params(allowed: tuple[str, ...]) -> None:
    for name in request.args:
        if name not in allowed:
            raise GeoappError(core.BAD_PARAM, 400, name=name[:40], allowed=", ".join(allowed))


@bp.get(f"{SCOPE}/export.<fmt>")
def export(fmt: str):
    chosen = check_format(fmt)
    place_set = _place_set()
    query = _query(place_set)
    chosen_places = core.filter_places(place_set.places, query)
    body, chosen = export_places(chosen_places, chosen.key, current_lang(),
                                 sample=place_set.sample)
    return _send(body, chosen.mimetype, cache="no-store",
                 filename=export_filename(query, chosen))


# --------------------------------------------------------------------------- print page


def _projector(bounds: list[float], width: int, height: int, pad: int = 10):
    """lon/lat -> SVG x/y for an equirectangular view of ``bounds`` scaled by cos(lat)."""
    minx, miny, maxx, maxy = bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = min((width - 2 * pad) / ((maxx - minx) * kx or 1), (height - 2 * pad) / (
        (maxy - miny) or 1))

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (round(pad + (lon - minx) * kx * scale, 1),
                round(pad + (maxy - lat) * scale, 1))

    return project


def print_map(chosen: list[core.Place]) -> dict[str, Any]:
    """Outline paths and numbered points of the printed map (numbers only, no user text);
    places without coordinates keep their number in the table but get no point."""
    geometry = _kelurahan_geometry()
    width, height = PRINT_SIZE
    project = _projector(geometry["bounds"], width, height)
    paths = []
    for parts in geometry["outlines"]:
        d = []
        for ring in parts:
            pts = [project(x, y) for x, y in _ring_points(ring)]
            d.append("M" + "L".join(f"{x},{y}" for x, y in pts) + "Z")
        paths.append("".join(d))
    points = [{"n": i + 1, "kind": p.kind, "xy": project(p.lon, p.lat)}
              for i, p in enumerate(chosen) if p.located]
    return {"width": width, "height": height, "paths": paths, "points": points}


@bp.get(f"{SCOPE}/print")
def print_page():
    place_set = _place_set()
    query = _query(place_set)
    chosen = core.filter_places(place_set.places, query)
    lang = current_lang()
    distances = None
    if query.near is not None:
        distances = [None if d is None else core.format_distance(d, lang)
                     for d in core.distances(chosen, query.near)]
    return render_template(
        "finder_print.html", places=chosen, map=print_map(chosen), query=query,
        distances=distances, sample=place_set.sample, updated=_updated_text(place_set),
        kinds={k: core.KIND_TITLES[k].text(lang) for k in core.KINDS},
        programs=_programs(lang), sources=_sources(place_set, lang))


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
