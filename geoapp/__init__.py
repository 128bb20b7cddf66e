"""geoapp: put Indonesian local-government program records on kelurahan maps."""

import os

# GDAL must never let a user file pick a driver that reads other files or URLs.
# These are read by GDAL when it loads, so they are set before pyogrio is imported.
os.environ.setdefault(
    "GDAL_SKIP",
    "VRT OGR_VRT GDALG GPSBabel ADBC WMS WMTS WCS WFS OAPIF OGCAPI CSW HTTP PLScenes STACIT STACTA EEDA NGW Elasticsearch AmigoCloud Carto DAAS",
)
os.environ.setdefault("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".none")
os.environ.setdefault("GDAL_HTTP_TIMEOUT", "1")

__version__ = "0.1.0"
