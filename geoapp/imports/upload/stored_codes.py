"""A reopened version's matched rows keep the kelurahan code stored with them.

``reopen_version`` writes each matched row's stored code in a column ``KODE_HEADER`` (""
for the other rows). That column is not the code column of the reopened file: the file is
matched on the evidence of its own cells (its own code column, names, coordinates), so
rows that were unmatched or to review come back so, for the same reasons. A matched row
may come back otherwise (one the planner assigned by hand: its names disagree with its
code); ``keep_stored_codes`` puts every row with a stored code back as matched to it, so a
reopened version only changes in the rows the planner fixes now. The stored-code column
holds codes but is rightly not the code column: the note suggesting to choose it as one
(``column_code_unused``) is dropped.
"""

from __future__ import annotations

from geoapp.core.i18n import Msg
from geoapp.imports.decisions import copy_run
from geoapp.imports.pipeline import MatchRun, make_run
from geoapp.matching.column_roles import CODE_COLUMN_UNUSED
from geoapp.values.codes import normalise_kode

KODE_HEADER = "Kode Wilayah (tersimpan)"
KEPT = Msg("upload.stored_kode_kept",
           "Matched as stored in the reopened version (code {kode}).")


def stored_codes(run: MatchRun) -> list[str | None]:
    """Each row's stored code (dotted; None: none, or not in the working area)."""
    table = run.table
    if KODE_HEADER not in table.headers:
        return [None] * len(run.result.status)
    column = table.cells[table.headers.index(KODE_HEADER)]
    known = run.gazetteer.by_kode
    codes = [normalise_kode(text) if isinstance(text, str) and text.strip() else None
             for text in column]
    return [kode if kode in known else None for kode in codes]


def _drop_stored_column_note(run: MatchRun) -> bool:
    """Remove the note that the stored-code column looks like an unused code column;
    whether there was one."""
    info = run.table.info
    kept = [n for n in info.column_notes
            if not (n.key == CODE_COLUMN_UNUSED.key
                and dict(n.params).get("column") == KODE_HEADER)]
    dropped = len(kept) != len(info.column_notes)
    info.column_notes = kept
    return dropped


def label_reopened_columns(run: MatchRun, kode_as_reopened: bool) -> None:
    """The column report (``table.info.column_use``) of a reopened file, told truthfully:
    the stored-code column is the stored code (use ``stored kode``) and, while
    ``kode_as_reopened`` (the planner kept the code column the reopening chose), the code
    column is used as in the reopened version (how ``reopened``), not chosen by the planner."""
    for entry in run.table.info.column_use:
        if entry["header"] == KODE_HEADER and entry["use"] in ("identifier", "ignored"):
            entry.update(use="stored kode", how="reopened")
        elif (kode_as_reopened and entry["use"] in ("kode", "kode not used")
              and entry.get("how") == "chosen"):
            entry["how"] = "reopened"


def keep_stored_codes(run: MatchRun, lang: str) -> MatchRun:
    """``run`` with every row that has a stored code matched to that code (method
    ``kode``); rows already so, and excluded (total) rows, are left as they are. The
    note that the stored-code column is an unused code column is dropped (from
    ``run.table``)."""
    out, changed = copy_run(run), _drop_stored_column_note(run)
    r = out.result
    for i, kode in enumerate(stored_codes(run)):
        if kode is None or r.status[i] == "excluded":
            continue
        if r.status[i] == "matched" and r.kode[i] == kode:
            continue
        r.status[i], r.kode[i], r.method[i], r.score[i] = "matched", kode, "kode", 100.0
        r.note[i], r.suggestions[i] = KEPT.text(lang, kode=kode), []
        changed = True
    return make_run(out.table, out.result, out.gazetteer, out.coords, lang) if changed else run
