"""Figures for the map, the kelurahan profile pages and the layer API.

Everything is computed from the ACTIVE dataset of each program in the store; only rows
with status ``matched`` (and not JUMLAH/TOTAL rows) count. Results depend only on the
active dataset versions and the filters, so they are cached in the app's
``ActiveVersions`` service (``geoapp.store.active``), which every public function
receives next to the session. Modules:

- ``catalog``: layer definitions (``LAYERS``, ``LayerDef``, ``LayerData``), availability
- ``filters``: ``Filters`` and the values they accept (``filter_options``)
- ``rows``: one cached row frame per active dataset version, population
- ``area`` / ``points``: area (choropleth) and point layers
- ``profile``: one kelurahan's figures, every kelurahan's main figures
- ``sources``: the "Sumber: ..." line; ``downloads``: any layer by key, export frames
- ``aggregate``: per-kelurahan sums and rates; ``png``: static PNG maps

The names below are the package's public API (``from geoapp import figures``).
"""

from geoapp.figures.area import area_layer
from geoapp.figures.catalog import (
    DEFAULT_LAYER,
    LAYERS,
    LayerData,
    LayerDef,
    available_layers,
    get_layer_def,
)
from geoapp.figures.downloads import export_frame, layer
from geoapp.figures.filters import Filters, filter_options
from geoapp.figures.points import point_layer
from geoapp.figures.profile import check_kode, kelurahan_profile, kelurahan_summary
from geoapp.figures.results import layer_identity
from geoapp.figures.sources import layer_source_text, source_text

__all__ = [
    "DEFAULT_LAYER", "LAYERS", "Filters", "LayerData", "LayerDef", "area_layer",
    "available_layers", "check_kode", "export_frame", "filter_options", "get_layer_def",
    "kelurahan_profile", "kelurahan_summary", "layer", "layer_identity", "layer_source_text",
    "point_layer", "source_text",
]
