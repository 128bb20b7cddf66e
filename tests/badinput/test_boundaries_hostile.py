"""Hostile boundary files given to the boundaries loader (GeoJSON/GPKG/zipped Shapefile).

Zip bombs are refused from the declared sizes before anything is unpacked; OGR VRT, KML
and other XML never reach GDAL; GeoPackages with views or foreign triggers are refused;
member names are never used as paths.
"""

from __future__ import annotations

import pytest
from corpus import (
    GPKG_TRIGGER,
    GPKG_VIEW,
    KML_ENTITIES,
    VRT_LOCAL,
    VRT_URL,
    gpkg_bytes,
    shapefile_declared_huge,
    shapefile_many_members,
    shapefile_members,
    shapefile_ratio_bomb,
    shapefile_traversal_names,
    zip_of,
    zip_only_vrt,
    zip_with_vrt,
)

from geoapp.core.errors import GeoappError
from geoapp.io.boundaries import load_boundaries

CASES = [
    ("shp-zip-ratio-bomb", shapefile_ratio_bomb, 413, "compression ratio"),
    ("shp-zip-many-members", shapefile_many_members, 413, "files (limit"),
    ("shp-zip-declared-huge", shapefile_declared_huge, 413, "bytes uncompressed"),
    ("zip-with-vrt", zip_with_vrt, 415, "kel.vrt"),
    ("zip-only-vrt", zip_only_vrt, 415, "kel.vrt"),
    ("vrt-local-as-geojson", lambda: VRT_LOCAL, 415, "XML/VRT"),
    ("vrt-url-as-geojson", lambda: VRT_URL, 415, "XML/VRT"),
    ("kml-with-entities", lambda: KML_ENTITIES, 415, "XML/VRT"),
    ("gpkg-with-view", lambda: gpkg_bytes(GPKG_VIEW), 415, "secrets"),
    ("gpkg-with-trigger", lambda: gpkg_bytes(GPKG_TRIGGER), 415, "evil"),
    ("geojson-not-features", lambda: b'{"type": "GeometryCollection", "geometries": []}', 415,
     "GeometryCollection"),
    ("geojson-deep-nesting", lambda: b'{"type": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     415, "JSON"),
    ("truncated-gpkg", lambda: gpkg_bytes()[:3000], 422, ""),
    ("empty", lambda: b"", 400, ""),
]


@pytest.mark.parametrize("factory,status,detail", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_hostile_boundary_file_is_refused(factory, status, detail):
    with pytest.raises(GeoappError) as caught:
        load_boundaries(factory(), filename="batas")
    assert caught.value.status == status
    text_id, text_en = caught.value.text("id"), caught.value.text("en")
    assert detail in text_en and text_id != text_en
    assert "root:" not in text_id + text_en              # /etc/passwd never read


def test_zip_member_names_are_not_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    loaded = load_boundaries(shapefile_traversal_names(), filename="batas.zip")
    assert len(loaded.frame) == 3
    assert not (tmp_path.parent.parent / "tmp" / "evil").exists()
    assert list(tmp_path.iterdir()) == []


def test_control_case_clean_shapefile_loads():
    assert len(load_boundaries(zip_of(shapefile_members()), filename="ok.zip").frame) == 3
    assert len(load_boundaries(gpkg_bytes(), filename="ok.gpkg").frame) == 3
