"""The one palette module: program palettes and theme colours that do not follow filters."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
from shapely.geometry import Point

from geoapp.maps.palettes import (
    PROGRAM_PALETTES,
    QUALITATIVE,
    SEQUENTIAL,
    program_palette,
    theme_order,
    theme_style,
)
from geoapp.maps.points import point_payload
from geoapp.maps.presets import kampung_tematik_layer

ALL = ["Kampung Hijau", "Kampung Bekelir", "Kampung Tahu", "Kampung Batik"]


def test_every_program_palette_is_a_colour_blind_safe_sequential_one():
    assert set(PROGRAM_PALETTES.values()) <= set(SEQUENTIAL)
    assert program_palette("blk") == "YlOrRd" and program_palette("other") == "YlGnBu"


def test_theme_colour_depends_on_the_theme_not_on_what_is_visible():
    whole = {t: theme_style(t, ALL) for t in ALL}
    assert len(set(whole.values())) == len(ALL)
    for t in ALL:   # the same order given in any order, or with other themes filtered away
        assert theme_style(t, reversed(ALL)) == whole[t]
    assert theme_order([" b ", "a", "", "b"]) == ("a", "b")
    unknown = theme_style("Kampung Baru", ALL)
    assert unknown == theme_style("Kampung Baru", ALL) and unknown[0] in QUALITATIVE


def _kampung(themes: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"nama": [f"K{i}" for i in range(len(themes))], "tema": themes},
                            geometry=[Point(106.63, -6.17)] * len(themes), crs=4326)


def test_point_payload_keeps_theme_colours_when_a_filter_removes_themes():
    spec = kampung_tematik_layer(_kampung(ALL))
    full, _ = point_payload(replace(spec, theme_order=tuple(ALL)), "id")
    part_spec = kampung_tematik_layer(_kampung(["Kampung Tahu"]))
    part, _ = point_payload(replace(part_spec, theme_order=tuple(ALL)), "id")
    colour = {t["label"]: (t["color"], t["shape"]) for t in full["themes"]}
    assert part["themes"][0]["label"] == "Kampung Tahu"
    assert (part["themes"][0]["color"], part["themes"][0]["shape"]) == colour["Kampung Tahu"]
