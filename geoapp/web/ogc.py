"""OGC API - Features at /ogc: a thin front end over ``geoapp.ogc``.

GET /ogc                                         landing page
GET /ogc/conformance                             conformance classes
GET /ogc/api                                     OpenAPI 3.0 document
GET /ogc/collections[/<id>]                      collections and their metadata
GET /ogc/collections/<id>/items[/<featureId>]    features (GeoJSON, paged)
GET /ogc/collections/<id>/tiles/<z>/<x>/<y>.mvt  vector tiles (XYZ; and the OGC order
    /ogc/collections/<id>/tiles/WebMercatorQuad/<z>/<y>/<x>)

JSON or HTML by ``f=json|html`` or by the Accept header (JSON when neither asks for
HTML). Every response may be read from any origin (``Access-Control-Allow-Origin: *``);
items carry an ETag (304 on If-None-Match), Last-Modified and Content-Crs.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.ogc import documents, service
from geoapp.ogc.crs import header_value
from geoapp.ogc.query import FILTER_PARAMS, PAGING_PARAMS
from geoapp.ogc.tiles import MEDIA_TYPE as MVT
from geoapp.web.db import get_active, get_db
from geoapp.web.errors import render_error
from geoapp.web.i18n import current_lang
from geoapp.web.params import check_params

bp = Blueprint("ogc", __name__)

BAD_FORMAT = Msg("ogc.bad_format",
                 "Parameter 'f' must be one of: json, html; received: '{value}'.")
JSON_FORMATS = ("json", "geojson")
CORS_REQUEST_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"


# --------------------------------------------------------------------------- plumbing


@bp.after_request
def _cors(response: Response) -> Response:
    """Any origin may GET /ogc (public, read-only data; no cookies needed)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Crs"
    if request.method == "OPTIONS":   # a preflight, e.g. for a conditional GET
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
    response.vary.add("Accept")
    return response


@bp.errorhandler(GeoappError)
def _error(error: GeoappError) -> Response:
    """JSON errors (with the OGC ``code``/``description``) unless HTML was asked for."""
    if _wants_html(error_safe=True):
        return render_error(error)
    lang = current_lang()
    body = {**error.as_dict(lang), "code": error.code, "description": error.text(lang)}
    response = current_app.json.response(body)
    response.status_code = error.status
    return response


def _wants_html(*, error_safe: bool = False) -> bool:
    """``f=html`` or an Accept header ranking HTML above JSON."""
    f = request.args.get("f")
    if f is not None:
        if f == "html":
            return True
        if f in JSON_FORMATS or error_safe:
            return False
        raise GeoappError(BAD_FORMAT, 400, value=f[:20])
    accept = request.accept_mimetypes
    json_q = max(accept["application/json"], accept["application/geo+json"])
    return accept["text/html"] > json_q


def _base() -> str:
    return url_for("ogc.landing", _external=True).rstrip("/")


def _params(*extra: str) -> dict[str, str]:
    params = check_params(("f", *extra))
    _wants_html()  # a bad f is a 400 before any work
    return params


def _json(doc: Any, media: str = documents.JSON) -> Response:
    body = current_app.json.dumps(doc)
    return Response(body, content_type=media)


def _html(template: str, **values: Any) -> Response:
    return Response(render_template(template, **values), content_type="text/html; charset=utf-8")


def _document(doc: dict, template: str, **values: Any) -> Response:
    if _wants_html():
        return _html(template, doc=doc, json_link=_self_link(doc), **values)
    return _json(doc)


# --------------------------------------------------------------------------- routes


@bp.get("", strict_slashes=False)
def landing():
    """The landing page."""
    _params()
    return _document(documents.landing(_base(), current_lang()), "ogc_landing.html")


@bp.get("/conformance")
def conformance():
    """The conformance classes."""
    _params()
    doc = documents.conformance(_base(), current_lang())
    return _document(doc, "ogc_landing.html")


@bp.get("/api")
def api():
    """The OpenAPI 3.0 document."""
    _params()
    doc = service.api_document(get_db(), get_active(), _base(), current_lang())
    if _wants_html():
        return _html("ogc_api.html", doc=doc, json_link=url_for("ogc.api", _external=True))
    return _json(doc, documents.OPENAPI)


@bp.get("/collections")
def collections():
    """Every collection."""
    _params()
    doc = service.collections_document(get_db(), get_active(), _base(), current_lang())
    return _document(doc, "ogc_collections.html")


@bp.get("/collections/<cid>")
def collection(cid: str):
    """One collection's metadata."""
    _params()
    doc = service.collection_document(get_db(), get_active(), _base(), cid, current_lang())
    if _wants_html():
        return _html("ogc_collections.html", doc={"collections": [doc], "links": doc["links"]},
                     json_link=_self_link(doc), single=True)
    return _json(doc)


def _geojson(page: service.Page, **values: Any) -> Response:
    """HTML when asked for; else GeoJSON with ETag (304 when the client has it),
    Last-Modified and Content-Crs."""
    if _wants_html():
        doc = json.loads(page.body)
        if "features" not in doc:
            doc = {"features": [doc], "links": doc["links"]}
        return _html("ogc_items.html", collection=page.collection, doc=doc,
                     json_link=_self_link(doc), **values)
    response = Response(page.body, content_type=documents.GEOJSON)
    response.set_etag(hashlib.sha256(page.body.encode("utf-8")).hexdigest()[:32])
    if page.last_modified is not None:
        response.last_modified = page.last_modified
    response.headers["Content-Crs"] = header_value(page.crs)
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


@bp.get("/collections/<cid>/items")
def items(cid: str):
    """A page of features."""
    params = _params(*PAGING_PARAMS, *FILTER_PARAMS)
    return _geojson(service.items_page(get_db(), get_active(), _base(), cid, params,
                                       current_lang()))


@bp.get("/collections/<cid>/items/<fid>")
def item(cid: str, fid: str):
    """One feature by its id."""
    params = _params("crs")
    return _geojson(service.item_page(get_db(), get_active(), _base(), cid, fid, params,
                                      current_lang()))


def _self_link(doc: dict) -> str:
    return next((lk["href"] for lk in doc.get("links", []) if lk["rel"] == "self"), "")


@bp.get("/collections/<cid>/tiles/<int:z>/<int:x>/<int:y>.mvt")
def tile(cid: str, z: int, x: int, y: int):
    """One vector tile (Mapbox Vector Tile, WebMercatorQuad, XYZ order); 204 when empty."""
    check_params(())
    body, modified = service.collection_tile(get_db(), get_active(), cid, z, x, y,
                                             current_lang())
    if not body:
        return Response(status=204)
    response = Response(body, content_type=MVT)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    if modified is not None:
        response.last_modified = modified
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


@bp.get("/collections/<cid>/tiles/WebMercatorQuad/<int:z>/<int:row>/<int:col>")
def tile_ogc(cid: str, z: int, row: int, col: int):
    """The same tile in OGC API - Tiles order: tileMatrix/tileRow/tileCol."""
    return tile(cid, z, col, row)
