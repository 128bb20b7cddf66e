"""The upload preview page's values: rows, reconciliation, mapping, review, decisions.

Turns a ``geoapp.imports.upload.preview.Preview`` into plain, display-ready values for
``upload_preview.html`` (numbers in the interface language, texts translated).
"""

from __future__ import annotations

import math
from typing import Any

from geoapp.core.programs import get_program
from geoapp.imports.decisions import ONLY_THIS_UPLOAD, Decision
from geoapp.imports.money_columns import format_value, is_rupiah, numeric_display
from geoapp.imports.pipeline import MatchRun, kelurahan_choices
from geoapp.imports.upload.preview import Preview
from geoapp.imports.upload.state import UploadState
from geoapp.io.records.types import ROLES, RecordTable
from geoapp.values.numbers import format_number
from geoapp.web.i18n import current_lang, tr

PREVIEW_ROWS = 20
MAX_LISTED_UNMATCHED = 100


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
            cells.append(text)
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
            "note": str(r.note[i] or "")}


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
        sums.append({"label": label, "cells": shown, "balanced": s["difference"] == 0})
    rows_off = ledger["rows"].get("difference") or 0   # rows matching lost or added
    return {"rows": fmt, "rows_difference": format_number(rows_off, lang) if rows_off else "",
            "sums": sums, "balanced": bool(ledger["balanced"]),
            "unparsed": ledger["unparsed_numbers"]}


def _mapping_view(table: RecordTable) -> list[dict[str, Any]]:
    return [{"role": role, "position": getattr(table.mapping, role),
             "header": None if getattr(table.mapping, role) is None
             else table.headers[getattr(table.mapping, role)]} for role in ROLES]


def _formats_view(table: RecordTable) -> list[tuple[str, str]]:
    return [(table.headers[p] or f"({p + 1})", f) for p, f in sorted(table.number_formats.items())]


def _unmatched_rows(preview: Preview) -> list[dict[str, Any]]:
    run = preview.run
    if run is None:
        return []
    table = run.table
    kel = table.column(table.mapping.kelurahan)
    kec = table.column(table.mapping.kecamatan)
    rows = []
    for i, status in enumerate(run.result.status):
        if status == "unmatched" and len(rows) < MAX_LISTED_UNMATCHED:
            rows.append({"position": i, "source_row": int(table.source_rows[i]),
                         "kelurahan": "" if kel is None else str(kel.iloc[i]),
                         "kecamatan": "" if kec is None else str(kec.iloc[i]),
                         "note": str(run.result.note[i] or "")})
    return rows


def _decisions_view(state: UploadState) -> list[dict[str, Any]]:
    """The planner's decisions with, for picks, the pending alias or why there is none."""
    views = []
    for d in state.decisions:
        views.append({"action": d.action, "kode": d.kode, "reason": d.reason,
                      "positions": d.positions, "alias": bool(d.alias),
                      "alias_note": alias_text(d) if d.action == "pick" else ""})
    return views


def alias_text(decision: Decision) -> str:
    """A pick's pending alias, or plainly that no alias is saved, why, and what it fixes."""
    note = decision.alias_note()
    text = "" if note is None else tr(note)
    return text if decision.alias else f"{text} {tr(ONLY_THIS_UPLOAD)}".strip()


def page_context(state: UploadState, preview: Preview) -> dict[str, Any]:
    """Everything ``upload_preview.html`` shows about one upload."""
    lang, table = current_lang(), preview.table
    return {
        "state": state,
        "program_title": tr(get_program(state.program).title),
        "problem": None if preview.problem is None else tr(preview.problem),
        "info": table.info,
        "headers": table.headers,
        "mapping": _mapping_view(table),
        "formats": _formats_view(table),
        "notes": [tr(n) for n in table.info.notes],
        "problems": [tr(n) for n in table.info.problems],
        "rows": preview_rows(preview, state.program, lang),
        "row_count": len(table),
        "ledger": ledger_view(preview, state.program, lang),
        "groups": preview.groups,
        "unmatched": _unmatched_rows(preview),
        "kelurahan_choices": kelurahan_choices(preview.run.gazetteer) if preview.run else [],
        "decisions": _decisions_view(state),
        "roles": ROLES,
        "can_confirm": preview.run is not None and preview.run.ledger["rows"]["matched"] > 0,
        "lang": lang,
    }
