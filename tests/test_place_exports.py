"""geoapp.places.exports: GeoJSON (RFC 7946), GPX 1.1, KML 2.2 and formula-safe CSV."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from geoapp.core.errors import GeoappError
from geoapp.places.exports import (
    FORMATS,
    check_format,
    csv_places,
    export_filename,
    export_places,
    geojson_places,
    gpx_places,
    kml_places,
    xml_text,
)
from geoapp.places.model import Activity, Place, PlaceQuery

GPX = "{http://www.topografix.com/GPX/1/1}"
KML = "{http://www.opengis.net/kml/2.2}"
HOSTILE = ["<img src=x onerror=alert(1)>", "]]>", "a & b", "=HYPERLINK(\"http://x\")",
           "<![CDATA[x]]>", "</name><wpt lat=\"0\" lon=\"0\">"]


def _place(i: int, name: str, **kw) -> Place:
    base = dict(id=f"kampung-{i}", name=name, kind="kampung", theme="Kampung Hijau",
                kelurahan="Sukarasa", kecamatan="Tangerang", kode="36.71.01.1001",
                kode_kecamatan="36.71.01", address="Jl. Contoh 1", contact="Ibu S (0812-1)",
                lat=-6.176648 - i / 1000, lon=106.633934 + i / 1000)
    base.update(kw)
    return Place(**base)


@pytest.fixture
def sample():
    out = [_place(i, name) for i, name in enumerate(HOSTILE)]
    out.append(_place(99, "KWT Melati", kind="kwt", theme=None, contact=None,
                      activity=(Activity("blk", 2, 2, 0, "peserta", 25.0, ("Menjahit",)),)))
    return out


def _names_in_xml(root: ET.Element, tag: str) -> list[str]:
    return [el.text for el in root.iter(tag)]


def test_gpx_waypoints(sample):
    root = ET.fromstring(gpx_places(sample, "id", sample=True))
    assert root.tag == f"{GPX}gpx" and root.get("version") == "1.1"
    wpts = root.findall(f"{GPX}wpt")
    assert len(wpts) == len(sample)
    for wpt, place in zip(wpts, sample, strict=True):
        assert float(wpt.get("lat")) == pytest.approx(place.lat)
        assert float(wpt.get("lon")) == pytest.approx(place.lon)
        assert wpt.find(f"{GPX}name").text == place.name             # escaped text, intact
    assert "CONTOH" in root.find(f"{GPX}metadata/{GPX}name").text
    desc = wpts[-1].find(f"{GPX}desc").text
    assert "Pelatihan BLK Kelurahan: 2 catatan (peserta pelatihan 25)" in desc


def test_kml_placemarks(sample):
    root = ET.fromstring(kml_places(sample, "en"))
    marks = root.findall(f"{KML}Document/{KML}Placemark")
    assert len(marks) == len(sample)
    for mark, place in zip(marks, sample, strict=True):
        assert mark.find(f"{KML}name").text == place.name
        lon, lat = mark.find(f"{KML}Point/{KML}coordinates").text.split(",")
        assert (float(lon), float(lat)) == pytest.approx((place.lon, place.lat))
    data = {d.get("name"): d.find(f"{KML}value").text
            for d in marks[-1].findall(f"{KML}ExtendedData/{KML}Data")}
    assert data["kind"] == "Women farmer group (KWT)" and "BLK" in data["activity"]


@pytest.mark.parametrize("build", [gpx_places, kml_places])
def test_xml_injection_stays_text(sample, build):
    raw = build(sample, "id")
    for bad in (b"<img", b"]]>", b"<![CDATA[", b"</name><wpt"):
        assert bad not in raw
    root = ET.fromstring(raw)
    assert [n for n in _names_in_xml(root, f"{GPX}name") + _names_in_xml(root, f"{KML}name")
            if n in HOSTILE] == HOSTILE


def test_xml_control_characters_are_dropped():
    place = _place(0, "Kampung\x0b Hijau\x00", contact="a\x1fb")
    for build in (gpx_places, kml_places):
        root = ET.fromstring(build([place], "id"))                    # would fail if kept
        assert "Kampung Hijau" in [n for n in root.itertext()]
    assert xml_text("tab\tok\nline") == "tab\tok\nline"


def test_geojson_rfc7946(sample):
    doc = json.loads(geojson_places(sample, "id"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert len(doc["features"]) == len(sample)
    for feature, place in zip(doc["features"], sample, strict=True):
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == pytest.approx((place.lon, place.lat))   # lon first
        assert feature["properties"]["name"] == place.name
    assert doc["features"][-1]["properties"]["contact"] is None       # no data -> null
    assert doc["features"][-1]["properties"]["theme"] is None


def test_csv_guard_and_content(sample):
    raw = csv_places(sample, "id")
    assert raw.startswith(b"\xef\xbb\xbf")                             # UTF-8 BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(sample)
    names = [r["name"] for r in rows]
    assert "'=HYPERLINK(\"http://x\")" in names                        # formula guarded
    assert "<img src=x onerror=alert(1)>" in names                      # plain text kept
    assert float(rows[0]["lat"]) == pytest.approx(sample[0].lat)
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())


def test_export_dispatch_and_formats(sample):
    for key in FORMATS:
        body, chosen = export_places(sample, key, "id")
        assert body and chosen.key == key
    with pytest.raises(GeoappError) as info:
        check_format("xls")
    assert info.value.status == 400 and "gpx" in info.value.text("en")


def test_export_filename_is_server_made():
    fmt = check_format("gpx")
    assert export_filename(PlaceQuery(kind="kwt"), fmt).startswith("tempat-kwt-")
    name = export_filename(PlaceQuery(q="../../etc/passwd\"; x"), fmt)
    assert name.startswith("tempat-semua-") and name.endswith(".gpx")
    assert all(c.isalnum() or c in "-." for c in name)


def test_empty_list_is_valid_everywhere():
    assert json.loads(geojson_places([]))["features"] == []
    assert ET.fromstring(gpx_places([])).findall(f"{GPX}wpt") == []
    assert ET.fromstring(kml_places([])).findall(f"{KML}Document/{KML}Placemark") == []
    assert csv_places([]).decode("utf-8-sig").startswith("name,kind")
