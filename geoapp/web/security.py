"""Secret key (the setting, else one generated once and stored in the database), session cookie flags, CSRF, security headers (CSP with a per-request nonce), rate limits.

Content-Security-Policy: scripts only from the app itself or inline blocks carrying the
request's nonce (``{{ csp_nonce() }}`` in templates; the Folium map script in map.html
has it). Styles only from the app, plus the SHA-256 hashes of the static ``<style>`` blocks
found in the templates (e.g. the finder's print page). Images from the app, ``data:``
and the basemap tile host of the TILE_URL setting.

Rate limits (Flask-Limiter): LOGIN_RATE_LIMIT on failed login attempts (a successful
login does not count), UPLOAD_RATE_LIMIT on uploads and PREVIEW_RATE_LIMIT on an upload's
preview, read options, review and confirm (one budget for the four), per client address;
RATELIMIT_ENABLED (default: off when TESTING) switches them. A breach answers 429 with a
bilingual message. Counters live in the app's database (``geoapp.store.rate_limits``,
scheme ``geoapp+sql://``, the default of RATELIMIT_STORAGE_URI), so every worker and app
server of one database counts one budget; ``memory://`` counts per worker process, and
another Flask-Limiter store (``redis://...``) may be named. Behind a reverse proxy set
PROXY_FIX_X_FOR to the number of proxies, else every client shares the proxy's address
(and its limit).

The headers are set here, not with Flask-Talisman: the policy depends on the TILE_URL
setting and on hashes of the templates' static ``<style>`` blocks, which Talisman does not
compute, and its defaults (HTTPS redirect, HSTS, forced Secure cookie) would each have to
be switched off for a plain-HTTP intranet install. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.settings import BY_NAME
from geoapp.store import rate_limits
from geoapp.store.app_settings import SECRET_KEY as SECRET_SETTING
from geoapp.store.app_settings import value_made_once
from geoapp.web.db import get_engine_of

SECRET_FILE = "secret_key"
csrf = CSRFProtect()

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=(), usb=()",
}
RATE_DEFAULTS = {"LOGIN_RATE_LIMIT": "10 per minute", "UPLOAD_RATE_LIMIT": "30 per hour"}
# endpoint -> (setting, methods): what is rate-limited
RATE_LIMITED = {"auth.login": ("LOGIN_RATE_LIMIT", ["POST"]),
                "upload.new": ("UPLOAD_RATE_LIMIT", ["POST"])}
# One budget shared by the steps that read and match an upload again (issue #13):
# endpoint -> methods, all counted under PREVIEW_RATE_LIMIT.
RATE_DEFAULTS["PREVIEW_RATE_LIMIT"] = BY_NAME["PREVIEW_RATE_LIMIT"].default
PREVIEW_LIMITED = {"upload.preview": ["GET"], "upload.options": ["POST"],
                   "upload.review": ["POST"], "upload.confirm": ["POST"]}
PREVIEW_SCOPE = "upload-preview"
# endpoint -> which of its responses count against the limit (others: every request).
# A successful login (a redirect) does not count: only failed attempts use up the limit.
RATE_COUNTED = {"auth.login": lambda response: response.status_code != 302}
LIMITER_EXT = "geoapp_limiter"
CSRF_META_ENDPOINTS = frozenset({"auth.login"})  # anonymous pages that post a form

RATE_LIMITED_MSG = Msg(
    "security.rate_limited",
    "Too many attempts from your address (limit: {limit}). Wait a moment and try again.",
)
PREVIEW_RATE_LIMITED_MSG = Msg(
    "security.preview_rate_limited",
    "Too many preview and review requests from your address (limit: {limit}). Wait a "
    "minute, then open the preview again: your upload and your choices so far are kept.",
)

SHORT_SECRET = Msg(
    "security.short_secret",
    "Setting SECRET_KEY must be at least {minimum} characters long; received {length}. "
    "Make one with: python3 -c \"import secrets; print(secrets.token_hex(32))\"",
)
MIN_SECRET_LENGTH = 32

_STYLE_BLOCK = re.compile(r"<style(?:\s[^>]*)?>(.*?)</style>", re.S | re.I)
_HOST_OK = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$")


def _legacy_secret(instance_path: str | Path) -> str | None:
    """The key of the instance's ``secret_key`` file, where geoapp kept a generated key
    before it moved into the database (adopted once, so logins stay valid)."""
    try:
        text = (Path(instance_path) / SECRET_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) >= MIN_SECRET_LENGTH else None


def given_secret(config: Mapping[str, Any]) -> str:
    """The SECRET_KEY setting ('' when unset); a key too short to be safe is refused."""
    given = str(config.get("SECRET_KEY") or "").strip()
    if given and len(given) < MIN_SECRET_LENGTH:
        raise GeoappError(SHORT_SECRET, 400, minimum=MIN_SECRET_LENGTH, length=len(given))
    return given


def app_secret(config: Mapping[str, Any], engine: Engine, instance_path: str | Path) -> str:
    """The SECRET_KEY setting, else the key generated once and stored in the database
    (``store.app_settings``): the same for every app server of one database."""
    return given_secret(config) or value_made_once(
        engine, SECRET_SETTING, lambda: _legacy_secret(instance_path) or secrets.token_hex(32))


def init_secret(app: Flask, engine: Engine) -> None:
    """Set the app's secret key (after the database is open: ``web.db.init_app``)."""
    app.config["SECRET_KEY"] = app_secret(app.config, engine, app.instance_path)


def configure_security(app: Flask) -> None:
    """Cookie flags, CSRF on every state-changing request, headers; a short SECRET_KEY
    setting stops the start here (the key itself is set by ``init_secret``)."""
    given_secret(app.config)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config.get("SESSION_COOKIE_SECURE"))
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid for the session's lifetime
    csrf.init_app(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["csrf_meta_wanted"] = csrf_meta_wanted
    app.after_request(add_security_headers)
    apply_proxy_fix(app)


def apply_proxy_fix(app: Flask) -> None:
    """Trust PROXY_FIX_X_FOR reverse proxies for the client address and scheme.

    0 (the default) trusts none: X-Forwarded-* headers are ignored, so a client cannot
    pick its own address and dodge the per-address rate limits.
    """
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def csrf_meta_wanted() -> bool:
    """Whether base.html puts the CSRF token in ``<meta name="csrf-token">``.

    Only for logged-in users and pages with a form (CSRF_META_ENDPOINTS): making a token
    stores it in the session, so rendering it for everyone would give every anonymous
    visitor of the map a session cookie.
    """
    return g.get("user") is not None or request.endpoint in CSRF_META_ENDPOINTS


# ------------------------------------------------------------------------------ CSP


def csp_nonce() -> str:
    """This request's script nonce (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source for a tile URL template: ``https://tile.example.org`` or None.

    A ``{s}`` (or other placeholder) in the host becomes a ``*.`` wildcard; anything
    that is not a plain http(s) host gives None (no tile host is allowed).
    """
    if not tile_url:
        return None
    parts = urlsplit(str(tile_url).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    host = parts.netloc
    wildcard = host.startswith("{")
    if wildcard:
        host = host.split(".", 1)[1] if "." in host else ""
    if not _HOST_OK.match(host):
        return None
    return f"{parts.scheme}://{'*.' if wildcard else ''}{host}"


def style_hashes(texts: Iterable[str]) -> tuple[str, ...]:
    """CSP ``'sha256-...'`` sources for the static ``<style>`` blocks in ``texts``."""
    found: list[str] = []
    for text in texts:
        for block in _STYLE_BLOCK.findall(text):
            if "{{" in block or "{%" in block:
                continue  # a block with template code is not static: no hash can cover it
            digest = base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest())
            source = f"'sha256-{digest.decode('ascii')}'"
            if source not in found:
                found.append(source)
    return tuple(found)


@lru_cache(maxsize=4)
def template_style_hashes(template_dir: str) -> tuple[str, ...]:
    """``style_hashes`` of every template in ``template_dir`` (read once)."""
    folder = Path(template_dir)
    return style_hashes(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html")))


def build_csp(nonce: str, *, tile_url: str | None = None,
              styles: Iterable[str] = (), frame_ancestors: Iterable[str] = ("'self'",)) -> str:
    """The Content-Security-Policy header value (``frame_ancestors``: see ``allow_framing``)."""
    images = ["'self'", "data:"]
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", *styles],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-ancestors": list(frame_ancestors) or ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def allow_framing() -> None:
    """Let the current response be framed by the FRAME_ANCESTORS sites (the /embed page)."""
    g.frame_ancestors = tuple(current_app.config.get("FRAME_ANCESTORS") or ("'self'",))


def add_security_headers(response: Response) -> Response:
    ancestors = g.get("frame_ancestors") or ("'self'",)
    for name, value in SECURITY_HEADERS.items():
        if name == "X-Frame-Options" and ancestors != ("'self'",):
            continue    # frame-ancestors decides; X-Frame-Options cannot name other sites
        response.headers.setdefault(name, value)
    if "Content-Security-Policy" not in response.headers:
        styles = template_style_hashes(current_app.template_folder or "")
        response.headers["Content-Security-Policy"] = build_csp(
            csp_nonce(), tile_url=current_app.config.get("TILE_URL"), styles=styles,
            frame_ancestors=ancestors)
    return response


# ------------------------------------------------------------------------------ rate limits


def init_rate_limits(app: Flask) -> Limiter:
    """A per-app limiter on the RATE_LIMITED endpoints (call after blueprints); counters in
    the app's database (``store.rate_limits``) unless RATELIMIT_STORAGE_URI names a store."""
    for name, value in RATE_DEFAULTS.items():
        app.config.setdefault(name, value)
    app.config.setdefault("RATELIMIT_ENABLED", not app.testing)
    uri = app.config.get("RATELIMIT_STORAGE_URI") or f"{rate_limits.SCHEME}://"
    app.config["RATELIMIT_STORAGE_URI"] = uri
    options = {"engine": get_engine_of(app)} if uri.startswith(f"{rate_limits.SCHEME}:") else {}
    limiter = Limiter(get_remote_address, app=app, default_limits=[], storage_options=options)
    for endpoint, (setting, methods) in RATE_LIMITED.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            rule = limiter.limit(_setting_value(setting), methods=methods,
                                 deduct_when=RATE_COUNTED.get(endpoint))
            app.view_functions[endpoint] = rule(view)
    for endpoint, methods in PREVIEW_LIMITED.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            rule = limiter.shared_limit(_setting_value("PREVIEW_RATE_LIMIT"), PREVIEW_SCOPE,
                                        methods=methods)
            app.view_functions[endpoint] = rule(view)
    app.extensions[LIMITER_EXT] = limiter
    app.register_error_handler(RateLimitExceeded, rate_limited)
    return limiter


def _setting_value(name: str):
    return lambda: str(current_app.config.get(name) or RATE_DEFAULTS[name])


def rate_limited(exc: RateLimitExceeded) -> Response:
    """429 in the user's language, with Retry-After when known."""
    from geoapp.web.errors import render_error

    limit = getattr(getattr(exc, "limit", None), "limit", None)
    headers = {}
    current = current_app.extensions[LIMITER_EXT].current_limit
    if current is not None:
        headers["Retry-After"] = str(max(1, int(current.reset_at - time.time())))
    msg = PREVIEW_RATE_LIMITED_MSG if request.endpoint in PREVIEW_LIMITED else RATE_LIMITED_MSG
    error = GeoappError(msg, 429, limit=str(limit or exc.description or ""))
    return render_error(error, headers)
