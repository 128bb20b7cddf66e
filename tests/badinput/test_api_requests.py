"""Hostile API requests: field/sort injection, repeated and unknown parameters, odd paths.

Only allowlisted parameter names and values present in the data are accepted (400
otherwise, JSON with a message in the interface language); nothing is a 500 and no
stored data changes.
"""

from __future__ import annotations

import pytest
from badinput_support import snapshot

LAYER = "umkm-kelompok-km2"

CASES = [
    ("sort-injection", f"/api/layers/{LAYER}?sort=kode;drop", 400, "tidak dikenal"),
    ("fields-dunder", f"/api/layers/{LAYER}.geojson?fields=__class__", 400, "tidak dikenal"),
    ("kecamatan-or", f"/api/layers/{LAYER}?kecamatan=' OR 1=1", 400, "tidak ada di data"),
    ("kecamatan-or-csv", f"/api/layers/{LAYER}.csv?kecamatan=' OR 1=1--", 400,
     "tidak ada di data"),
    ("year-injection", f"/api/layers/{LAYER}?year=2020);DROP TABLE datasets", 400,
     "tidak ada di data"),
    ("repeated-param", f"/api/layers/{LAYER}?year=2020&year=2021", 400, "lebih dari sekali"),
    ("list-order-by", "/api/layers?order_by=id desc", 400, "tidak dikenal"),
    ("kelurahan-fields", "/api/kelurahan?fields=__dict__", 400, "tidak dikenal"),
    ("kelurahan-kecamatan", "/api/kelurahan?kecamatan=' OR 1=1", 400, "tidak dikenal"),
    ("batas-callback", "/api/batas.json?callback=alert", 400, "tidak dikenal"),
    ("png-scheme", f"/api/layers/{LAYER}.png?scheme=__import__('os')", 400,
     "tidak ada di data"),
    ("png-k", f"/api/layers/{LAYER}.png?k=10**9", 400, "tidak ada di data"),
    ("lang-injection", f"/api/layers/{LAYER}?lang=en';--", 400, "tidak ada di data"),
    ("format-injection", f"/api/layers/{LAYER}.py", 404, "tidak tersedia"),
    ("kode-injection", "/api/kelurahan/36.71' OR '1'='1", 400, "36.71"),
    ("program-injection", "/api/datasets?program=' OR 1=1", 400, "' OR 1=1"),
    ("compare-injection", "/api/compare?a=1;drop&b=2", 400, "nomor dataset"),
    ("dataset-id-path", "/api/datasets/1;DROP", 404, "tidak ditemukan"),
]


@pytest.mark.parametrize("url,status,expected", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_injection_parameters_are_refused(hostile_app, url, status, expected):
    client = hostile_app.test_client()
    before = snapshot(hostile_app)
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert body["status"] == status and expected in body["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    assert snapshot(hostile_app) == before


def test_refusal_in_english(hostile_app):
    client = hostile_app.test_client()
    response = client.get(f"/api/layers/{LAYER}?sort=kode;drop&lang=en")
    assert response.status_code == 400
    assert "is not accepted here" in response.get_json()["message"]
    client.get("/?lang=en")
    response = client.get(f"/api/layers/{LAYER}?kecamatan=' OR 1=1")
    assert "is not in this layer's data" in response.get_json()["message"]


def test_allowlisted_filter_still_works(hostile_app):
    client = hostile_app.test_client()
    assert client.get(f"/api/layers/{LAYER}?kecamatan=36.71.01").status_code == 200


def test_datasets_api_refuses_unknown_parameters(hostile_app):
    assert hostile_app.test_client().get("/api/datasets?sort=kode;drop").status_code == 400
