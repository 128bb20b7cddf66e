"""A collection's features as GeoJSON feature texts with stable ids, and one page of them.

Feature ids: the kode wilayah for area layers and boundaries; for points, the kelurahan
kode plus a short hash of the place's name and coordinates, so an id stays the same across
pages, filters and re-imports of an unchanged row. The texts are cached per collection,
filters and output CRS under the identities of the data they come from. Core module: no
Flask.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from geopandas import GeoDataFrame
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.figures.filters import Filters
from geoapp.io.export import geometry_json, json_value
from geoapp.ogc.collections import Collection, collection_frame, collection_identity
from geoapp.ogc.crs import EPSG4326, swap_axes
from geoapp.ogc.query import ItemQuery
from geoapp.store import postgis
from geoapp.store.active import ActiveVersions

PRECISION = 6   # the same as the layer downloads
UNKNOWN_FEATURE = Msg("ogc.unknown_feature",
                      "Feature '{id}' is not in collection '{collection}'.")


@dataclass(frozen=True, eq=False)
class FeatureSet:
    """Every feature of a collection (filters applied), ready to be paged. A feature's
    GeoJSON text is written when a page first asks for it (83,253 national desa are not
    all written for a page of ten), then kept."""

    ids: tuple[str, ...]
    geometries: np.ndarray          # lon/lat geometries, for bbox selection
    render: Callable[[list[int]], list[str]]     # positions -> GeoJSON Feature texts
    written: dict[int, str] = field(default_factory=dict)

    def texts(self, positions: Sequence[int]) -> list[str]:
        """The Feature texts at ``positions`` (in the output CRS)."""
        missing = [int(i) for i in positions if int(i) not in self.written]
        if missing:
            self.written.update(zip(missing, self.render(missing), strict=True))
        return [self.written[int(i)] for i in positions]


def _point_ids(frame: GeoDataFrame) -> list[str]:
    ids: list[str] = []
    seen: dict[str, int] = {}
    for kode, nama, lat, lon in frame[["kode", "nama", "lat", "lon"]].itertuples(index=False):
        digest = hashlib.sha1(f"{kode}|{nama}|{lat:.6f}|{lon:.6f}".encode()).hexdigest()[:10]
        base = f"{kode}-{digest}"
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def feature_ids(collection: Collection, frame: GeoDataFrame) -> list[str]:
    """Stable ids of the frame's rows (see the module docstring)."""
    if collection.kind == "points":
        return _point_ids(frame)
    return [str(k) for k in frame["kode"]]


def _python_geometries(frame: GeoDataFrame, crs: str) -> list[str]:
    geoms = shapely.orient_polygons(frame.geometry.values, exterior_cw=False)
    if crs == EPSG4326:
        geoms = swap_axes(geoms)
    return [geometry_json(geom, PRECISION) for geom in geoms]


def _renderer(session: Session, frame: GeoDataFrame, ids: list[str],
              crs: str) -> Callable[[list[int]], list[str]]:
    """How the Feature texts at some positions are written: with PostGIS when the database
    has it (all at once, ``ST_AsGeoJSON`` is fast), else in Python, a page at a time."""
    engine = session.get_bind()
    if postgis.enabled(engine):
        from geoapp.store.postgis.layers import geometry_texts

        every = _texts(frame, ids, geometry_texts(engine, frame, PRECISION,
                                                  flip=crs == EPSG4326))
        return lambda positions: [every[i] for i in positions]

    def render(positions: list[int]) -> list[str]:
        part = frame.iloc[positions]
        return _texts(part, [ids[i] for i in positions], _python_geometries(part, crs))

    return render


def _texts(frame: GeoDataFrame, ids: list[str], geometries: list[str]) -> list[str]:
    names = [c for c in frame.columns if c != frame.geometry.name]
    rows = frame[names].to_dict(orient="split")["data"] if names else [[]] * len(frame)
    out = []
    for fid, geom, row in zip(ids, geometries, rows, strict=True):
        props = {str(k): json_value(v) for k, v in zip(names, row, strict=True)}
        out.append('{"type":"Feature","id":' + json.dumps(fid) + ',"properties":'
                   + json.dumps(props, ensure_ascii=False, allow_nan=False,
                                separators=(",", ":"))
                   + ',"geometry":' + geom + "}")
    return out


def feature_set(session: Session, active: ActiveVersions, collection: Collection,
                filters: Filters, crs: str) -> FeatureSet:
    """The collection's features (cached under its data's identities)."""
    key = ("ogc.features", collection_identity(session, active, collection), filters, crs)

    def build() -> FeatureSet:
        frame = collection_frame(session, active, collection, filters)
        ids = feature_ids(collection, frame)
        return FeatureSet(tuple(ids), np.asarray(frame.geometry.values),
                          _renderer(session, frame, ids, crs))

    return active.cached(key, build)


def select(features: FeatureSet, query: ItemQuery) -> tuple[list[str], int]:
    """One page of feature texts for ``query`` and the number matched before paging."""
    positions = np.arange(len(features.ids))
    if query.bbox is not None and len(positions):
        hits = shapely.intersects(features.geometries, shapely.box(*query.bbox))
        positions = positions[np.asarray(hits, dtype=bool)]
    page = positions[query.offset:query.offset + query.limit]
    return features.texts(page.tolist()), int(len(positions))


def one_feature(features: FeatureSet, collection: Collection, fid: str) -> str:
    """The feature text with id ``fid``; a 404 otherwise."""
    try:
        return features.texts([features.ids.index(fid)])[0]
    except ValueError:
        raise GeoappError(UNKNOWN_FEATURE, 404, id=str(fid)[:80],
                          collection=collection.id) from None
