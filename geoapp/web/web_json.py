"""The app's JSON provider: strict JSON, NaN and infinities become null."""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

from geoapp.store.jsonsafe import to_jsonable


class StrictJSONProvider(DefaultJSONProvider):
    """Never emits NaN/Infinity (invalid JSON); numpy values become plain numbers."""

    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        kwargs["allow_nan"] = False
        return json.dumps(to_jsonable(obj), **kwargs)
