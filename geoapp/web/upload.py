"""Upload, preview, review and confirm a program file in the browser (planners only).

Routes below /data: ``/upload`` (form), ``/upload/<token>`` (preview + review),
``/upload/<token>/{options,review,confirm,discard}`` (POST) and ``/versions`` (the
stored versions). The work is done by ``geoapp.imports.upload`` (one module per step)
and ``geoapp.imports.decisions``; the preview page's values come from
``geoapp.web.upload_page``. This module turns form fields into plain values and the
results into pages. Upload tokens are bound to the user and to the login session.
"""

from __future__ import annotations

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
from geoapp.core.programs import PROGRAMS
from geoapp.imports.history import applied_text, default_year, plan_texts
from geoapp.imports.upload import folder
from geoapp.imports.upload.checks import NO_FILE, display_name, too_large
from geoapp.imports.upload.choices import choose_read_options, decide_rows, undo_decision
from geoapp.imports.upload.confirm import confirm as confirm_upload
from geoapp.imports.upload.reopen import reopen_version
from geoapp.imports.upload.start import start_upload
from geoapp.imports.upload.state import UploadState
from geoapp.imports.upload.view_cache import preview_page
from geoapp.io.records.types import ROLES
from geoapp.matching.aliases import AliasStore
from geoapp.store import details, list_datasets
from geoapp.store.alias_table import load_alias_store
from geoapp.store.uploads import UploadShelf
from geoapp.store.years import check_year, year_counts
from geoapp.values.integers import parse_int, parse_int_list, parse_optional_int
from geoapp.values.numbers import format_number
from geoapp.web.auth import login_required
from geoapp.web.db import get_db, get_engine, get_uploads
from geoapp.web.i18n import current_lang, display_timezone, tr
from geoapp.web.upload_page import alias_text, page_context

bp = Blueprint("upload", __name__)

UNDONE = Msg("upload.undone", "The decision was undone; its rows are as matched again.")
SESSION_KEY = "uploads"
MAX_TOKENS = 20



# ---- shared helpers -----------------------------------------------------------------------

def _uploads() -> UploadShelf:
    """Where uploads in progress are kept: the database, shared by every app server."""
    return get_uploads()


def _aliases() -> AliasStore:
    """The user aliases of the database (shared by every app server) and the built-in ones."""
    return load_alias_store(get_engine())


def _max_rows() -> int | None:
    """This app's MAX_ROWS, read per request (apps in one process may differ)."""
    return current_app.config.get("MAX_ROWS") or None


def _max_columns() -> int | None:
    """This app's MAX_COLUMNS (0: no limit), read per request."""
    return current_app.config.get("MAX_COLUMNS") or None


def _remember(token: str) -> None:
    tokens = [t for t in session.get(SESSION_KEY, []) if t != token][-(MAX_TOKENS - 1):]
    session[SESSION_KEY] = [*tokens, token]


def _state(token: str) -> UploadState:
    """The upload of this token, only for its owner within the same login session."""
    if token not in session.get(SESSION_KEY, []):
        raise GeoappError(folder.UPLOAD_GONE, 404)
    return folder.load_state(_uploads(), token, g.user.username)


def _optional_int(name: str, *, allow_zero: bool = False) -> int | None:
    return parse_optional_int(request.form.get(name), name, minimum=0 if allow_zero else 1,
                              maximum=9_999_999)


def _unmatched_page(value: str | None) -> int:
    """The page of unmatched rows asked for (1 when none; 400 when not a page number)."""
    return parse_optional_int(value, "unmatched_page", minimum=1, maximum=9_999_999) or 1


def _preview_page(state: UploadState, lang: str, unmatched_page: int = 1) -> dict:
    """The preview page's values: read and matched once per choice, then kept."""
    return preview_page(_uploads(), state, aliases=_aliases(), max_rows=_max_rows(),
                        max_columns=_max_columns(), lang=lang, unmatched_page=unmatched_page)


# ---- upload form --------------------------------------------------------------------------

def _program_choices() -> list[tuple[str, str]]:
    return [(key, tr(p.title)) for key, p in PROGRAMS.items()]


def _read_file() -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise GeoappError(NO_FILE, 400)
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or None
    data = upload.stream.read(limit + 1) if limit else upload.stream.read()
    name = display_name(upload.filename)
    if limit and len(data) > limit:
        raise too_large(name, limit)
    return data, name


def _render_form(error: GeoappError | None = None, status: int = 200):
    form = {k: request.form.get(k, "") for k in ("program", "title", "header_row", "year")}
    html = render_template("upload.html", programs=_program_choices(), form=form,
                           this_year=default_year(""), limits=_limits(),
                           import_wilayah=_import_wilayah(),
                           error=None if error is None else tr(error))
    return html, status


def _import_wilayah() -> str:
    """The --wilayah of the command-line import hint: the server's national working area
    (empty for the bundled Kota Tangerang set and a BOUNDARIES file)."""
    from geoapp.web.boundary_set import boundary_files

    return boundary_files(current_app).wilayah or ""


def _limits() -> dict[str, str]:
    """This app's upload limits as shown on the form (0 / unset: no limit)."""
    lang = current_lang()
    size, rows = current_app.config.get("MAX_CONTENT_LENGTH"), current_app.config.get("MAX_ROWS")
    mb = 1024 * 1024
    return {"mb": format_number(size / mb, lang, 0 if size % mb == 0 else 1) if size else "",
            "rows": format_number(rows, lang) if rows else ""}


@bp.route("/upload", methods=["GET", "POST"])
@login_required("planner")
def new():
    if request.method == "GET":
        return _render_form()
    try:
        data, name = _read_file()
        state = start_upload(
            _uploads(), data, name, program=request.form.get("program", ""),
            title=request.form.get("title", ""), user=g.user.username, max_columns=_max_columns(),
            limit=current_app.config.get("MAX_CONTENT_LENGTH") or None, max_rows=_max_rows(),
            header_row=_optional_int("header_row"),
            quota=current_app.config.get("UPLOAD_QUOTA_BYTES"),
            year=request.form.get("year") or None,
        )
    except GeoappError as exc:
        return _render_form(exc, exc.status)
    folder.cleanup_uploads(_uploads())
    _remember(state.token)
    return redirect(url_for("upload.preview", token=state.token))


# ---- preview and review -------------------------------------------------------------------

def _render_preview(state: UploadState, error: GeoappError | None = None, status: int = 200,
                    unmatched_page: int = 1):
    lang = current_lang()
    context = page_context(state, _preview_page(state, lang, unmatched_page))
    context["history"] = (plan_texts(get_db(), state.program, context["years"], lang)
                          if context["can_confirm"] else None)
    context["error"] = None if error is None else tr(error)
    return render_template("upload_preview.html", **context), status


@bp.get("/upload/<token>")
@login_required("planner")
def preview(token: str):
    return _render_preview(_state(token),
                           unmatched_page=_unmatched_page(request.args.get("unmatched_page")))


@bp.post("/upload/<token>/options")
@login_required("planner")
def options(token: str):
    state = _state(token)
    try:
        state.year = check_year(request.form.get("year"), required=False) or state.year
    except GeoappError as exc:
        return _render_preview(state, exc, exc.status)
    columns = {}
    for role in ROLES:
        value = _optional_int(f"col_{role}", allow_zero=True)
        if value is not None:
            columns[role] = value
    problem = choose_read_options(
        _uploads(), state, sheet=request.form.get("sheet") or None,
        header_row=_optional_int("header_row"), columns=columns, aliases=_aliases(),
        max_rows=_max_rows(), lang=current_lang(), max_columns=_max_columns())
    if problem is not None:      # the new options give no readable table: none are kept
        return _render_preview(state, problem, problem.status)
    return redirect(url_for("upload.preview", token=token))


def _positions() -> list[int]:
    return parse_int_list(request.form.get("positions", ""), "positions", minimum=0,
                          maximum=9_999_999)


@bp.post("/upload/<token>/review")
@login_required("planner")
def review(token: str):
    state = _state(token)
    page = _unmatched_page(request.form.get("unmatched_page"))   # stay on the page of rows
    try:
        decision = decide_rows(
            _uploads(), state, action=request.form.get("action", ""), positions=_positions(),
            kode=request.form.get("kode") or None, reason=request.form.get("reason"),
            user=g.user.username, aliases=_aliases(), max_rows=_max_rows(),
            max_columns=_max_columns())
    except GeoappError as exc:   # said on the page of rows the planner was on
        return _render_preview(state, exc, exc.status, unmatched_page=page)
    if decision is None:         # nothing matched yet: nothing to review
        return redirect(url_for("upload.preview", token=token))
    if decision.action == "pick":
        flash(alias_text(decision), "info" if decision.alias else "warning")
    return redirect(url_for("upload.preview", token=token,
                            unmatched_page=page if page > 1 else None) + "#review")


@bp.post("/upload/<token>/undo")
@login_required("planner")
def undo(token: str):
    """Take back one review decision (e.g. an "Assign" by mistake) before confirming."""
    state = _state(token)
    try:
        number = parse_int(request.form.get("decision", ""), "decision", minimum=1,
                           maximum=9_999_999)
        undo_decision(_uploads(), state, number)
    except GeoappError as exc:
        return _render_preview(state, exc, exc.status)
    flash(tr(UNDONE), "info")
    return redirect(url_for("upload.preview", token=token) + "#review")


@bp.post("/upload/<token>/confirm")
@login_required("planner")
def confirm(token: str):
    state = _state(token)
    notes: list = []
    try:
        stored = confirm_upload(get_db(), _uploads(), state, aliases=_aliases(),
                                 max_rows=_max_rows(), notes=notes,
                                 max_columns=_max_columns(), tz=display_timezone())
    except GeoappError as exc:
        if exc.status == 404:
            raise
        return _render_preview(state, exc, exc.status)
    flash(tr(stored.message), "success" if stored.active else "warning")
    if stored.active:
        flash(applied_text(details(stored.dataset)["report"].get("years"), current_lang()), "info")
    for note in notes:
        flash(tr(note), "error" if isinstance(note, GeoappError) else "info")
    return redirect(url_for("upload.datasets", program=stored.dataset.program))


@bp.post("/upload/<token>/discard")
@login_required("planner")
def discard(token: str):
    state = _state(token)
    folder.discard(_uploads(), state.token)
    return redirect(url_for("upload.new"))


# ---- stored versions ----------------------------------------------------------------------

@bp.get("/versions")
@login_required("planner")
def datasets():
    program = request.args.get("program") or None
    if program is not None and program not in PROGRAMS:
        program = None
    session = get_db()
    items = list_datasets(session, program)
    years = {d.id: [y or "-" for y in year_counts(session, d.id)] for d in items}
    return render_template("datasets.html", datasets=items, programs=_program_choices(),
                           program=program, years=years)


@bp.post("/versions/<int:dataset_id>/reopen")
@login_required("planner")
def reopen(dataset_id: int):
    """Reopen the active version's unmatched rows: a new upload of its rows, reviewed and
    confirmed as any upload (a new version; audited)."""
    try:
        state = reopen_version(get_db(), _uploads(), dataset_id, user=g.user.username,
                               quota=current_app.config.get("UPLOAD_QUOTA_BYTES"))
    except GeoappError as exc:
        if exc.status == 404:
            raise
        flash(tr(exc), "error")
        return redirect(url_for("upload.datasets"))
    _remember(state.token)
    return redirect(url_for("upload.preview", token=state.token) + "#review")

