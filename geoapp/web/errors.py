"""One error handler: GeoappError and HTTP errors as HTML or JSON, never a traceback.

JSON (``{"error", "status", "message"}``) is sent for /api/ paths and for clients
that prefer JSON over HTML; everyone else gets templates/error.html.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.web.i18n import current_lang

NOT_FOUND = Msg("http.not_found", "Page or data not found. Check the address.")
METHOD = Msg("http.method", "Method {method} is not allowed here. Allowed: {allowed}.")
TOO_LARGE = Msg("http.too_large",
                "The file or form is too large. The limit is {limit} MB; "
                "make it smaller or split it.")
# The CSRF library's own reason is English; these say the same in both languages.
CSRF = Msg("http.csrf",
           "The form expired or is not valid (the CSRF token does not match). Reload the page "
           "and submit again.")
CSRF_MISSING = Msg("http.csrf_missing",
                   "The form is not valid (the CSRF token is missing). Reload the page and "
                   "submit again.")
BAD_REQUEST = Msg("http.bad_request", "The request is not valid.")
GENERIC = Msg("http.generic", "The request could not be handled (code {code}).")
INTERNAL = Msg("http.internal",
               "Something went wrong on the server. It has been logged; please try again later.")


def wants_json() -> bool:
    """API paths and clients that rank JSON above HTML get JSON."""
    if request.path.startswith("/api/") or request.path == "/api":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and (
        request.accept_mimetypes["application/json"] > request.accept_mimetypes["text/html"]
    )


def render_error(error: GeoappError, headers: dict[str, str] | None = None) -> Response:
    """The response for one GeoappError, in the current language."""
    lang = current_lang()
    if wants_json():
        response = current_app.json.response(error.as_dict(lang))
    else:
        response = Response(_error_page(error, lang), mimetype="text/html")
    response.status_code = error.status
    response.headers.update(headers or {})
    return response


def _error_page(error: GeoappError, lang: str) -> str:
    try:
        return render_template("error.html", error=error, message=error.text(lang))
    except Exception:  # the error page itself failed: plain, escaped text
        current_app.logger.exception("error.html failed")
        return f"<!doctype html><title>{error.status}</title><p>{escape(error.text(lang))}</p>"


def _http_error(exc: HTTPException) -> GeoappError:
    code = exc.code or 500
    if isinstance(exc, CSRFError):
        return GeoappError(_csrf_msg(exc), 400)
    if code == 404:
        return GeoappError(NOT_FOUND, 404)
    if code == 405:
        allowed = ", ".join(getattr(exc, "valid_methods", None) or [])
        return GeoappError(METHOD, 405, method=request.method, allowed=allowed or "-")
    if code == 413:
        limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024)
        return GeoappError(TOO_LARGE, 413, limit=f"{limit:g}")
    if code == 400:
        return GeoappError(BAD_REQUEST, 400)
    if code >= 500:
        return GeoappError(INTERNAL, code)
    return GeoappError(GENERIC, code, code=code)


def _csrf_msg(exc: CSRFError) -> Msg:
    """The bilingual message for a CSRF failure (never the library's English reason)."""
    text = (exc.description or "").lower()
    return CSRF_MISSING if "missing" in text else CSRF


def handle_geoapp_error(exc: GeoappError) -> Response:
    return render_error(exc)


def handle_http_error(exc: HTTPException) -> Response:
    headers = {}
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    return render_error(_http_error(exc), headers)


def handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return render_error(GeoappError(INTERNAL, 500))


def init_app(app: Flask) -> None:
    app.register_error_handler(GeoappError, handle_geoapp_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
