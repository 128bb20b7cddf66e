"""A reopened version's matched rows keep the kelurahan code stored with them.

``reopen_version`` writes each matched row's stored code in a column ``KODE_HEADER``.
Reading it back, the matcher weighs a code against the written names, as for any file:
a row the planner once assigned by hand (its names disagree with its code) would come
back to review, and a column where many rows disagree would not be used at all.
``keep_stored_codes`` puts every such row back as matched with its stored code, so a
reopened version only changes in the rows the planner fixes now.
"""

from __future__ import annotations

from geoapp.core.i18n import Msg
from geoapp.imports.decisions import copy_run
from geoapp.imports.pipeline import MatchRun, make_run
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


def keep_stored_codes(run: MatchRun, lang: str) -> MatchRun:
    """``run`` with every row that has a stored code matched to that code (method
    ``kode``); rows already so, and excluded (total) rows, are left as they are."""
    out, changed = copy_run(run), False
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
