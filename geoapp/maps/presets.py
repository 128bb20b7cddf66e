"""Ready-made point layer specs for the city programs (KWT, ecofarm, kampung tematik)."""

from __future__ import annotations

import geopandas as gpd

from geoapp.core.i18n import Msg, normalise_lang
from geoapp.maps.specs import PointLayerSpec

KWT_TITLE = Msg("map_kwt_title", "Women farmer groups (KWT)")
ECOFARM_TITLE = Msg("map_ecofarm_title", "Ecofarm sites")
KAMPUNG_TITLE = Msg("map_kampung_title", "Kampung tematik")
F_NAMA = Msg("map_field_nama", "Name")
F_ANGGOTA = Msg("map_field_anggota", "Members")
F_BIBIT = Msg("map_field_bibit", "Seedlings")
F_TEMA = Msg("map_field_tema", "Theme")


def _present(frame: gpd.GeoDataFrame, fields: dict[str, Msg], lang: str) -> dict[str, str]:
    return {col: msg.text(lang) for col, msg in fields.items() if col in frame.columns}


def kwt_layer(frame: gpd.GeoDataFrame, lang: str = "id", key: str = "kwt-titik") -> PointLayerSpec:
    """KWT groups with a popup of name, members and seedlings."""
    lang = normalise_lang(lang)
    fields = _present(frame, {"nama": F_NAMA, "anggota": F_ANGGOTA, "bibit": F_BIBIT}, lang)
    return PointLayerSpec(key, KWT_TITLE.text(lang), frame, fields, icon="leaf", color="#009e73")


def ecofarm_layer(frame: gpd.GeoDataFrame, lang: str = "id",
                  key: str = "ecofarm-titik") -> PointLayerSpec:
    """Ecofarm sites with their own sprout icon."""
    lang = normalise_lang(lang)
    fields = _present(frame, {"nama": F_NAMA}, lang)
    return PointLayerSpec(key, ECOFARM_TITLE.text(lang), frame, fields, icon="sprout",
                          color="#d55e00")


def kampung_tematik_layer(frame: gpd.GeoDataFrame, lang: str = "id",
                          key: str = "kampung-tematik") -> PointLayerSpec:
    """Kampung tematik, clustered, with icons by ``tema``."""
    lang = normalise_lang(lang)
    fields = _present(frame, {"nama": F_NAMA, "tema": F_TEMA}, lang)
    return PointLayerSpec(key, KAMPUNG_TITLE.text(lang), frame, fields, icon="circle",
                          cluster=True, theme_column="tema")
