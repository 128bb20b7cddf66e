"""JSON that is safe to place inside an HTML ``<script>`` element."""

from __future__ import annotations

import json

_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(obj: object) -> str:
    """Compact JSON with ``< > & '`` and U+2028/2029 escaped, so no text can close the script."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _UNSAFE.items():
        text = text.replace(raw, escaped)
    return text
