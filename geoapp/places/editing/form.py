"""The place form: untrusted texts in, clean values out; place ids and kinds."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.places.model import KINDS

LIMITS = {"name": 120, "theme": 80, "address": 200, "contact": 120, "lat": 40, "lon": 40,
          "kelurahan": 20, "kind": 20}
_ID_RE = re.compile(r"^(kampung|kwt|ecofarm)-([0-9]{1,7})$")  # ASCII digits only

BAD_KIND = Msg("place_admin.bad_kind",
               "Place type '{value}' is not known. Choose one of: {allowed}.")
NAME_REQUIRED = Msg("place_admin.name_required",
                    "The 'name' field is empty. Write the place's name, e.g. "
                    "'Kampung Bekelir RW 05'.")
TOO_LONG = Msg("place_admin.too_long",
               "The '{name}' field is too long ({length} characters); at most {limit}.")
NOT_FOUND = Msg("place_admin.not_found",
                "Place '{place_id}' is not in the active data. Reload the list of places.")


@dataclass(frozen=True)
class PlaceInput:
    """Untrusted form texts for one place (kelurahan is a kode or empty)."""

    name: str = ""
    kind: str = ""
    theme: str = ""
    kelurahan: str = ""
    address: str = ""
    contact: str = ""
    lat: str = ""
    lon: str = ""

    @classmethod
    def from_mapping(cls, data: Any) -> PlaceInput:
        """Take the known fields from a form-like mapping (missing ones are empty)."""
        return cls(**{f: str(data.get(f) or "") for f in cls.__dataclass_fields__})


def deg(value: float) -> str:
    """Decimal degrees as the form shows them (6 decimals, about 0.1 m)."""
    return f"{value:.6f}"


def _clean(text: str, name: str) -> str:
    """One line of text without control characters; GeoappError 400 when too long."""
    chars = ("" if unicodedata.category(c).startswith("C") else c for c in str(text or ""))
    clean = " ".join("".join(chars).split())
    if len(clean) > LIMITS[name]:
        raise GeoappError(TOO_LONG, 400, name=name, length=len(clean), limit=LIMITS[name])
    return clean


def check_kind(kind: str) -> str:
    """``kind`` if it is one of KINDS, else a 400 naming the allowed ones."""
    value = str(kind or "").strip().lower()
    if value not in KINDS:
        raise GeoappError(BAD_KIND, 400, value=str(kind)[:30], allowed=", ".join(KINDS))
    return value


def parse_place_id(place_id: str) -> tuple[str, int]:
    """``kampung-12`` -> ("kampung", 12); 404 for anything else."""
    found = _ID_RE.match(str(place_id or ""))
    if not found:
        raise GeoappError(NOT_FOUND, 404, place_id=str(place_id)[:40])
    return found.group(1), int(found.group(2))


def clean_input(values: PlaceInput) -> PlaceInput:
    """Every field cleaned (one line, bounded length); the name is required, the kind known."""
    clean = {f: _clean(getattr(values, f), f) for f in PlaceInput.__dataclass_fields__}
    if not clean["name"]:
        raise GeoappError(NAME_REQUIRED, 400)
    clean["kind"] = check_kind(clean["kind"])
    return PlaceInput(**clean)

