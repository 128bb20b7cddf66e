from collections import defaultdict

import numpy as np
from shapely.geometry import MultiPolygon, Polygon
from test_maps_support import kecamatan_layer, kelurahan_layer

from geoapp.maps import boundaries_payload
from geoapp.maps.geometry import decode_geometry, decode_ring, encode_geometry, encode_ring


def test_encoding_matches_the_reference_polyline_example():
    lonlat = np.array([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)])
    assert encode_ring(lonlat) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"


def test_ring_is_closed_again_and_negative_deltas_survive():
    ring = [(106.6, -6.2), (106.59999, -6.20001), (106.7, -6.1), (106.6, -6.2)]
    decoded = decode_ring(encode_ring(np.array(ring)))
    assert np.allclose(decoded, ring, atol=1e-9)


def test_real_kelurahan_roundtrip_within_1e5_degree():
    kel = kelurahan_layer()
    for geom in kel.geometry:
        back = decode_geometry(encode_geometry(geom))
        orig = np.asarray(geom.exterior.coords)
        got = np.asarray(back.exterior.coords)
        assert orig.shape == got.shape
        assert np.abs(orig - got).max() <= 0.5e-5 + 1e-12
        assert back.is_valid


def test_shared_vertices_stay_identical_across_neighbours():
    kel = kelurahan_layer()
    owners = defaultdict(set)
    for i, geom in enumerate(kel.geometry):
        for xy in geom.exterior.coords:
            owners[xy].add(i)
    decoded = [decode_geometry(encode_geometry(g)) for g in kel.geometry]
    shared = 0
    for i, geom in enumerate(kel.geometry):
        pairs = zip(geom.exterior.coords, decoded[i].exterior.coords, strict=True)
        for orig, new in pairs:
            if len(owners[orig]) > 1:
                shared += 1
                for j in owners[orig]:
                    assert new in set(decoded[j].exterior.coords)
    assert shared > 1000


def test_multipolygon_and_holes_survive():
    outer = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
    hole = [(0.2, 0.2), (0.2, 0.4), (0.4, 0.4), (0.4, 0.2), (0.2, 0.2)]
    geom = MultiPolygon([Polygon(outer, [hole]), Polygon([(2, 2), (3, 2), (3, 3), (2, 2)])])
    back = decode_geometry(encode_geometry(geom))
    assert back.equals(geom)


def test_boundaries_payload_has_every_feature_once():
    payload = boundaries_payload(kelurahan_layer(), kecamatan_layer())
    assert len(payload["kel"]["kode"]) == len(payload["kel"]["geom"]) == 104
    assert len(set(payload["kel"]["kode"])) == 104
    assert len(payload["kec"]["kode"]) == 13
    assert payload["precision"] == 5
