"""Folium maps for planners: choropleths of kelurahan, point layers, offline assets."""

from geoapp.maps.assets import vendor_files
from geoapp.maps.classify import Classification, classify
from geoapp.maps.page import boundaries_json, boundaries_payload, build_map, render_map_html
from geoapp.maps.presets import ecofarm_layer, kampung_tematik_layer, kwt_layer
from geoapp.maps.specs import ChoroplethSpec, PointLayerSpec

__all__ = [
    "ChoroplethSpec",
    "Classification",
    "PointLayerSpec",
    "boundaries_json",
    "boundaries_payload",
    "build_map",
    "classify",
    "ecofarm_layer",
    "kampung_tematik_layer",
    "kwt_layer",
    "render_map_html",
    "vendor_files",
]
