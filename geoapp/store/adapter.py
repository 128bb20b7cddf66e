"""Turn a pipeline ``MatchRun`` into the row dicts ``stage_import`` stores.

Uses only ``run.table`` (RecordTable), ``run.result`` (MatchResult) and ``run.coords``
(``geoapp.values.coords.Coordinates`` or None) attributes, so the store does not depend on how
the rows were produced. Coordinates have one parsing path: ``geoapp.values.coords``.
"""

from __future__ import annotations

import math
from typing import Any

from geoapp.store.jsonsafe import to_jsonable


def measure_names(headers: list[str], positions: list[int]) -> dict[int, str]:
    """Column position -> unique measure name (the header; duplicates get ' (2)', ...)."""
    names: dict[int, str] = {}
    used: set[str] = set()
    for pos in positions:
        base = str(headers[pos]).strip() if pos < len(headers) else ""
        base = base or f"kolom {pos + 1}"
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base} ({n})"
        used.add(name)
        names[pos] = name
    return names


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


_LIMITS = {"lat": 90.0, "lon": 180.0}


def _checked(value: Any, role: str) -> float | None:
    """A finite, in-range decimal degree, else None."""
    number = _float(value)
    return number if number is not None and abs(number) <= _LIMITS[role] else None


def coordinates_of(run, n: int) -> list[tuple[float | None, float | None]]:
    """Per-row (lat, lon) from the pipeline's parsed ``run.coords`` (DMS, UTM and swapped
    columns already corrected); (None, None) when the run has no coordinates or a row's
    pair is incomplete, non-finite or out of range."""
    coords = getattr(run, "coords", None)
    if coords is None:
        return [(None, None)] * n
    out: list[tuple[float | None, float | None]] = []
    for i in range(n):
        lat = _checked(coords.lat[i], "lat") if i < len(coords.lat) else None
        lon = _checked(coords.lon[i], "lon") if i < len(coords.lon) else None
        out.append((lat, lon) if lat is not None and lon is not None else (None, None))
    return out


def _suggestions(items) -> list[dict[str, Any]]:
    return [to_jsonable(s) for s in (items or [])]


def rows_from_run(run) -> list[dict[str, Any]]:
    """One dict per input row (total rows included), aligned with ``run.table.cells``.

    Measures are the numeric columns except those mapped as kode/lat/lon. Latitude and
    longitude are the pipeline's parsed coordinates (``run.coords``), never re-read.
    """
    table, result = run.table, run.result
    roles = {getattr(table.mapping, r, None) for r in ("kode", "lat", "lon")}
    positions = sorted(p for p in table.numeric if p not in roles)
    names = measure_names(list(table.headers), positions)
    cells = table.cells.to_numpy(dtype=object).tolist()
    points = coordinates_of(run, len(cells))
    rows: list[dict[str, Any]] = []
    for i in range(len(cells)):
        score = _float(result.score[i])
        rows.append({
            "position": i,
            "source_row": int(table.source_rows[i]),
            "cells": ["" if v is None else str(v) for v in cells[i]],
            "kode": result.kode[i] or None,
            "status": str(result.status[i]),
            "method": str(result.method[i] or ""),
            "score": score,
            "note": str(result.note[i] or ""),
            "suggestions": _suggestions(result.suggestions[i] if i < len(result.suggestions) else []),
            "measures": {names[p]: _float(table.numeric[p][i]) for p in positions},
            "lat": points[i][0],
            "lon": points[i][1],
            "is_total": bool(table.is_total[i]),
        })
    return rows
