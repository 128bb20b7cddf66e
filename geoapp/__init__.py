"""geoapp: put Indonesian local-government program records on kelurahan maps."""

import os

# GDAL must never let a user file pick a driver that reads other files or URLs.
# These are read by GDAL when it loads, so they are set before pyogrio is imported.
# The drivers are ADDED to any GDAL_SKIP already in the environment (even an empty one):
# a preset value can extend the list but never switch this block off.
REQUIRED_GDAL_SKIP = (
    "VRT OGR_VRT GDALG GPSBabel ADBC WMS WMTS WCS WFS OAPIF OGCAPI CSW HTTP PLScenes STACIT "
    "STACTA EEDA NGW Elasticsearch AmigoCloud Carto DAAS"
).split()


def merged_gdal_skip(current: str | None) -> str:
    """``current`` (GDAL_SKIP: names split by spaces or commas) plus every required driver."""
    names = [n for n in (current or "").replace(",", " ").split() if n]
    for name in REQUIRED_GDAL_SKIP:
        if name not in names:
            names.append(name)
    return " ".join(names)


os.environ["GDAL_SKIP"] = merged_gdal_skip(os.environ.get("GDAL_SKIP"))
os.environ.setdefault("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".none")
os.environ.setdefault("GDAL_HTTP_TIMEOUT", "1")

__version__ = "0.1.0"
