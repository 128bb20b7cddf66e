"""The upload preview page's values, as plain JSON-able data in one language.

``preview_view`` turns a ``Preview`` (one read + match) into what ``upload_preview.html``
shows: the read options, the first rows (numbers in the interface format), the
reconciliation, the review groups, the unmatched rows. It is what ``view_cache`` keeps
with the upload, so a page view does not read and match the file again.

What one page may hold is bounded: at most ``PREVIEW_ROWS`` rows, ``MAX_LISTED_GROUPS``
review groups (most rows first; the rest come up once these are decided) and one page of
``MAX_LISTED_UNMATCHED`` unmatched rows (``unmatched_page``: the others are on the next
pages, so every unmatched row of a large file can be reached), and every text shown is
cut to ``MAX_TEXT`` characters (the stored data keeps the full texts).
"""

from __future__ import annotations

import math
from typing import Any

from geoapp.core.programs import get_program
from geoapp.imports.decisions import ONLY_THIS_UPLOAD, Decision
from geoapp.imports.history import run_years, year_column, year_source_text
from geoapp.imports.money_columns import format_value, is_rupiah, numeric_display
from geoapp.imports.pipeline import MatchRun, kelurahan_choices
from geoapp.imports.review import ReviewGroup
from geoapp.imports.upload.preview import Preview
from geoapp.imports.upload.state import UploadState
from geoapp.io.records.types import ROLES, RecordTable
from geoapp.values.numbers import format_number

PREVIEW_ROWS = 20
MAX_CHOICES = 3_000   # more kelurahan (a province, the country): the code is typed instead
MAX_LISTED_UNMATCHED = 100
MAX_LISTED_GROUPS = 100
MAX_TEXT = 200


def short(text: object, limit: int = MAX_TEXT) -> str:
    """A text for display, cut to ``limit`` characters (an ellipsis marks the cut)."""
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def preview_rows(preview: Preview, program: str, lang: str) -> list[dict[str, Any]]:
    """The first rows: cells (numbers as parsed, in the interface format) and the outcome."""
    table, run = preview.table, preview.run
    numeric = numeric_display(table, program)
    rows = []
    for i in range(min(PREVIEW_ROWS, len(table))):
        cells = []
        for p in range(len(table.headers)):
            text = str(table.cells.iat[i, p])
            if p in numeric and text.strip():
                value = table.numeric[p][i]
                text = text if math.isnan(value) else format_value(value, numeric[p], lang)
            cells.append(short(text))
        rows.append({"source_row": int(table.source_rows[i]), "cells": cells,
                     **_outcome(run, i)})
    return rows


def _outcome(run: MatchRun | None, i: int) -> dict[str, Any]:
    """Row ``i``'s status, kelurahan and note (blank when the run has no outcome for it;
    the ledger then shows the row difference)."""
    if run is None or i >= len(run.result.status):
        return {"status": "", "kelurahan": "", "note": ""}
    r = run.result
    return {"status": str(r.status[i]), "kelurahan": _kelurahan_name(run, r.kode[i]),
            "note": short(r.note[i] or "")}


def _kelurahan_name(run: MatchRun, kode: str | None) -> str:
    gaz = run.gazetteer
    index = gaz.by_kode.get(kode) if kode else None
    return "" if index is None else f"{gaz.nama[index]} ({gaz.nama_kecamatan[index]})"


def ledger_view(preview: Preview, program: str, lang: str) -> dict[str, Any] | None:
    """Row counts and sums per numeric column, formatted for display."""
    if preview.run is None:
        return None
    ledger = preview.run.ledger
    fmt = {k: format_number(v, lang) for k, v in ledger["rows"].items()}
    sums = []
    for label, s in ledger["sums"].items():
        rupiah = is_rupiah(label, program)
        shown = {k: format_value(v, rupiah, lang) for k, v in s.items()}
        sums.append({"label": short(label), "cells": shown, "balanced": s["difference"] == 0})
    rows_off = ledger["rows"].get("difference") or 0   # rows matching lost or added
    return {"rows": fmt, "rows_difference": format_number(rows_off, lang) if rows_off else "",
            "sums": sums, "balanced": bool(ledger["balanced"]),
            "non_data": [{"row": int(r["row"]), "text": short(r["text"])}
                         for r in ledger.get("non_data_rows", [])[:MAX_LISTED_UNMATCHED]],
            "unparsed": {short(k): int(n) for k, n in ledger["unparsed_numbers"].items()}}


def _mapping_view(table: RecordTable) -> list[dict[str, Any]]:
    views = []
    for role in ROLES:
        position = getattr(table.mapping, role)
        views.append({"role": role, "position": position,
                      "header": None if position is None else short(table.headers[position])})
    return views


def _formats_view(table: RecordTable) -> list[list[str]]:
    return [[short(table.headers[p] or f"({p + 1})"), f]
            for p, f in sorted(table.number_formats.items())]


def unmatched_page_view(preview: Preview, page: int = 1) -> dict[str, Any]:
    """One page (1-based; past the last: the last) of the unmatched rows, and how many
    there are and pages they fill."""
    run = preview.run
    positions = [] if run is None else [
        i for i, status in enumerate(run.result.status) if status == "unmatched"]
    pages = max(1, math.ceil(len(positions) / MAX_LISTED_UNMATCHED))
    page = min(max(page, 1), pages)
    start = (page - 1) * MAX_LISTED_UNMATCHED
    shown = positions[start:start + MAX_LISTED_UNMATCHED]
    return {"unmatched": [_unmatched_row(run, i) for i in shown] if run else [],
            "unmatched_columns": [] if run is None else _unmatched_columns(run.table),
            "unmatched_total": len(positions), "unmatched_page": page,
            "unmatched_pages": pages, "unmatched_first": start + 1 if shown else 0,
            "unmatched_last": start + len(shown)}


# Place columns an unmatched row shows besides its kelurahan and kecamatan, when the file
# has them: the planner sees where the row says it is.
UNMATCHED_EXTRA = ("kabupaten", "provinsi")


def _unmatched_columns(table: RecordTable) -> list[str]:
    """The roles of ``UNMATCHED_EXTRA`` the file has a column for."""
    return [role for role in UNMATCHED_EXTRA if getattr(table.mapping, role) is not None]


def _unmatched_row(run: MatchRun, i: int) -> dict[str, Any]:
    table = run.table
    kel = table.column(table.mapping.kelurahan)
    kec = table.column(table.mapping.kecamatan)
    extra = {role: short(table.column(getattr(table.mapping, role)).iloc[i])
             for role in _unmatched_columns(table)}
    return {"position": i, "source_row": int(table.source_rows[i]),
            "kelurahan": "" if kel is None else short(kel.iloc[i]),
            "kecamatan": "" if kec is None else short(kec.iloc[i]),
            "places": extra, "note": short(run.result.note[i] or "")}


def _group_view(group: ReviewGroup) -> dict[str, Any]:
    return {"name": short(group.name), "kecamatan": short(group.kecamatan), "rows": group.rows,
            "note": short(group.note), "row_indexes": [int(i) for i in group.row_indexes],
            "suggestions": [{"kode": s.kode, "nama": s.nama, "nama_kecamatan": s.nama_kecamatan,
                             "score": float(s.score)} for s in group.suggestions[:3]]}


def _info_view(table: RecordTable) -> dict[str, Any]:
    info = table.info
    return {"file_format": info.file_format, "encoding": info.encoding,
            "delimiter": info.delimiter, "sheet": info.sheet, "sheets": list(info.sheets or []),
            "header_row": info.header_row, "header_row_detected": info.header_row_detected}


def columns_view(table: RecordTable, program: str) -> list[dict[str, Any]]:
    """Every input column with what it was used for and why (``matching.column_roles``):
    use is a role (kelurahan, kecamatan, kode, coordinates), ``kode not used``, year,
    measure, identifier or ignored; how is header, content or chosen."""
    year = year_column(program, table)
    out = []
    for entry in table.info.column_use:
        use = entry["use"]
        use = "coordinates" if use in ("lat", "lon") else use
        how = entry.get("how", "")
        if entry["column"] - 1 == year and use in ("measure", "identifier", "ignored"):
            use, how = "year", "header"
        out.append({"column": entry["column"], "header": short(entry["header"]), "use": use,
                    "how": how, "reason": entry.get("reason", "")})
    return out


def preview_view(preview: Preview, program: str, lang: str,
                 year: str | None = None, unmatched_page: int = 1) -> dict[str, Any]:
    """Everything ``upload_preview.html`` shows about one read + match (JSON-able);
    ``year``: the year of rows without a year cell (``state.upload_year``);
    ``unmatched_page``: which page of the unmatched rows (``unmatched_page_view``)."""
    table, run = preview.table, preview.run
    groups = preview.groups
    return {
        "program_title": get_program(program).title.text(lang),
        "problem": None if preview.problem is None else preview.problem.text(lang),
        "info": _info_view(table),
        "headers": [short(h) for h in table.headers],
        "mapping": _mapping_view(table),
        "formats": _formats_view(table),
        "columns": columns_view(table, program),
        "notes": [n.text(lang) for n in table.info.notes + table.info.column_notes],
        "problems": [n.text(lang) for n in table.info.problems],
        "rows": preview_rows(preview, program, lang),
        "row_count": len(table),
        "ledger": ledger_view(preview, program, lang),
        "groups": [_group_view(g) for g in groups[:MAX_LISTED_GROUPS]],
        "groups_total": len(groups),
        **unmatched_page_view(preview, unmatched_page),
        **_choices_view(run),
        "can_confirm": run is not None and run.ledger["rows"]["matched"] > 0,
        "year": year or "",
        "years": run_years(program, table, year, None if run is None else run.result.status),
        "year_source": year_source_text(program, table, year or "", lang),
    }


def _choices_view(run: MatchRun | None) -> dict[str, Any]:
    """The kelurahan the planner may assign: a list to choose from, or, for a working area
    of more than ``MAX_CHOICES`` (too long a list for each row), the code typed."""
    count = 0 if run is None else len(run.gazetteer.kode)
    typed = count > MAX_CHOICES
    choices = [] if run is None or typed else [list(c) for c in kelurahan_choices(run.gazetteer)]
    return {"kelurahan_choices": choices, "kelurahan_typed": typed, "kelurahan_count": count}


def alias_text(decision: Decision, lang: str) -> str:
    """A pick's pending alias, or plainly that no alias is saved, why, and what it fixes."""
    note = decision.alias_note()
    text = "" if note is None else note.text(lang)
    return text if decision.alias else f"{text} {ONLY_THIS_UPLOAD.text(lang)}".strip()


def decisions_view(state: UploadState, lang: str) -> list[dict[str, Any]]:
    """The planner's decisions with, for picks, the pending alias or why there is none."""
    return [{"action": d.action, "kode": d.kode, "reason": d.reason, "positions": d.positions,
             "alias": bool(d.alias), "alias_note": alias_text(d, lang) if d.action == "pick" else ""}
            for d in state.decisions]
