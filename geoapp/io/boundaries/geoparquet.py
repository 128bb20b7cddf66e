"""GeoParquet boundary bytes, read with pyarrow (never GDAL) into a GeoDataFrame.

Only a file with GeoParquet ``geo`` metadata is a boundary file; a plain Parquet table is
refused with the format message. The CRS is settled afterwards like every other format.
"""

from __future__ import annotations

import io
import logging

import geopandas as gpd
import pyarrow.parquet as pq

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

_log = logging.getLogger(__package__)

DRIVER = "GeoParquet"
_ERR_UNREADABLE = Msg(
    "boundaries.parquet_unreadable",
    "The GeoParquet boundary file could not be read; it may be damaged or cut off. "
    "Save the file again and retry.",
)
_ERR_NOT_GEO = Msg(
    "boundaries.parquet_not_geo",
    "The Parquet file has no GeoParquet geometry metadata ('geo'); it is a plain table. "
    "Save it as GeoParquet (e.g. GeoDataFrame.to_parquet) and retry.",
)


def read_geoparquet(raw: bytes) -> tuple[gpd.GeoDataFrame, str]:
    """The frame of GeoParquet bytes (the primary geometry column) and the driver name."""
    try:
        schema = pq.read_schema(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - pyarrow errors on untrusted content
        _log.warning("GeoParquet unreadable: %.200s", exc)
        raise GeoappError(_ERR_UNREADABLE, 422) from None
    if b"geo" not in (schema.metadata or {}):
        raise GeoappError(_ERR_NOT_GEO, 415)
    try:
        gdf = gpd.read_parquet(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - bad geometry encoding or metadata
        _log.warning("GeoParquet geometry unreadable: %.200s", exc)
        raise GeoappError(_ERR_UNREADABLE, 422) from None
    return gdf.reset_index(drop=True), DRIVER
