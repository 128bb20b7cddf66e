"""Where boundary bytes come from and what format they are in.

The format is sniffed from the content, never from the file name, and only four reach GDAL:
GeoJSON (parsed as JSON first), GeoPackage (schema checked in memory), zipped Shapefile
(members checked) and FlatGeobuf (magic bytes). GeoParquet is read by pyarrow, not GDAL.
A ``.shp`` path is bundled with its sibling parts into an in-memory ZIP.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.io.boundaries.geopackage import sanitise_gpkg
from geoapp.io.boundaries.shapefile_zip import SHAPEFILE_PARTS, clean_shapefile_zip

MAX_SOURCE_BYTES = 100 * 1024 * 1024       # an upload or file larger than this is refused

ERR_NOT_FOUND = Msg("boundaries.not_found", "Boundary file not found: {path}. Check the path.")
_ERR_TOO_LARGE = Msg(
    "boundaries.too_large",
    "The boundary file is too large ({size} bytes); the limit is {limit} bytes.",
)
_ERR_EMPTY = Msg(
    "boundaries.empty",
    "The boundary file is empty. Upload a GeoJSON, GeoPackage, zipped Shapefile, GeoParquet "
    "or FlatGeobuf file.",
)
ERR_FORMAT = Msg(
    "boundaries.format",
    "Unrecognised boundary file format ({what}). Accepted: GeoJSON, GeoPackage (.gpkg), "
    "a zipped Shapefile (.shp, .shx, .dbf, .prj), GeoParquet (.parquet) or FlatGeobuf (.fgb).",
)
_ERR_BAD_JSON = Msg(
    "boundaries.bad_json",
    "The boundary file is not valid JSON (damaged or cut off). Export it again as GeoJSON "
    "and retry.",
)


def source_bytes(source: str | Path | bytes, filename: str | None) -> tuple[bytes, str]:
    """The raw bytes of the source and a display name."""
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
        check_size(len(raw))
        return raw, filename or "upload"
    path = Path(source).expanduser()
    if not path.is_file():
        raise GeoappError(ERR_NOT_FOUND, 404, path=str(path))
    name = filename or path.name
    if path.suffix.lower() == ".shp":
        return _zip_shapefile_siblings(path), name
    check_size(path.stat().st_size)
    return path.read_bytes(), name


def check_size(size: int) -> None:
    if size == 0:
        raise GeoappError(_ERR_EMPTY, 400)
    if size > MAX_SOURCE_BYTES:
        raise GeoappError(_ERR_TOO_LARGE, 413, size=size, limit=MAX_SOURCE_BYTES)


def _zip_shapefile_siblings(shp: Path) -> bytes:
    """Bundle a .shp and its sibling parts into an in-memory ZIP (CLI paths)."""
    buf = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for ext in SHAPEFILE_PARTS:
            for part in (shp.with_suffix(ext), shp.with_suffix(ext.upper())):
                if part.is_file():
                    total += part.stat().st_size
                    check_size(total)
                    zf.write(part, shp.stem + ext)
                    break
    return buf.getvalue()


FLATGEOBUF_MAGIC = b"fgb\x03fgb"    # FlatGeobuf v3; the 8th byte is the patch version
PARQUET_MAGIC = b"PAR1"             # at both ends of an Apache Parquet file


def detect_format(raw: bytes) -> str:
    """``"geojson"``, ``"gpkg"``, ``"shapefile_zip"``, ``"flatgeobuf"`` or ``"geoparquet"``
    from the content; else GeoappError."""
    if raw.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if raw.startswith(FLATGEOBUF_MAGIC) and len(raw) > 8:
        return "flatgeobuf"
    if raw.startswith(PARQUET_MAGIC) and raw.endswith(PARQUET_MAGIC) and len(raw) > 8:
        return "geoparquet"
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"PK\x05\x06"):
        return "shapefile_zip"
    text = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "geojson"
    what = "XML/VRT" if text.startswith(b"<") else "bytes " + raw[:8].hex(" ")
    raise GeoappError(ERR_FORMAT, 415, what=what)


def prepare_payload(raw: bytes, fmt: str, notes: list[Note]) -> bytes:
    if fmt == "geojson":
        return _check_geojson(raw)
    if fmt == "gpkg":
        return sanitise_gpkg(raw)
    if fmt in ("flatgeobuf", "geoparquet"):
        return raw           # FlatGeobuf: one layer, no external references; Parquet: pyarrow
    return clean_shapefile_zip(raw, notes)


def _check_geojson(raw: bytes) -> bytes:
    """Parse the JSON first: only a GeoJSON FeatureCollection or Feature goes on to GDAL."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise GeoappError(_ERR_BAD_JSON, 415) from None
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind not in ("FeatureCollection", "Feature"):
        raise GeoappError(ERR_FORMAT, 415, what=f"JSON type={str(kind)[:40]}")
    return raw
