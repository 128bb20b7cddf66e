"""Upload, preview, review and confirm a program file in the browser (planners only).

Routes below /data: ``/upload`` (form), ``/upload/<token>`` (preview + review),
``/upload/<token>/{options,review,confirm,discard}`` (POST) and ``/versions`` (the
stored versions). The work is done by ``geoapp.imports.upload`` and
``geoapp.imports.decisions``; this module turns form fields into plain values and the
results into pages. Upload tokens are bound to the user and to the login session.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS, get_program
from geoapp.imports import upload as flow
from geoapp.imports.decisions import ONLY_THIS_UPLOAD, Decision, apply_review_choice
from geoapp.imports.pipeline import kelurahan_choices
from geoapp.io.records.types import ROLES
from geoapp.matching.aliases import AliasStore
from geoapp.store import compare, list_datasets
from geoapp.values.numbers import format_number, format_rupiah
from geoapp.web.auth import login_required
from geoapp.web.db import get_db
from geoapp.web.i18n import current_lang, tr

bp = Blueprint("upload", __name__)

SESSION_KEY = "uploads"
MAX_TOKENS = 20
PREVIEW_ROWS = 20
MAX_LISTED_UNMATCHED = 100
_RUPIAH = re.compile(r"\brp\b|rupiah", re.I)

BAD_NUMBER = Msg("upload.bad_number",
                 id="Isian '{name}' harus bilangan bulat positif; diterima '{value}'.",
                 en="Field '{name}' must be a positive whole number; received '{value}'.")
STORED = Msg("upload.stored",
             id="Data '{title}' disimpan sebagai versi {version} dan kini aktif di peta.",
             en="Data '{title}' was stored as version {version} and is now active on the map.")


# ---- shared helpers -----------------------------------------------------------------------

def _upload_dir() -> str:
    return current_app.config["UPLOAD_DIR"]


def _aliases() -> AliasStore:
    return AliasStore.load(current_app.config.get("ALIASES") or None)


@lru_cache(maxsize=2)
def _max_rows() -> int | None:
    return current_app.config.get("MAX_ROWS") or None


def _remember(token: str) -> None:
    tokens = [t for t in session.get(SESSION_KEY, []) if t != token][-(MAX_TOKENS - 1):]
    session[SESSION_KEY] = [*tokens, token]


def _state(token: str) -> flow.UploadState:
    """The upload of this token, only for its owner within the same login session."""
    if token not in session.get(SESSION_KEY, []):
        raise GeoappError(flow.UPLOAD_GONE, 404)
    return flow.load_state(_upload_dir(), token, g.user.username)


def _optional_int(name: str, *, allow_zero: bool = False) -> int | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 7 or (int(value) == 0 and not allow_zero):
        raise GeoappError(BAD_NUMBER, 400, name=name, value=value[:20])
    return int(value)


def _preview(state: flow.UploadState, lang: str) -> flow.Preview:
    return flow.build_preview(_upload_dir(), state, aliases=_aliases(),
                              max_rows=_max_rows(), lang=lang)


# ---- upload form --------------------------------------------------------------------------

def _program_choices() -> list[tuple[str, str]]:
    return [(key, tr(p.title)) for key, p in PROGRAMS.items()]


def _read_file() -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise GeoappError(flow.NO_FILE, 400)
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or None
    data = upload.stream.read(limit + 1) if limit else upload.stream.read()
    name = flow.display_name(upload.filename)
    if limit and len(data) > limit:
        raise GeoappError(flow.TOO_LARGE, 413, filename=name, limit=f"{limit / 2**20:g}")
    return data, name


def _render_form(error: GeoappError | None = None, status: int = 200):
    form = {k: request.form.get(k, "") for k in ("program", "title", "header_row")}
    html = render_template("upload.html", programs=_program_choices(), form=form,
                           error=None if error is None else tr(error))
    return html, status


@bp.route("/upload", methods=["GET", "POST"])
@login_required("planner")
def new():
    if request.method == "GET":
        return _render_form()
    try:
        data, name = _read_file()
        state = flow.start_upload(
            _upload_dir(), data, name, program=request.form.get("program", ""),
            title=request.form.get("title", ""), user=g.user.username,
            limit=current_app.config.get("MAX_CONTENT_LENGTH") or None, max_rows=_max_rows(),
            header_row=_optional_int("header_row"),
            quota=current_app.config.get("UPLOAD_QUOTA_BYTES"),
        )
    except GeoappError as exc:
        return _render_form(exc, exc.status)
    flow.cleanup_uploads(_upload_dir())
    _remember(state.token)
    return redirect(url_for("upload.preview", token=state.token))


# ---- preview and review -------------------------------------------------------------------

def _is_rupiah(header: str, program_key: str) -> bool:
    program = PROGRAMS.get(program_key)
    kinds = [m for m in (program.measures if program else ()) if m.kind == "rupiah"]
    return bool(_RUPIAH.search(header or "")) or any(m.header.search(header or "") for m in kinds)


def _format_value(value: Any, rupiah: bool, lang: str) -> str:
    """A parsed number in the interface format; cents are kept (``Rp 1.250.000,50``)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return format_number(None, lang)
    if not math.isfinite(number):
        return format_number(None, lang)
    decimals = 0 if number.is_integer() else 2
    if rupiah and decimals == 0:
        return format_rupiah(number, lang)
    if rupiah:
        return ("-" if number < 0 else "") + "Rp " + format_number(abs(number), lang, 2)
    return format_number(number, lang, decimals)


def _numeric_display(table, program: str) -> dict[int, bool]:
    """Numeric columns shown as parsed (position -> is rupiah); kode/lat/lon stay as text."""
    roles = {getattr(table.mapping, r) for r in ("kode", "lat", "lon")}
    return {p: _is_rupiah(table.headers[p], program) for p in table.numeric if p not in roles}


def preview_rows(preview: flow.Preview, program: str, lang: str) -> list[dict[str, Any]]:
    """The first rows: cells (numbers as parsed, in the interface format) and the outcome."""
    table, run = preview.table, preview.run
    numeric = _numeric_display(table, program)
    rows = []
    for i in range(min(PREVIEW_ROWS, len(table))):
        cells = []
        for p in range(len(table.headers)):
            text = str(table.cells.iat[i, p])
            if p in numeric and text.strip():
                value = table.numeric[p][i]
                text = text if math.isnan(value) else _format_value(value, numeric[p], lang)
            cells.append(text)
        rows.append({"source_row": int(table.source_rows[i]), "cells": cells,
                     **_outcome(run, i)})
    return rows


def _outcome(run, i: int) -> dict[str, Any]:
    if run is None:
        return {"status": "", "kelurahan": "", "note": ""}
    r = run.result
    return {"status": str(r.status[i]), "kelurahan": _kelurahan_name(run, r.kode[i]),
            "note": str(r.note[i] or "")}


def _kelurahan_name(run, kode: str | None) -> str:
    gaz = run.gazetteer
    index = gaz.by_kode.get(kode) if kode else None
    return "" if index is None else f"{gaz.nama[index]} ({gaz.nama_kecamatan[index]})"


def ledger_view(preview: flow.Preview, program: str, lang: str) -> dict[str, Any] | None:
    """Row counts and sums per numeric column, formatted for display."""
    if preview.run is None:
        return None
    ledger = preview.run.ledger
    fmt = {k: format_number(v, lang) for k, v in ledger["rows"].items()}
    sums = []
    for label, s in ledger["sums"].items():
        rupiah = _is_rupiah(label, program)
        shown = {k: _format_value(v, rupiah, lang) for k, v in s.items()}
        sums.append({"label": label, "cells": shown, "balanced": s["difference"] == 0})
    return {"rows": fmt, "sums": sums, "balanced": bool(ledger["balanced"]),
            "unparsed": ledger["unparsed_numbers"]}


def _mapping_view(table) -> list[dict[str, Any]]:
    return [{"role": role, "position": getattr(table.mapping, role),
             "header": None if getattr(table.mapping, role) is None
             else table.headers[getattr(table.mapping, role)]} for role in ROLES]


def _formats_view(table) -> list[tuple[str, str]]:
    return [(table.headers[p] or f"({p + 1})", f) for p, f in sorted(table.number_formats.items())]


def _unmatched_rows(preview: flow.Preview) -> list[dict[str, Any]]:
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


def _decisions_view(state: flow.UploadState) -> list[dict[str, Any]]:
    """The planner's decisions with, for picks, the pending alias or why there is none."""
    views = []
    for d in state.decisions:
        views.append({"action": d.action, "kode": d.kode, "reason": d.reason,
                      "positions": d.positions, "alias": bool(d.alias),
                      "alias_note": _alias_text(d) if d.action == "pick" else ""})
    return views


def _alias_text(decision: Decision) -> str:
    """A pick's pending alias, or plainly that no alias is saved, why, and what it fixes."""
    note = decision.alias_note()
    text = "" if note is None else tr(note)
    return text if decision.alias else f"{text} {tr(ONLY_THIS_UPLOAD)}".strip()


def _page_context(state: flow.UploadState, preview: flow.Preview) -> dict[str, Any]:
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


def _render_preview(state: flow.UploadState, error: GeoappError | None = None, status: int = 200):
    preview = _preview(state, current_lang())
    context = _page_context(state, preview)
    context["error"] = None if error is None else tr(error)
    return render_template("upload_preview.html", **context), status


@bp.get("/upload/<token>")
@login_required("planner")
def preview(token: str):
    return _render_preview(_state(token))


@bp.post("/upload/<token>/options")
@login_required("planner")
def options(token: str):
    state = _state(token)
    read_as = _preview(state, current_lang()).table.info
    columns = {}
    for role in ROLES:
        value = _optional_int(f"col_{role}", allow_zero=True)
        if value is not None:
            columns[role] = value
    before = flow.UploadState.from_dict(state.as_dict())
    flow.change_options(state, sheet=request.form.get("sheet") or None,
                        header_row=_optional_int("header_row"), columns=columns, read_as=read_as)
    try:
        _preview(state, current_lang())  # the new options must give a readable table
    except GeoappError as exc:
        return _render_preview(before, exc, exc.status)
    flow.save_state(_upload_dir(), state)
    return redirect(url_for("upload.preview", token=token))


def _positions() -> list[int]:
    raw = request.form.get("positions", "")
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts or not all(p.isdigit() and len(p) <= 7 for p in parts):
        raise GeoappError(BAD_NUMBER, 400, name="positions", value=raw[:40])
    return [int(p) for p in parts]


@bp.post("/upload/<token>/review")
@login_required("planner")
def review(token: str):
    state = _state(token)
    run = _preview(state, "id").run
    if run is None:
        return redirect(url_for("upload.preview", token=token))
    try:
        decision = apply_review_choice(
            run, request.form.get("action", ""), _positions(), request.form.get("kode") or None,
            request.form.get("reason"), g.user.username,
        )
    except GeoappError as exc:
        return _render_preview(state, exc, exc.status)
    flow.add_decision(state, decision)
    flow.save_state(_upload_dir(), state)
    if decision.action == "pick":
        flash(_alias_text(decision), "info" if decision.alias else "warning")
    return redirect(url_for("upload.preview", token=token) + "#review")


@bp.post("/upload/<token>/confirm")
@login_required("planner")
def confirm(token: str):
    state = _state(token)
    notes: list = []
    try:
        dataset = flow.confirm(get_db(), _upload_dir(), state, aliases=_aliases(),
                               max_rows=_max_rows(), notes=notes)
    except GeoappError as exc:
        if exc.status == 404:
            raise
        return _render_preview(state, exc, exc.status)
    flash(tr(STORED, title=dataset.title, version=dataset.version), "success")
    for note in notes:
        flash(tr(note), "error" if isinstance(note, GeoappError) else "info")
    return redirect(url_for("upload.datasets", program=dataset.program))


@bp.post("/upload/<token>/discard")
@login_required("planner")
def discard(token: str):
    state = _state(token)
    flow.discard(_upload_dir(), state.token)
    return redirect(url_for("upload.new"))


# ---- stored versions ----------------------------------------------------------------------

@bp.get("/versions")
@login_required("planner")
def datasets():
    program = request.args.get("program") or None
    if program is not None and program not in PROGRAMS:
        program = None
    items = list_datasets(get_db(), program)
    return render_template("datasets.html", datasets=items, programs=_program_choices(),
                           program=program)


@bp.get("/versions/compare")
@login_required("planner")
def compare_versions():
    """Two stored versions side by side: row counts, statuses, sums and changed kelurahan."""
    a, b = _version_arg("a"), _version_arg("b")
    result = compare(get_db(), a, b)
    return render_template("compare.html", result=result)


BAD_VERSION = Msg(
    "upload.bad_version",
    id="Pilih dua versi untuk dibandingkan (parameter '{name}' harus nomor dataset; diterima '{value}').",
    en="Choose two versions to compare (parameter '{name}' must be a dataset number; received '{value}').",
)


def _version_arg(name: str) -> int:
    value = request.args.get(name, "")
    if not value.isdigit() or len(value) > 12:
        raise GeoappError(BAD_VERSION, 400, name=name, value=value[:40])
    return int(value)

