"""A boundary set (the rows of a gazetteer) copied into ``gis_boundaries``, once per content.

Idempotent: keyed by ``matching.locator.gazetteer_hash``; a set already there is left as
it is, so every app server can sync at start. Older sets beyond ``KEEP_SETS`` are removed
(their rows with them).
"""

from __future__ import annotations

import io

import shapely
from sqlalchemy import Connection, Engine, text

from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.locator import gazetteer_hash

KEEP_SETS = 8
CLAIM_SET = ("INSERT INTO gis_boundary_sets (content_hash, features) VALUES (%(h)s, %(n)s) "
             "ON CONFLICT (content_hash) DO NOTHING RETURNING content_hash")
PRUNE_SETS = ("DELETE FROM gis_boundary_sets WHERE content_hash IN (SELECT content_hash "
              "FROM gis_boundary_sets ORDER BY synced_at DESC, content_hash OFFSET %(keep)s)")


def is_synced(connection: Connection, content_hash: str) -> bool:
    """True when the set ``content_hash`` is in the database."""
    return connection.execute(text(
        "SELECT 1 FROM gis_boundary_sets WHERE content_hash = :h"), {"h": content_hash}
    ).first() is not None


def sync_boundaries(engine: Engine, gazetteer: Gazetteer) -> str:
    """Copy ``gazetteer``'s polygons into PostGIS unless already there; its content hash."""
    content_hash = gazetteer_hash(gazetteer)
    with engine.connect() as connection:
        if is_synced(connection, content_hash):
            return content_hash
    with engine.begin() as connection, raw_cursor(connection) as cursor:
        cursor.execute(CLAIM_SET, {"h": content_hash, "n": len(gazetteer)})
        if cursor.fetchone() is None:   # another server synced it meanwhile
            return content_hash
        _copy_rows(cursor, content_hash, gazetteer)
        cursor.execute(PRUNE_SETS, {"keep": KEEP_SETS})
        cursor.execute("ANALYZE gis_boundaries")
    return content_hash


def raw_cursor(connection: Connection):
    """A psycopg cursor of ``connection``: the ``gis_*`` tables are caches written outside
    the store's one-writer-at-a-time lock (``engine.serialise_writers`` watches only
    SQLAlchemy's statements), so a request filling them never waits for an import."""
    return connection.connection.driver_connection.cursor()


def copy_field(value: str) -> str:
    """A value in COPY's text format."""
    return (value.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def _copy_rows(cursor, content_hash: str, gazetteer: Gazetteer) -> None:
    geoms = shapely.set_srid(gazetteer.geometry, 4326)
    wkb = shapely.to_wkb(geoms, hex=True, include_srid=True)
    buffer = io.StringIO()
    for i, (kode, nama, kk, nk) in enumerate(zip(
            gazetteer.kode, gazetteer.nama, gazetteer.kode_kecamatan,
            gazetteer.nama_kecamatan, strict=True)):
        buffer.write("\t".join((content_hash, str(i), copy_field(kode), copy_field(nama),
                                copy_field(kk), copy_field(nk or ""), wkb[i])) + "\n")
    with cursor.copy("COPY gis_boundaries (set_hash, row_no, kode, nama, kode_kecamatan, "
                     "nama_kecamatan, geom) FROM STDIN") as copy:
        copy.write(buffer.getvalue())
