"""One call per /ogc resource: what the web front end asks for. Core module: no Flask.

Each function takes plain values (``base``: the absolute URL of /ogc; ``params``: the
query parameters already checked against the allowlist) and returns a document or a page
with what the response headers need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from geoapp import figures
from geoapp.ogc import documents
from geoapp.ogc.collections import (
    Collection,
    collection_frame,
    get_collection,
    list_collections,
)
from geoapp.ogc.crs import check_crs
from geoapp.ogc.features import feature_set, one_feature, select
from geoapp.ogc.openapi import openapi_document
from geoapp.ogc.query import parse_items_query
from geoapp.ogc.tiles import check_tile, frame_tile
from geoapp.store.active import ActiveVersions


@dataclass(frozen=True)
class Page:
    """A GeoJSON response body with its collection, CRS and last change."""

    body: str
    collection: Collection
    crs: str
    last_modified: datetime | None


def api_document(session: Session, active: ActiveVersions, base: str,
                 lang: str) -> dict[str, Any]:
    """The OpenAPI document (its collection ids are today's collections)."""
    return openapi_document(base, list_collections(session, active, lang), lang)


def collections_document(session: Session, active: ActiveVersions, base: str,
                         lang: str) -> dict[str, Any]:
    """The list of collections."""
    return documents.collections_doc(base, list_collections(session, active, lang), lang)


def collection_document(session: Session, active: ActiveVersions, base: str, cid: str,
                        lang: str) -> dict[str, Any]:
    """One collection's metadata; a 404 for an unknown id."""
    found = get_collection(session, active, cid, lang)
    return documents.collection_doc(base, found, lang, documents.city_bbox())


def items_page(session: Session, active: ActiveVersions, base: str, cid: str,
               params: Mapping[str, str], lang: str) -> Page:
    """A page of a collection's features (limit, offset, bbox, crs and filters checked)."""
    found = get_collection(session, active, cid, lang)
    query = parse_items_query(params, found, figures.filter_options(session, active))
    texts, matched = select(feature_set(session, active, found, query.filters, query.crs), query)
    body = documents.items_text(base, found, query, texts, matched, lang)
    return Page(body, found, query.crs, found.last_modified)


def item_page(session: Session, active: ActiveVersions, base: str, cid: str, fid: str,
              params: Mapping[str, str], lang: str) -> Page:
    """One feature by its id; a 404 for an unknown collection or feature."""
    found = get_collection(session, active, cid, lang)
    crs = check_crs("crs", params.get("crs"))
    features = feature_set(session, active, found, figures.Filters(), crs)
    body = documents.feature_text(base, found, fid, one_feature(features, found, fid), crs, lang)
    return Page(body, found, crs, found.last_modified)


def collection_tile(session: Session, active: ActiveVersions, cid: str, z: int, x: int, y: int,
                    lang: str) -> tuple[bytes, datetime | None]:
    """One vector tile of a collection (b"" when no feature touches it) and its last change."""
    check_tile(z, x, y)
    found = get_collection(session, active, cid, lang)
    frame = collection_frame(session, active, found, figures.Filters())
    return frame_tile(session, frame, found.id, z, x, y), found.last_modified
