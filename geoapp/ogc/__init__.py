"""OGC API - Features (Part 1 Core, Part 2 CRS) as framework-neutral documents.

The layers are the ones ``/api/layers/<key>.geojson`` serves (``figures.layer`` and
``figures.export_frame``: active versions only, matched non-total rows only), plus the
kelurahan and kecamatan boundaries. Modules:

- ``crs``: the two supported coordinate systems, ``bbox`` parsing, axis order
- ``collections``: which collections exist, their metadata and their feature frames
- ``query``: the items request's parameters checked (limit, offset, bbox, crs, filters)
- ``features``: feature frames as GeoJSON features with stable ids, paging
- ``documents``: landing page, conformance, collections, items and feature documents
- ``openapi``: the OpenAPI 3.0 document
- ``tiles``: Mapbox vector tiles of a collection
- ``service``: one call per /ogc resource (what the web front end calls)

The web front end is ``geoapp.web.ogc``; this package never imports Flask.
"""

from geoapp.ogc.collections import Collection, collection_frame, get_collection, list_collections
from geoapp.ogc.crs import CRS84, EPSG4326, SUPPORTED_CRS
from geoapp.ogc.query import LIMIT_DEFAULT, LIMIT_MAX, ItemQuery, parse_items_query

__all__ = [
    "CRS84", "EPSG4326", "LIMIT_DEFAULT", "LIMIT_MAX", "SUPPORTED_CRS", "Collection",
    "ItemQuery", "collection_frame", "get_collection", "list_collections",
    "parse_items_query",
]
