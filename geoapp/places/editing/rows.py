"""The stored row of a saved place, in the program's own columns (added when missing)."""

from __future__ import annotations

from typing import Any

from geoapp.places.editing.checking import CheckedPlace
from geoapp.places.editing.listing import ProgramRows

# The header appended when a dataset has no column for a field yet.
_DEFAULT_HEADERS = {"name": "Nama", "theme": "Tema", "address": "Alamat", "contact": "Kontak",
                    "kelurahan": "Kelurahan", "kecamatan": "Kecamatan", "lat": "Lintang",
                    "lon": "Bujur"}
ROW_NOTE = "Diisi lewat formulir tempat oleh {user}."


def _ensure_column(prog: ProgramRows, headers: list[str], cols: dict[str, int | None],
                   key: str) -> int:
    """The position of ``key``'s column, appending a header when the dataset lacks it."""
    if cols.get(key) is None:
        default = _DEFAULT_HEADERS[key]
        if key == "theme" and prog.kind != "kampung":
            default = "Jenis"
        headers.append(default)
        cols[key] = len(headers) - 1
    return int(cols[key])


def _cell_values(checked: CheckedPlace) -> dict[str, str]:
    """Field -> the text stored in its cell (kelurahan and kecamatan by name)."""
    v = checked.values
    return {"name": v.name, "theme": v.theme, "address": v.address, "contact": v.contact,
            "kelurahan": checked.nama, "kecamatan": checked.nama_kecamatan,
            "lat": v.lat, "lon": v.lon}


def place_row(prog: ProgramRows, headers: list[str], cols: dict[str, int | None],
              checked: CheckedPlace, base: dict[str, Any] | None, position: int,
              user: str) -> dict[str, Any]:
    """The stored row of a saved place; other cells and measures of ``base`` are kept.

    ``headers`` and ``cols`` are the new version's: a missing column is appended to both.
    """
    cells = list(base["cells"]) if base else []
    for key, text in _cell_values(checked).items():
        if not text and cols.get(key) is None:
            continue                              # nothing to store, no column needed
        pos = _ensure_column(prog, headers, cols, key)
        cells += [""] * (pos + 1 - len(cells))
        cells[pos] = text
    measures = dict(base["measures"]) if base else dict.fromkeys(prog.measures)
    return {"position": position, "source_row": base["source_row"] if base else None,
            "cells": cells, "kode": checked.kode, "status": "matched", "method": "koordinat",
            "score": 100.0, "note": ROW_NOTE.format(user=user), "suggestions": [],
            "measures": measures, "lat": checked.lat, "lon": checked.lon, "is_total": False}
