"""Zipped Shapefiles: refuse ZIP bombs and stray members, keep only the Shapefile parts."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note

MAX_ZIP_MEMBERS = 50
MAX_ZIP_UNCOMPRESSED = 300 * 1024 * 1024   # declared total of all members
MAX_ZIP_RATIO = 100                        # per member, for members above 1 MiB
ZIP_RATIO_MIN_SIZE = 1024 * 1024

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
SHAPEFILE_REQUIRED = (".shp", ".shx", ".dbf")
# Side files that GIS programs put next to a Shapefile; they are ignored, never read.
SHAPEFILE_IGNORED = (".xml", ".sbn", ".sbx", ".qix", ".qpj", ".qmd", ".fix", ".cst", ".txt")

_ERR_ZIP_MEMBERS = Msg(
    "boundaries.zip_members",
    "The ZIP must hold exactly one Shapefile (.shp, .shx, .dbf, optionally .prj/.cpg); "
    "found: {found}.",
)
_ERR_ZIP_FORBIDDEN = Msg(
    "boundaries.zip_forbidden",
    "The ZIP holds files that are not allowed: {names}. Include only the Shapefile parts "
    "(.shp, .shx, .dbf, .prj, .cpg).",
)
_ERR_ZIP_BOMB = Msg(
    "boundaries.zip_bomb",
    "ZIP refused: {reason}. Send a smaller Shapefile, or one without extreme compression.",
)
_ERR_ZIP_BAD = Msg("boundaries.zip_bad", "The ZIP is damaged or unreadable: {detail}.")
_NOTE_ZIP_IGNORED = Msg("boundaries.zip_ignored", "Side files in the ZIP were ignored: {names}.")


def clean_shapefile_zip(raw: bytes, notes: list[Note]) -> bytes:
    """Check a Shapefile ZIP for bombs and stray files; rebuild it with only the parts."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise GeoappError(_ERR_ZIP_BAD, 422, detail=str(exc)[:200]) from None
    _check_zip_limits(infos)
    parts, ignored = _pick_shapefile_parts(infos)
    if ignored:
        notes.append(Note.of(_NOTE_ZIP_IGNORED, names=", ".join(ignored)))
    out = io.BytesIO()
    try:
        with zf, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
            for ext, info in parts.items():
                dst.writestr("layer" + ext, zf.read(info))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
        raise GeoappError(_ERR_ZIP_BAD, 422, detail=str(exc)[:200]) from None
    return out.getvalue()


def _check_zip_limits(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ZIP_MEMBERS:
        raise GeoappError(_ERR_ZIP_BOMB, 413,
                          reason=f"{len(infos)} files (limit {MAX_ZIP_MEMBERS})")
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_UNCOMPRESSED:
        raise GeoappError(_ERR_ZIP_BOMB, 413,
                          reason=f"{total} bytes uncompressed (limit {MAX_ZIP_UNCOMPRESSED})")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_MIN_SIZE and ratio > MAX_ZIP_RATIO:
            raise GeoappError(_ERR_ZIP_BOMB, 413,
                              reason=f"{info.filename}: compression ratio {ratio:.0f} "
                                     f"(limit {MAX_ZIP_RATIO})")


def _pick_shapefile_parts(infos: list[zipfile.ZipInfo]) -> tuple[dict[str, zipfile.ZipInfo],
                                                                  list[str]]:
    """Map extension -> member for the single Shapefile; list ignored side files."""
    found: dict[str, list[zipfile.ZipInfo]] = {}
    ignored: list[str] = []
    forbidden: list[str] = []
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.parts and path.parts[0] == "__MACOSX":
            continue
        ext = path.suffix.lower()
        if ext in SHAPEFILE_PARTS:
            found.setdefault(ext, []).append(info)
        elif ext in SHAPEFILE_IGNORED:
            ignored.append(path.name)
        else:
            forbidden.append(path.name)
    if forbidden:
        raise GeoappError(_ERR_ZIP_FORBIDDEN, 415, names=", ".join(sorted(forbidden)[:10]))
    if any(len(found.get(ext, [])) != 1 for ext in SHAPEFILE_REQUIRED) or any(
            len(v) > 1 for v in found.values()):
        listing = ", ".join(PurePosixPath(i.filename).name for v in found.values() for i in v)
        raise GeoappError(_ERR_ZIP_MEMBERS, 422, found=listing or "-")
    stems = {PurePosixPath(v[0].filename).stem.lower() for v in found.values()}
    if len(stems) != 1:
        raise GeoappError(_ERR_ZIP_MEMBERS, 422, found=", ".join(
            PurePosixPath(v[0].filename).name for v in found.values()))
    return {ext: v[0] for ext, v in found.items()}, ignored
