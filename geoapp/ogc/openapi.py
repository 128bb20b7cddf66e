"""The OpenAPI 3.0 document of /ogc (conformance class oas30). Core module: no Flask."""

from __future__ import annotations

from typing import Any

from geoapp import __version__
from geoapp.core.i18n import Msg
from geoapp.ogc.collections import Collection
from geoapp.ogc.crs import CRS84, SUPPORTED_CRS
from geoapp.ogc.documents import DESCRIPTION, GEOJSON, HTML, JSON, OPENAPI, TITLE
from geoapp.ogc.query import LIMIT_DEFAULT, LIMIT_MAX
from geoapp.ogc.tiles import MEDIA_TYPE as MVT

D_LANDING = Msg("ogc.api_landing", "Landing page")
D_CONFORMANCE = Msg("ogc.api_conformance", "Conformance classes implemented by this server")
D_API = Msg("ogc.api_api", "This API definition")
D_COLLECTIONS = Msg("ogc.api_collections", "The feature collections")
D_COLLECTION = Msg("ogc.api_collection", "One collection's metadata")
D_ITEMS = Msg("ogc.api_items", "The features of a collection")
D_FEATURE = Msg("ogc.api_feature", "One feature")
D_LIMIT = Msg("ogc.api_limit",
              "Number of features per page (1 to {maximum}; a larger value is served as "
              "{maximum}).")
D_OFFSET = Msg("ogc.api_offset", "Number of matching features to skip (paging).")
D_BBOX = Msg("ogc.api_bbox",
             "Only features that intersect this box: minimum x, minimum y, maximum x, "
             "maximum y, in bbox-crs (default CRS84: longitude, latitude).")
D_CRS = Msg("ogc.api_crs", "Coordinate system of the returned geometries (default CRS84).")
D_FILTER = Msg("ogc.api_filter",
               "Property filter: kecamatan (kode or name), year, or program (sub-program); "
               "see geoapp:filters of each collection for the ones it accepts.")
D_TILE = Msg("ogc.api_tile",
             "One Mapbox vector tile of a collection (WebMercatorQuad, XYZ order); 204 when "
             "no feature touches it.")
D_FORMAT = Msg("ogc.api_format", "Output format: json or html (or use the Accept header).")


def _query(name: str, description: str, schema: dict, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema, **extra}


def _path(name: str, description: str, schema: dict) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema}


def _ok(description: str, *media: str) -> dict[str, Any]:
    content = {m: {"schema": {"type": "object"} if "json" in m else {"type": "string"}}
               for m in media}
    return {"200": {"description": description, "content": content},
            "400": {"description": "Bad request", "content": {JSON: {"schema": {"type": "object"}}}},
            "404": {"description": "Not found", "content": {JSON: {"schema": {"type": "object"}}}}}


def _get(op_id: str, summary: str, params: list[dict], *media: str) -> dict[str, Any]:
    return {"get": {"operationId": op_id, "summary": summary, "parameters": params,
                    "responses": _ok(summary, *media)}}


def _item_params(lang: str, ids: list[str]) -> list[dict[str, Any]]:
    crs = {"type": "string", "format": "uri", "enum": list(SUPPORTED_CRS), "default": CRS84}
    return [
        _path("collectionId", D_COLLECTION.text(lang), {"type": "string", "enum": ids}),
        _query("limit", D_LIMIT.text(lang, maximum=LIMIT_MAX),
               {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX,
                "default": LIMIT_DEFAULT}, style="form", explode=False),
        _query("offset", D_OFFSET.text(lang), {"type": "integer", "minimum": 0, "default": 0}),
        _query("bbox", D_BBOX.text(lang),
               {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
               style="form", explode=False),
        _query("bbox-crs", D_CRS.text(lang), crs),
        _query("crs", D_CRS.text(lang), crs),
        *(_query(n, D_FILTER.text(lang), {"type": "string"}) for n in
          ("kecamatan", "year", "program")),
        _format_param(lang),
    ]


def _format_param(lang: str) -> dict[str, Any]:
    return _query("f", D_FORMAT.text(lang), {"type": "string", "enum": ["json", "html"]})


def openapi_document(base: str, found: list[Collection], lang: str) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document; ``base`` is the absolute URL of /ogc."""
    ids = [c.id for c in found]
    f = [_format_param(lang)]
    cid = _path("collectionId", D_COLLECTION.text(lang), {"type": "string", "enum": ids})
    fid = _path("featureId", D_FEATURE.text(lang), {"type": "string"})
    crs = _query("crs", D_CRS.text(lang), {"type": "string", "format": "uri",
                                           "enum": list(SUPPORTED_CRS), "default": CRS84})
    paths = {
        "/": _get("getLandingPage", D_LANDING.text(lang), f, JSON, HTML),
        "/conformance": _get("getConformance", D_CONFORMANCE.text(lang), f, JSON, HTML),
        "/api": _get("getApi", D_API.text(lang), [], OPENAPI),
        "/collections": _get("getCollections", D_COLLECTIONS.text(lang), f, JSON, HTML),
        "/collections/{collectionId}": _get("describeCollection", D_COLLECTION.text(lang),
                                            [cid, *f], JSON, HTML),
        "/collections/{collectionId}/items": _get(
            "getFeatures", D_ITEMS.text(lang), _item_params(lang, ids), GEOJSON, HTML),
        "/collections/{collectionId}/items/{featureId}": _get(
            "getFeature", D_FEATURE.text(lang), [cid, fid, crs, *f], GEOJSON, HTML),
        "/collections/{collectionId}/tiles/{z}/{x}/{y}.mvt": _get(
            "getTile", D_TILE.text(lang),
            [cid, *(_path(n, n, {"type": "integer", "minimum": 0}) for n in ("z", "x", "y"))],
            MVT),
    }
    return {"openapi": "3.0.3",
            "info": {"title": TITLE.text(lang), "description": DESCRIPTION.text(lang),
                     "version": __version__,
                     "license": {"name": "Boundaries: MIT (cahyadsn/wilayah_boundaries)"}},
            "servers": [{"url": base}], "paths": paths}
