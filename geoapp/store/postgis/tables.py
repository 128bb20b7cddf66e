"""The PostGIS tables (PostgreSQL with PostGIS only; never on SQLite).

They live in their own ``MetaData``, not in ``store.models``: the SQLite schema and the
model comparison of the migrations test stay as they are (``migrations.own_object``
leaves tables outside the models alone). Created by migration ``0004``; every geometry
is EPSG:4326 with a GiST index.

- ``gis_boundary_sets`` / ``gis_boundaries``: a boundary set (the gazetteer's rows, by
  content hash) with its polygons, what point-in-polygon runs against;
- ``gis_layers`` / ``gis_features``: a layer frame (per-kelurahan figures on kelurahan
  polygons, or places as points) by content hash, what GeoJSON and vector tiles are
  written from. Properties are ``json`` (not ``jsonb``) so their order and text are kept.
"""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    func,
)

metadata = MetaData()

boundary_sets = Table(
    "gis_boundary_sets", metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("features", Integer, nullable=False),
    Column("synced_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

boundaries = Table(
    "gis_boundaries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("set_hash", String(64),
           ForeignKey("gis_boundary_sets.content_hash", ondelete="CASCADE"), nullable=False),
    Column("row_no", Integer, nullable=False),   # the gazetteer row (sorted by kode)
    Column("kode", String(32), nullable=False),
    Column("nama", String(200), nullable=False),
    Column("kode_kecamatan", String(32), nullable=False),
    Column("nama_kecamatan", String(200), nullable=False),
    Column("geom", Geometry("GEOMETRY", srid=4326, spatial_index=False), nullable=False),
    Index("ix_gis_boundaries_set_row", "set_hash", "row_no", unique=True),
    Index("ix_gis_boundaries_geom", "geom", postgresql_using="gist"),
)

layers = Table(
    "gis_layers", metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("features", Integer, nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

features = Table(
    "gis_features", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("layer_hash", String(64),
           ForeignKey("gis_layers.content_hash", ondelete="CASCADE"), nullable=False),
    Column("fid", Integer, nullable=False),   # the frame's row order
    Column("props", JSON, nullable=False),
    Column("geom", Geometry("GEOMETRY", srid=4326, spatial_index=False), nullable=True),
    Index("ix_gis_features_layer_fid", "layer_hash", "fid", unique=True),
    Index("ix_gis_features_geom", "geom", postgresql_using="gist"),
)
