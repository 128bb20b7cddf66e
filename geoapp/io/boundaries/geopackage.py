"""GeoPackages: refuse views, foreign virtual tables and custom triggers before GDAL reads one."""

from __future__ import annotations

import logging
import re
import sqlite3

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

_log = logging.getLogger(__package__)  # one logger for the whole boundaries package

_ERR_GPKG_UNSAFE = Msg(
    "boundaries.gpkg_unsafe",
    "GeoPackage refused because it contains {what}: {names}. Export the layer again as a "
    "plain table without views or custom triggers.",
)
_ERR_GPKG_BAD = Msg(
    "boundaries.gpkg_bad",
    "The GeoPackage is damaged or unreadable. Export the layer again "
    "from QGIS as a new GeoPackage.",
)

_STANDARD_TRIGGER = re.compile(
    r"^(gpkg_tile_matrix_\w+|gpkg_metadata_\w+|gpkg_metadata_reference_\w+|"
    r"rtree_\w+_(insert\d?|update\d|delete)|trigger_(insert|delete)_feature_count_\w+)$",
    re.IGNORECASE,
)


def sanitise_gpkg(raw: bytes) -> bytes:
    """Refuse views, foreign virtual tables and unknown triggers; drop the standard triggers.

    The file is opened with sqlite3 in memory (never on disk); what GDAL reads is the
    serialised copy without any trigger.
    """
    if raw[18:20] == b"\x02\x02":   # WAL mode: in-memory SQLite needs the rollback journal
        raw = raw[:18] + b"\x01\x01" + raw[20:]
    con = sqlite3.connect(":memory:")
    try:
        con.deserialize(raw)
        rows = con.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        _refuse_unsafe_schema(rows)
        for _, name, _ in (r for r in rows if r[0] == "trigger"):
            con.execute(f'DROP TRIGGER "{name.replace(chr(34), chr(34) * 2)}"')
        con.commit()
        return con.serialize()
    except sqlite3.DatabaseError as exc:
        _log.warning("GeoPackage could not be read: %s", exc)
        raise GeoappError(_ERR_GPKG_BAD, 422) from None
    finally:
        con.close()


def _refuse_unsafe_schema(rows: list[tuple[str, str, str | None]]) -> None:
    views = [name for kind, name, _ in rows if kind == "view"]
    if views:
        raise GeoappError(_ERR_GPKG_UNSAFE, 415, what="view", names=", ".join(views[:10]))
    virtual = [name for kind, name, sql in rows if kind == "table" and sql
               and re.match(r"\s*CREATE\s+VIRTUAL\s+TABLE", sql, re.IGNORECASE)
               and not re.search(r"USING\s+rtree\s*\(", sql, re.IGNORECASE)]
    if virtual:
        raise GeoappError(_ERR_GPKG_UNSAFE, 415, what="virtual table",
                          names=", ".join(virtual[:10]))
    triggers = [name for kind, name, _ in rows
                if kind == "trigger" and not _STANDARD_TRIGGER.match(name)]
    if triggers:
        raise GeoappError(_ERR_GPKG_UNSAFE, 415, what="trigger", names=", ".join(triggers[:10]))
