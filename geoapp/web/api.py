"""JSON API below /api. Reading is public; changing data needs a role and the CSRF header.

State-changing calls must send the ``X-CSRFToken`` header (value from the page's
``<meta name="csrf-token">``) together with the login session cookie.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from geoapp import __version__
from geoapp.core.i18n import Msg
from geoapp.store import (
    PROGRAMS,
    check_program,
    compare,
    delete_dataset,
    details,
    list_datasets,
    require_dataset,
    rollback,
    summary,
)
from geoapp.values.integers import parse_int
from geoapp.web.auth import login_required
from geoapp.web.db import get_db
from geoapp.web.i18n import current_lang
from geoapp.web.params import check_params

bp = Blueprint("api", __name__)

MAX_ID = 2**63 - 1  # SQLite's INTEGER
BAD_ID = Msg("api.bad_id", "Parameter '{name}' must be a dataset number; received '{value}'.")


def _int_arg(name: str) -> int:
    return parse_int(request.args.get(name, ""), name, minimum=1, maximum=MAX_ID, msg=BAD_ID)


@bp.get("/status")
def status():
    """Version, language and programs: a cheap liveness check."""
    check_params(())
    return jsonify(app="geoapp", version=__version__, lang=current_lang(), programs=list(PROGRAMS))


@bp.get("/datasets")
def datasets():
    program = check_params(("program",)).get("program") or None
    if program is not None:
        check_program(program)
    return jsonify(datasets=[summary(d) for d in list_datasets(get_db(), program)])


@bp.get("/datasets/<int:dataset_id>")
def dataset(dataset_id: int):
    check_params(())
    return jsonify(details(require_dataset(get_db(), dataset_id)))


@bp.get("/compare")
def compare_versions():
    check_params(("a", "b"))
    return jsonify(compare(get_db(), _int_arg("a"), _int_arg("b")))


@bp.post("/programs/<program>/rollback")
@login_required("admin")
def rollback_program(program: str):
    check_program(program)
    return jsonify(active=summary(rollback(get_db(), program)))


@bp.delete("/datasets/<int:dataset_id>")
@login_required("admin")
def delete(dataset_id: int):
    return jsonify(deleted=summary(delete_dataset(get_db(), dataset_id, user=g.user.username)))
