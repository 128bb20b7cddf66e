"""Text responses are served gzip-compressed when the client accepts it."""

from __future__ import annotations

import gzip

import pytest

GZIP = {"Accept-Encoding": "gzip, deflate"}


@pytest.fixture
def client(shared_sample_client):
    return shared_sample_client


@pytest.mark.parametrize("url", ["/", "/api/batas.json", "/api/map/blk-peserta.json",
                                 "/static/map-page.js", "/static/map-page.css",
                                 "/static/vendor/geoapp/map.js", "/api/layers/blk-peserta.csv"])
def test_text_is_gzipped_and_decodes_to_the_same_body(client, url):
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = gzip.decompress(packed.get_data())
    if url != "/":     # the page carries a fresh CSP nonce and CSRF token each time
        assert body == plain.get_data()
    assert len(packed.get_data()) < len(body) * 0.8
    assert int(packed.headers["Content-Length"]) == len(packed.get_data())


def test_etag_stays_usable_for_304(client):
    first = client.get("/api/batas.json", headers=GZIP)
    assert first.headers["ETag"].startswith('W/"')
    again = client.get("/api/batas.json", headers={**GZIP, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_binary_and_small_bodies_are_left_alone(client):
    png = client.get("/api/layers/blk-peserta.png", headers=GZIP)
    assert png.status_code == 200 and "Content-Encoding" not in png.headers
    small = client.get("/api/map/nope.json", headers=GZIP)
    assert small.status_code == 404


def test_static_files_keep_their_304_when_gzipped(client):
    first = client.get("/static/map-page.js", headers=GZIP)
    etag = first.headers["ETag"]
    again = client.get("/static/map-page.js", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304
