"""Local (offline) asset files the map page loads, and their URLs."""

from __future__ import annotations

import re
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg

STATIC_DIR = Path(__file__).parent / "static"
_LEAFLET = Path(xs_leaflet.BASE_DIR)
_CLUSTER = Path(xs_cluster.BASE_DIR)
_PATH_RE = re.compile(r"^/[A-Za-z0-9._~/-]*$")

BAD_PREFIX = Msg(
    "map_bad_asset_prefix",
    "Asset prefix '{prefix}' is not valid: it must be a local path such as /static/vendor.",
)

LEAFLET_JS = "leaflet/leaflet.js"
LEAFLET_CSS = "leaflet/leaflet.css"
CLUSTER_JS = "markercluster/leaflet.markercluster.js"
CLUSTER_CSS = ("markercluster/MarkerCluster.css", "markercluster/MarkerCluster.Default.css")
GEOAPP_JS = "geoapp/map.js"
GEOAPP_CSS = "geoapp/map.css"


def vendor_files() -> dict[str, Path]:
    """URL path below ``asset_prefix`` -> file on disk; serve exactly these, nothing else."""
    files = {
        LEAFLET_JS: _LEAFLET / "leaflet.js",
        LEAFLET_CSS: _LEAFLET / "leaflet.css",
        CLUSTER_JS: _CLUSTER / "leaflet.markercluster.js",
        CLUSTER_CSS[0]: _CLUSTER / "MarkerCluster.css",
        CLUSTER_CSS[1]: _CLUSTER / "MarkerCluster.Default.css",
        GEOAPP_JS: STATIC_DIR / "geoapp" / "map.js",
        GEOAPP_CSS: STATIC_DIR / "geoapp" / "map.css",
    }
    for image in sorted((_LEAFLET / "images").glob("*.png")):
        files[f"leaflet/images/{image.name}"] = image
    return files


def check_prefix(prefix: str) -> str:
    """The asset prefix without trailing slash; only same-origin paths are accepted."""
    if not isinstance(prefix, str) or not _PATH_RE.match(prefix) or "//" in prefix:
        raise GeoappError(BAD_PREFIX, 400, prefix=str(prefix)[:80])
    return prefix.rstrip("/")


def page_assets(prefix: str, cluster: bool) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(js, css) ``(name, url)`` lists for the folium Map's default_js/default_css."""
    base = check_prefix(prefix)
    js = [("leaflet", f"{base}/{LEAFLET_JS}")]
    css = [("leaflet_css", f"{base}/{LEAFLET_CSS}")]
    if cluster:
        js.append(("markercluster", f"{base}/{CLUSTER_JS}"))
        css += [(f"markercluster_css{i}", f"{base}/{p}") for i, p in enumerate(CLUSTER_CSS)]
    js.append(("geoapp_map", f"{base}/{GEOAPP_JS}"))
    css.append(("geoapp_map_css", f"{base}/{GEOAPP_CSS}"))
    return js, css
