"""The JSON documents of OGC API - Features: landing page, conformance, collections, one
collection, a page of items and one feature. ``base`` is the absolute URL of /ogc; each
document links itself, its HTML alternate and its neighbours. Core module: no Flask."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from geoapp.core.i18n import Msg
from geoapp.io.boundaries import load_boundaries
from geoapp.ogc.collections import Collection
from geoapp.ogc.crs import CRS84, SUPPORTED_CRS
from geoapp.ogc.query import ItemQuery, filter_params

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
)

TITLE = Msg("ogc.title", "geoapp: program data as OGC API - Features")
DESCRIPTION = Msg("ogc.description",
                  "Per-kelurahan figures, program places and boundaries of the active data "
                  "versions, readable by QGIS, ArcGIS, GDAL and other OGC API - Features "
                  "clients.")
T_SELF = Msg("ogc.link_self", "This document")
T_HTML = Msg("ogc.link_html", "This document as HTML")
T_API = Msg("ogc.link_api", "The API definition (OpenAPI 3.0)")
T_CONFORMANCE = Msg("ogc.link_conformance", "Conformance classes implemented")
T_COLLECTIONS = Msg("ogc.link_collections", "The collections")
T_ITEMS = Msg("ogc.link_items", "The features")
T_NEXT = Msg("ogc.link_next", "Next page")
T_PREV = Msg("ogc.link_prev", "Previous page")
T_COLLECTION = Msg("ogc.link_collection", "The collection")


def url(base: str, path: str = "", **params: Any) -> str:
    """``base`` + ``path`` with the query ``params`` (None values left out)."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{base}{path}" + (f"?{query}" if query else "")


def link(href: str, rel: str, media: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media, "title": title}


def _self_links(base: str, path: str, media: str, lang: str, **params: Any) -> list[dict]:
    return [link(url(base, path, f="json", **params), "self", media, T_SELF.text(lang)),
            link(url(base, path, f="html", **params), "alternate", HTML, T_HTML.text(lang))]


def landing(base: str, lang: str) -> dict[str, Any]:
    """The landing page document."""
    return {
        "title": TITLE.text(lang), "description": DESCRIPTION.text(lang),
        "links": [*_self_links(base, "", JSON, lang),
                  link(url(base, "/api"), "service-desc", OPENAPI, T_API.text(lang)),
                  link(url(base, "/api", f="html"), "service-doc", HTML, T_API.text(lang)),
                  link(url(base, "/conformance", f="json"), "conformance", JSON,
                       T_CONFORMANCE.text(lang)),
                  link(url(base, "/collections", f="json"), "data", JSON,
                       T_COLLECTIONS.text(lang))],
    }


def conformance(base: str, lang: str) -> dict[str, Any]:
    """The conformance declaration."""
    return {"conformsTo": list(CONFORMANCE),
            "links": _self_links(base, "/conformance", JSON, lang)}


def city_bbox() -> list[float]:
    """The bounding box (CRS84) of the boundary set: every collection lies inside it."""
    return [round(float(v), 6) for v in load_boundaries().frame.total_bounds]


def collection_doc(base: str, c: Collection, lang: str, bbox: list[float]) -> dict[str, Any]:
    """One collection's metadata (unit, source and sample flag included)."""
    path = f"/collections/{quote(c.id)}"
    return {
        "id": c.id, "title": c.title, "description": c.description, "itemType": "feature",
        "keywords": [k for k in (c.kind, c.program) if k],
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}},
        "crs": list(SUPPORTED_CRS), "storageCrs": CRS84,
        "links": [*_self_links(base, path, JSON, lang),
                  link(url(base, path + "/items", f="json"), "items", GEOJSON,
                       T_ITEMS.text(lang)),
                  link(url(base, path + "/items", f="html"), "items", HTML,
                       T_ITEMS.text(lang))],
        "geoapp:unit": c.unit, "geoapp:source": c.source, "geoapp:sample": c.sample,
        "geoapp:datasetVersion": c.dataset_version, "geoapp:filters": list(c.filters),
        "geoapp:tiles": f"{base}{path}/tiles/{{z}}/{{x}}/{{y}}.mvt",
    }


def collections_doc(base: str, found: list[Collection], lang: str) -> dict[str, Any]:
    """The list of collections."""
    bbox = city_bbox()
    return {"links": _self_links(base, "/collections", JSON, lang),
            "crs": list(SUPPORTED_CRS),
            "collections": [collection_doc(base, c, lang, bbox) for c in found]}


def _page_links(base: str, c: Collection, query: ItemQuery, matched: int,
                lang: str) -> list[dict]:
    path = f"/collections/{quote(c.id)}/items"
    keep = {**query.params(), **filter_params(query)}
    here = {"limit": query.limit, "offset": query.offset or None, **keep}
    links = _self_links(base, path, GEOJSON, lang, **here)
    if query.offset + query.limit < matched:
        links.append(link(url(base, path, f="json", limit=query.limit,
                              offset=query.offset + query.limit, **keep),
                          "next", GEOJSON, T_NEXT.text(lang)))
    if query.offset > 0:
        previous = max(0, query.offset - query.limit) or None
        links.append(link(url(base, path, f="json", limit=query.limit, offset=previous, **keep),
                          "prev", GEOJSON, T_PREV.text(lang)))
    links.append(link(url(base, f"/collections/{quote(c.id)}", f="json"), "collection", JSON,
                      T_COLLECTION.text(lang)))
    return links


def items_text(base: str, c: Collection, query: ItemQuery, texts: list[str], matched: int,
               lang: str) -> str:
    """A page of features as GeoJSON FeatureCollection text (features already rendered)."""
    extra = {"numberMatched": matched, "numberReturned": len(texts),
             "links": _page_links(base, c, query, matched, lang)}
    tail = json.dumps(extra, ensure_ascii=False, allow_nan=False)[1:]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(texts) + "\n]," + tail


def feature_text(base: str, c: Collection, fid: str, text: str, crs: str, lang: str) -> str:
    """One feature with its links, as GeoJSON text."""
    path = f"/collections/{quote(c.id)}/items/{quote(fid)}"
    params = {} if crs == CRS84 else {"crs": crs}
    links = [*_self_links(base, path, GEOJSON, lang, **params),
             link(url(base, f"/collections/{quote(c.id)}", f="json"), "collection", JSON,
                  T_COLLECTION.text(lang))]
    return text[:-1] + ',"links":' + json.dumps(links, ensure_ascii=False) + "}"
