"""Query parameters: only an allowlist of known names is accepted, each once."""

from __future__ import annotations

from flask import request

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.web.i18n import languages

BAD_PARAM = Msg(
    "layers_api.bad_param",
    "Parameter '{name}' is not accepted here. Accepted parameters: {allowed}.",
)
REPEATED_PARAM = Msg(
    "layers_api.repeated_param",
    "Parameter '{name}' was sent more than once. Send a single value.",
)
BAD_VALUE = Msg(
    "layers_api.bad_value",
    "Value '{value}' for parameter '{name}' is not in this layer's data. "
    "Accepted values: {allowed}.",
)

def check_params(allowed: tuple[str, ...]) -> dict[str, str]:
    """The query parameters as a dict; anything not in ``allowed`` (or repeated) is a 400."""
    accepted = ("lang", *allowed)
    out: dict[str, str] = {}
    for name in request.args:
        if name not in accepted:
            raise GeoappError(BAD_PARAM, 400, name=name[:40], allowed=", ".join(accepted))
        values = request.args.getlist(name)
        if len(values) > 1:
            raise GeoappError(REPEATED_PARAM, 400, name=name)
        out[name] = values[0]
    if "lang" in out and out["lang"] not in languages():
        raise GeoappError(BAD_VALUE, 400, name="lang", value=out["lang"][:40],
                          allowed=", ".join(languages()))
    return out
