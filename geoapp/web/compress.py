"""gzip for text responses (HTML, JSON, GeoJSON, CSS, JS, SVG, CSV) when the client accepts it.

A small ``after_request`` hook instead of Flask-Compress: the rules are few and ours
(skip small bodies, ranges, streams and already-encoded bodies; keep ETags usable).
The ETag of a compressed body becomes weak (``W/"..."``): the bytes differ from the
identity body, and ``If-None-Match`` uses the weak comparison, so 304s still work.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = ("text/", "application/json", "application/geo+json", "application/javascript",
                "application/manifest+json", "application/xml", "image/svg+xml")
MIN_BYTES = 500
MAX_BYTES = 32 * 1024 * 1024
LEVEL = 6


def _wanted(response: Response) -> bool:
    mimetype = response.mimetype or ""
    return (mimetype.startswith(COMPRESSIBLE) and response.status_code == 200
            and "Content-Encoding" not in response.headers
            and "Content-Range" not in response.headers
            and (response.direct_passthrough or not response.is_streamed))


def compress_response(response: Response) -> Response:
    """The response gzip-encoded when it is text and the client accepts gzip."""
    if not _wanted(response):
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:
        return response
    length = response.content_length
    if length is not None and not MIN_BYTES <= length <= MAX_BYTES:
        return response
    response.direct_passthrough = False
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    """Compress every eligible response of the app."""
    app.after_request(compress_response)
