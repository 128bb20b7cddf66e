"""Build the planners' Folium map: offline assets, one shared geometry payload, safe data."""

from __future__ import annotations

import re
from collections.abc import Sequence

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.template import Template

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note, normalise_lang
from geoapp.maps.assets import page_assets
from geoapp.maps.choropleth import choropleth_payload
from geoapp.maps.frames import (
    KECAMATAN_COLUMNS,
    KELURAHAN_COLUMNS,
    check_boundary_frame,
    profile_links,
    texts,
)
from geoapp.maps.geometry import encode_layer
from geoapp.maps.legend import NO_DATA
from geoapp.maps.points import point_payload
from geoapp.maps.safejson import script_json
from geoapp.maps.specs import ChoroplethSpec, PointLayerSpec, check_choropleth, check_point_layer

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "&copy; OpenStreetMap contributors"
PROFILE_PATH = "/kelurahan/"
_URL_PATH_RE = re.compile(r"^/(?!/)[A-Za-z0-9._~/?=&%-]*$")
_TILES_RE = re.compile(r"^https://[A-Za-z0-9.{}-]+(/[A-Za-z0-9._~{}@-]*)*(\?[A-Za-z0-9._~=&{}-]*)?$")

EMPTY_KELURAHAN = Msg(
    "map_empty_kelurahan",
    "The kelurahan layer is empty; the map needs at least one kelurahan with a boundary.",
)
BAD_BOUNDARIES_URL = Msg(
    "map_bad_boundaries_url",
    "boundaries_url '{url}' is not valid: it must be a path in this app, e.g. /api/batas.json.",
)
BAD_TILES = Msg(
    "map_bad_tiles",
    "Tile URL '{tiles}' is not valid: it must be https://... with {{z}}, {{x}}, {{y}}.",
)

T_RANK = Msg("map_rank", "rank {rank} of {total}")
T_KECAMATAN = Msg("map_kecamatan", "Kecamatan")
T_PROFILE = Msg("map_profile_link", "Open kelurahan profile")
T_LOAD_ERROR = Msg("map_load_error", "The boundaries could not be loaded. Reload the page.")
T_KEC_LAYER = Msg("map_kecamatan_layer", "Kecamatan boundaries")
T_LEGEND = Msg("map_legend", "Legend")


class OfflineMap(folium.Map):
    """A folium Map whose page loads only the given local JS/CSS (no CDN)."""

    def __init__(self, *, js: list[tuple[str, str]], css: list[tuple[str, str]],
                 min_zoom: int = 9, max_zoom: int = 19, **kwargs):
        super().__init__(tiles=None, **kwargs)
        self.options.update(minZoom=min_zoom, maxZoom=max_zoom)  # needed without tiles
        self.default_js = list(js)
        self.default_css = list(css)


class GeoappLayers(MacroElement):
    """The map data as a JSON block plus one call into the static map.js."""

    _template = Template("""
{% macro html(this, kwargs) %}
<script type="application/json" id="{{ this.data_id }}">{{ this.payload }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
geoappMap.init({{ this._parent.get_name() }}, "{{ this.data_id }}");
{% endmacro %}
""")

    def __init__(self, payload: dict) -> None:
        super().__init__()
        self._name = "GeoappLayers"
        self.data_id = f"geoapp-data-{self._id}"
        self.payload = script_json(payload)


def boundaries_payload(kelurahan: gpd.GeoDataFrame,
                       kecamatan: gpd.GeoDataFrame | None = None) -> dict:
    """Quantised geometry of kelurahan (and kecamatan), each sent once; serve it as JSON."""
    kel = check_boundary_frame(kelurahan, "kelurahan", KELURAHAN_COLUMNS)
    out: dict = {"v": 1, "precision": 5,
                 "kel": encode_layer(texts(kel["kode"]), kel.geometry.tolist()), "kec": None}
    if kecamatan is not None:
        kec = check_boundary_frame(kecamatan, "kecamatan", KECAMATAN_COLUMNS)
        out["kec"] = encode_layer(texts(kec["kode"]), kec.geometry.tolist())
    return out


def boundaries_json(kelurahan: gpd.GeoDataFrame,
                    kecamatan: gpd.GeoDataFrame | None = None) -> str:
    """``boundaries_payload`` as compact JSON text (the body for ``boundaries_url``)."""
    return script_json(boundaries_payload(kelurahan, kecamatan))


def _texts(lang: str) -> dict[str, str]:
    return {"noData": NO_DATA.text(lang), "rank": T_RANK.text(lang, rank="{rank}", total="{total}"),
            "kecamatan": T_KECAMATAN.text(lang), "profile": T_PROFILE.text(lang),
            "loadError": T_LOAD_ERROR.text(lang), "kecLayer": T_KEC_LAYER.text(lang),
            "legend": T_LEGEND.text(lang)}


def _kecamatan_labels(kec: gpd.GeoDataFrame) -> dict:
    pts = kec.geometry.representative_point()
    return {"nama": texts(kec["nama"]),
            "at": [[round(p.y, 5), round(p.x, 5)] for p in pts.tolist()]}


def _check_url(url: str | None) -> str | None:
    if url is not None and (not isinstance(url, str) or not _URL_PATH_RE.match(url)):
        raise GeoappError(BAD_BOUNDARIES_URL, 400, url=str(url)[:80])
    return url


def page_payload(*, kelurahan: gpd.GeoDataFrame, kecamatan: gpd.GeoDataFrame | None,
                 choropleths: Sequence[ChoroplethSpec], point_layers: Sequence[PointLayerSpec],
                 lang: str, boundaries_url: str | None,
                 panel: bool = False) -> tuple[dict, list[Note]]:
    """The whole JSON payload of the page and the notes for the user.

    ``panel``: the page has its own layer list (map-page.js); map.js then adds no Leaflet
    layer control and shows one choropleth at a time.
    """
    kel = check_boundary_frame(kelurahan, "kelurahan", KELURAHAN_COLUMNS)
    if len(kel) == 0:
        raise GeoappError(EMPTY_KELURAHAN, 422)
    kec = None if kecamatan is None else check_boundary_frame(kecamatan, "kecamatan",
                                                              KECAMATAN_COLUMNS)
    seen: set[str] = set()
    for spec in choropleths:
        check_choropleth(spec, seen)
    for spec in point_layers:
        check_point_layer(spec, seen)
    kodes = texts(kel["kode"])
    points, notes = [], []
    for spec in point_layers:
        layer, layer_notes = point_payload(spec, lang)
        points.append(layer)
        notes += layer_notes
    minx, miny, maxx, maxy = (round(float(b), 5) for b in kel.total_bounds)
    payload = {
        "v": 1, "bounds": [[miny, minx], [maxy, maxx]], "lang": lang, "t": _texts(lang), "profile": PROFILE_PATH,
        "geoUrl": _check_url(boundaries_url),
        "geo": None if boundaries_url else boundaries_payload(kel, kec),
        "kel": {"kode": kodes, "nama": texts(kel["nama"]), "kec": texts(kel["nama_kecamatan"]),
                "link": profile_links(kodes)},
        "kec": None if kec is None else _kecamatan_labels(kec),
        "chor": [choropleth_payload(kel, spec, lang) for spec in choropleths],
        "pts": points,
        "panel": bool(panel),
    }
    return payload, notes


def _check_tiles(tiles: str | None) -> str | None:
    if tiles is not None and (not isinstance(tiles, str) or not _TILES_RE.match(tiles)
                              or not all(p in tiles for p in ("{z}", "{x}", "{y}"))):
        raise GeoappError(BAD_TILES, 400, tiles=str(tiles)[:100])
    return tiles


def build_map(*, kelurahan: gpd.GeoDataFrame, kecamatan: gpd.GeoDataFrame | None = None,
              choropleths: Sequence[ChoroplethSpec] = (),
              point_layers: Sequence[PointLayerSpec] = (), lang: str = "id",
              asset_prefix: str = "/static/vendor", boundaries_url: str | None = None,
              tiles: str | None = OSM_TILES, panel: bool = False) -> folium.Map:
    """The planners' map of Kota Tangerang, fitted to the kelurahan bounds.

    User notes (e.g. points without coordinates) are on ``map.geoapp_notes``; ``panel``
    see ``page_payload``.
    """
    lang = normalise_lang(lang)
    tiles = _check_tiles(tiles)
    choropleths, point_layers = list(choropleths), list(point_layers)
    payload, notes = page_payload(kelurahan=kelurahan, kecamatan=kecamatan,
                                  choropleths=choropleths, point_layers=point_layers,
                                  lang=lang, boundaries_url=boundaries_url, panel=panel)
    js, css = page_assets(asset_prefix, any(p.cluster for p in point_layers))
    (miny, minx), (maxy, maxx) = payload["bounds"]
    fmap = OfflineMap(js=js, css=css, location=[(miny + maxy) / 2, (minx + maxx) / 2],
                      zoom_start=12, control_scale=True)
    if tiles:
        folium.TileLayer(tiles=tiles, attr=OSM_ATTRIBUTION, name="OpenStreetMap",
                         max_zoom=19, control=False).add_to(fmap)
    GeoappLayers(payload).add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    fmap.geoapp_notes = notes
    return fmap


def render_map_html(*, kelurahan: gpd.GeoDataFrame, kecamatan: gpd.GeoDataFrame | None = None,
                    choropleths: Sequence[ChoroplethSpec] = (),
                    point_layers: Sequence[PointLayerSpec] = (), lang: str = "id",
                    asset_prefix: str = "/static/vendor", boundaries_url: str | None = None,
                    tiles: str | None = OSM_TILES) -> str:
    """The complete HTML page of ``build_map`` with the same arguments."""
    fmap = build_map(kelurahan=kelurahan, kecamatan=kecamatan, choropleths=choropleths,
                     point_layers=point_layers, lang=lang, asset_prefix=asset_prefix,
                     boundaries_url=boundaries_url, tiles=tiles)
    return fmap.get_root().render()
