"""Administration pages below /admin: accounts, dataset versions, the audit log.

Admins: list/create users, reset passwords (and change roles), disable/enable users,
roll a program back, delete any archived version, read the audit log.
Planners: the versions THEY uploaded (rename only; deleting is for admins).
Every change is a POST with the CSRF token and is recorded in the audit log.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS as PROGRAM_CATALOGUE
from geoapp.imports.upload.checks import clean_title
from geoapp.store import (
    PROGRAMS,
    ROLES,
    check_program,
    create_account,
    delete_dataset,
    event_details,
    list_accounts,
    list_datasets,
    list_events,
    record,
    record_alias_additions,
    require_dataset,
    reset_password,
    rollback,
    set_disabled,
)
from geoapp.store.alias_table import alias_rows
from geoapp.store.users import MIN_PASSWORD
from geoapp.values.integers import parse_optional_int
from geoapp.web.auth import login_required, require_dataset_change
from geoapp.web.db import get_db, get_engine
from geoapp.web.i18n import tr

bp = Blueprint("admin", __name__)

ALIAS_ENDPOINTS = ("upload.review", "upload.confirm")   # views that may add aliases

USER_CREATED = Msg("admin.user_created", "Account '{username}' ({role}) was created.")
PASSWORD_SET = Msg("admin.password_set", "The password of '{username}' was changed.")
USER_DISABLED = Msg("admin.user_disabled", "Account '{username}' was disabled.")
USER_ENABLED = Msg("admin.user_enabled", "Account '{username}' was enabled again.")
ROLLED_BACK = Msg("admin.rolled_back",
                  "Program {program} is back at version {version} ('{title}').")
DELETED = Msg("admin.deleted", "Version {version} '{title}' was deleted.")
RENAMED = Msg("admin.renamed", "The title of version {version} is now '{title}'.")


def _actor() -> str:
    return g.user.username


def _program_title(program: str) -> str:
    entry = PROGRAM_CATALOGUE.get(program)
    return tr(entry.title) if entry is not None else program


# ---------------------------------------------------------------- users (admin)


def _render_users(error: GeoappError | None = None, status: int = 200):
    form = {"username": request.form.get("username", ""), "role": request.form.get("role", "")}
    html = render_template("admin_users.html", accounts=list_accounts(get_db()), roles=ROLES,
                           min_password=MIN_PASSWORD, form=form,
                           error=None if error is None else tr(error))
    return html, status


@bp.get("/")
@login_required("admin")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
@login_required("admin")
def users():
    return _render_users()


@bp.post("/users")
@login_required("admin")
def create_user():
    username = request.form.get("username", "").strip()
    role = request.form.get("role", "")
    try:
        create_account(get_db(), username, request.form.get("password", ""), role,
                       actor=_actor())
    except GeoappError as exc:
        return _render_users(exc, exc.status)
    flash(tr(USER_CREATED, username=username, role=role), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
@login_required("admin")
def user_password(user_id: int):
    try:
        user = reset_password(get_db(), user_id, request.form.get("password", ""),
                              actor=_actor(), role=request.form.get("role") or None)
    except GeoappError as exc:
        return _render_users(exc, exc.status)
    flash(tr(PASSWORD_SET, username=user.username), "success")
    return redirect(url_for("admin.users"))


def _set_disabled(user_id: int, disabled: bool):
    try:
        user = set_disabled(get_db(), user_id, disabled, actor=_actor())
    except GeoappError as exc:
        return _render_users(exc, exc.status)
    flash(tr(USER_DISABLED if disabled else USER_ENABLED, username=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/disable")
@login_required("admin")
def disable_user(user_id: int):
    return _set_disabled(user_id, True)


@bp.post("/users/<int:user_id>/enable")
@login_required("admin")
def enable_user(user_id: int):
    return _set_disabled(user_id, False)


# ---------------------------------------------------------------- dataset versions


@bp.get("/datasets")
@login_required("planner")
def datasets():
    """Admins: every version (deleted too). Planners: the versions they uploaded."""
    items = list_datasets(get_db(), include_deleted=True)
    if not g.user.is_admin:
        items = [d for d in items if d.imported_by == g.user.username]
    programs = [(p, _program_title(p)) for p in PROGRAMS]
    return render_template("admin_datasets.html", datasets=items, programs=programs,
                           program_titles=dict(programs))


@bp.post("/programs/<program>/rollback")
@login_required("admin")
def rollback_program(program: str):
    target = rollback(get_db(), check_program(program))
    flash(tr(ROLLED_BACK, program=_program_title(program), version=target.version,
             title=target.title), "success")
    return redirect(url_for("admin.datasets"))


@bp.post("/datasets/<int:dataset_id>/delete")
@login_required("admin")
def delete_version(dataset_id: int):
    """Admins only: planners may rename their own versions but never delete one."""
    db = get_db()
    dataset = require_dataset(db, dataset_id)
    delete_dataset(db, dataset_id, user=_actor())
    flash(tr(DELETED, version=dataset.version, title=dataset.title), "success")
    return redirect(url_for("admin.datasets"))


@bp.post("/datasets/<int:dataset_id>/title")
@login_required("planner")
def rename_version(dataset_id: int):
    db = get_db()
    dataset = require_dataset(db, dataset_id)
    require_dataset_change(dataset_id, dataset.imported_by)
    title = clean_title(request.form.get("title"))
    record(db, "dataset.title", actor=_actor(), target=title, dataset_id=dataset.id,
           program=dataset.program, details={"from": dataset.title, "to": title})
    dataset.title = title
    db.commit()
    flash(tr(RENAMED, version=dataset.version, title=title), "success")
    return redirect(url_for("admin.datasets"))


# ---------------------------------------------------------------- audit log (admin)


@bp.get("/audit")
@login_required("admin")
def audit():
    page = list_events(get_db(), page=parse_optional_int(request.args.get("page"), "page",
                                                         minimum=1, maximum=999_999_999) or 1)
    rows = [{"event": e, "details": event_details(e)} for e in page.events]
    return render_template("admin_audit.html", page=page, rows=rows)


# ---------------------------------------------------------------- alias additions


def _snapshot_aliases() -> None:
    if request.method == "POST" and request.endpoint in ALIAS_ENDPOINTS:
        g.alias_rows_before = alias_rows(get_engine())


def _record_aliases(response):
    before = g.pop("alias_rows_before", None)
    user = g.get("user")
    if before is None or user is None or response.status_code >= 400:
        return response
    try:
        after = alias_rows(get_engine())
        record_alias_additions(get_db(), before, after, actor=user.username)
    except Exception:  # noqa: BLE001 - the user's change stands; the gap is logged
        current_app.logger.exception("could not record alias additions in the audit log")
    return response


def init_app(app: Flask) -> None:
    """Register the blueprint (/admin) and the alias-addition audit hooks."""
    app.register_blueprint(bp, url_prefix="/admin")
    app.before_request(_snapshot_aliases)
    app.after_request(_record_aliases)
