"""``/embed``: the map alone for an iframe; FRAME_ANCESTORS decides who may frame it."""

from __future__ import annotations

import pytest

from geoapp.core.errors import GeoappError
from geoapp.core.settings import load_settings
from geoapp.web import create_app


def _csp(response) -> dict[str, str]:
    parts = [p.strip().split(" ", 1) for p in response.headers["Content-Security-Policy"].split(";")]
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def test_embed_is_the_map_without_navigation(shared_sample_client):
    response = shared_sample_client.get("/embed?layer=blk&k=3")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="map"' in html and "geoappMap.init(" in html
    assert "site-nav" not in html and 'id="map-controls"' not in html
    assert "Data contoh" in html and "Data sampel" not in html
    csp = _csp(response)
    assert csp["frame-ancestors"] == "'self'" and "'nonce-" in csp["script-src"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_embed_rejects_bad_parameters_like_the_map(shared_sample_client):
    assert shared_sample_client.get("/embed?layer=nope").status_code == 400


def test_frame_ancestors_setting_opens_only_the_embed_page(tmp_path, monkeypatch):
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    site = "https://www.tangerangkota.go.id"
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "LOAD_SAMPLE_DATA": False, "FRAME_ANCESTORS": ["'self'", site]})
    client = app.test_client()
    embed = client.get("/embed")
    assert _csp(embed)["frame-ancestors"] == f"'self' {site}"
    assert "X-Frame-Options" not in embed.headers
    index = client.get("/")
    assert _csp(index)["frame-ancestors"] == "'self'"
    assert index.headers["X-Frame-Options"] == "SAMEORIGIN"
    app.extensions["geoapp_db"]["engine"].dispose()


def test_frame_ancestors_values_are_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOAPP_FRAME_ANCESTORS", "'self', javascript:alert(1)")
    with pytest.raises(GeoappError) as info:
        load_settings(tmp_path, {})
    assert "FRAME_ANCESTORS" in info.value.text("en")
    monkeypatch.setenv("GEOAPP_FRAME_ANCESTORS", "https://a.example.org, 'self'")
    assert load_settings(tmp_path, {})["FRAME_ANCESTORS"] == ["https://a.example.org", "'self'"]


def test_embed_takes_a_layer_key_as_the_national_map_writes_it(shared_sample_client):
    """``layer=umkm-nilai`` (a national map link) is the UMKM layer with that variant."""
    response = shared_sample_client.get("/embed?layer=umkm-nilai&lang=id")
    assert response.status_code == 200, response.get_data(as_text=True)[-400:]
    assert '"umkm": "umkm-nilai"' in response.get_data(as_text=True)


def test_embed_bad_layer_says_what_was_sent_and_what_is_valid(shared_sample_client):
    response = shared_sample_client.get("/embed?layer=nope&lang=id")
    text = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    assert "nilai yang dikirim 'nope'; pilihan yang sah: umkm" in text
    assert "diterima" not in text
