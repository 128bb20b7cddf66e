"""Planners manage places (kampung tematik, KWT, ecofarm) below /kampung/kelola.

Routes: ``/kampung/kelola`` (list), ``/kampung/kelola/baru`` (add), ``/<id>/ubah`` (edit),
``/<id>/hapus`` (confirm + delete). Planners may add places, but edit or delete them only
in program versions they imported themselves; admins may change any place. The work is
done by ``geoapp.places.editing``; this module turns form fields into plain values and
outcomes into pages. Every form carries the active dataset id it was made from
(``base_<kind>``), so a save over someone else's newer version is refused instead of
silently undoing it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS
from geoapp.imports.pipeline import kelurahan_choices
from geoapp.matching.gazetteer import Gazetteer
from geoapp.places.distance import format_distance
from geoapp.places.editing.duplicates import NEAR_M, Duplicate
from geoapp.places.editing.form import PlaceInput, check_kind, parse_place_id
from geoapp.places.editing.listing import default_gazetteer, get_place, list_places, load_program
from geoapp.places.editing.versions import SaveOutcome, delete_place, save_place
from geoapp.places.model import KINDS
from geoapp.values.integers import ascii_int, parse_optional_int
from geoapp.web.auth import login_required, may_change_dataset, require_dataset_change
from geoapp.web.db import get_db
from geoapp.web.i18n import current_lang, tr

bp = Blueprint("places_admin", __name__)

SCOPE = "/kampung/kelola"
MAX_CONFIRM_LEN = 400

BAD_BASE = Msg("place_admin.bad_base",
               "Field '{name}' must be a dataset number; received '{value}'. Reload the page.")
SAVED = Msg("place_admin.saved", "'{name}' was saved; {program} version {version} is now active.")
DELETED = Msg("place_admin.deleted",
              "'{name}' was deleted; {program} version {version} is now active. The earlier "
              "version is kept and can be restored.")


# --------------------------------------------------------------------------- helpers


def _gazetteer() -> Gazetteer:
    """The configured boundary set's index, looked up per request (create_app makes
    BOUNDARIES the default; the index itself is cached per boundary file)."""
    return default_gazetteer()


def _kind_titles() -> list[tuple[str, str]]:
    return [(k, tr(PROGRAMS[k].title)) for k in KINDS]


def _kelurahan_choices() -> list[tuple[str, str]]:
    return kelurahan_choices(_gazetteer())


def _bases() -> dict[str, int | None]:
    """The active dataset id per place kind (what a form is made from)."""
    out = {}
    for kind in KINDS:
        dataset = load_program(get_db(), kind).dataset
        out[kind] = None if dataset is None else dataset.id
    return out


def _base_from_form(kind: str) -> int | None:
    return parse_optional_int(request.form.get(f"base_{kind}"), f"base_{kind}", minimum=0,
                              maximum=999_999_999, msg=BAD_BASE)


def _require_place_change(place_id: str) -> None:
    """403 unless the user may change the active version holding ``place_id``.

    Planners change places only in versions they imported themselves (adding a new
    place is always allowed); admins change any. 404 for an id that is not a place id.
    """
    kind, _ = parse_place_id(place_id)
    dataset = load_program(get_db(), kind).dataset
    if dataset is not None:
        require_dataset_change(dataset.id, dataset.imported_by)


def _confirmed() -> set[str]:
    raw = (request.form.get("confirm_duplicates") or "")[:MAX_CONFIRM_LEN]
    return {p.strip() for p in raw.split(",") if p.strip()}


def _duplicate_view(items: list[Duplicate]) -> list[dict[str, Any]]:
    lang = current_lang()
    return [{"id": d.id, "name": d.name, "kelurahan": d.kelurahan or "",
             "distance": "" if d.distance_m == float("inf")
             else format_distance(d.distance_m, lang),
             "same_name": "name" in d.reasons, "near": "near" in d.reasons} for d in items]


def _form_page(values: PlaceInput, *, place_id: str | None, bases: dict[str, int | None],
               error: GeoappError | None = None, outcome: SaveOutcome | None = None,
               status: int = 200):
    checked = outcome.checked if outcome is not None else None
    duplicates = outcome.unconfirmed if outcome is not None else []
    html = render_template(
        "place_form.html", values=values, place_id=place_id, bases=bases,
        kinds=_kind_titles(), kelurahan=_kelurahan_choices(),
        error=None if error is None else tr(error),
        corrections=[tr(n) for n in checked.corrections] if checked else [],
        notes=[tr(n) for n in checked.notes] if checked else [],
        duplicates=_duplicate_view(duplicates),
        confirm_value=",".join(d.id for d in duplicates),
        upload_url=url_for("upload.new"),
        near_m=int(NEAR_M))
    return html, status


def _save(place_id: str | None):
    values = PlaceInput.from_mapping(request.form)
    bases = _bases()
    try:
        kind = check_kind(values.kind)
        outcome = save_place(get_db(), values, user=g.user.username,
                                  base_id=_base_from_form(kind), place_id=place_id,
                                  confirmed=_confirmed(), gazetteer=_gazetteer())
    except GeoappError as exc:
        if exc.status == 404:
            raise
        return _form_page(values, place_id=place_id, bases=_form_bases(bases), error=exc,
                          status=exc.status)
    if not outcome.saved:
        return _form_page(outcome.checked.values, place_id=place_id,
                          bases=_form_bases(bases), outcome=outcome)
    dataset = outcome.dataset
    flash(tr(SAVED, name=outcome.checked.values.name, version=dataset.version,
             program=tr(PROGRAMS[dataset.program].title)), "success")
    for note in outcome.checked.notes:
        flash(tr(note), "info")
    return redirect(url_for("places_admin.index", kind=dataset.program))


def _form_bases(current: dict[str, int | None]) -> dict[str, int | None]:
    """Bases to put back in a re-shown form: the ones it was made from (when readable)."""
    out = dict(current)
    for kind in KINDS:
        raw = (request.form.get(f"base_{kind}") or "").strip()
        number = ascii_int(raw)
        if number is not None and 0 <= number <= 999_999_999:
            out[kind] = number
        elif f"base_{kind}" in request.form and not raw:
            out[kind] = None
    return out


# --------------------------------------------------------------------------- routes


@bp.get(SCOPE)
@login_required("planner")
def index():
    kind = request.args.get("kind") or None
    if kind is not None:
        kind = check_kind(kind)
    items = list_places(get_db(), kind, gazetteer=_gazetteer())
    versions = {k: load_program(get_db(), k).dataset for k in KINDS}
    editable = {k: may_change_dataset(g.user, v.imported_by if v else None) for k, v in versions.items()}
    return render_template("places_admin.html", places=items, kind=kind, kinds=_kind_titles(),
                           kind_titles=dict(_kind_titles()), versions=versions,
                           editable=editable, upload_url=url_for("upload.new"))


@bp.route(f"{SCOPE}/baru", methods=["GET", "POST"])
@login_required("planner")
def add():
    if request.method == "POST":
        return _save(None)
    kind = request.args.get("kind") or "kampung"
    values = PlaceInput(kind=kind if kind in KINDS else "kampung")
    return _form_page(values, place_id=None, bases=_bases())


@bp.route(f"{SCOPE}/<place_id>/ubah", methods=["GET", "POST"])
@login_required("planner")
def edit(place_id: str):
    _require_place_change(place_id)
    if request.method == "POST":
        return _save(place_id)
    place = get_place(get_db(), place_id, gazetteer=_gazetteer())
    return _form_page(place.as_input(), place_id=place.id, bases=_bases())


@bp.route(f"{SCOPE}/<place_id>/hapus", methods=["GET", "POST"])
@login_required("planner")
def delete(place_id: str):
    _require_place_change(place_id)
    place = get_place(get_db(), place_id, gazetteer=_gazetteer())
    if request.method == "GET":
        return render_template("place_form.html", delete=place, bases=_bases(),
                               kind_titles=dict(_kind_titles()))
    dataset = delete_place(get_db(), place_id, user=g.user.username,
                                base_id=_base_from_form(place.kind))
    flash(tr(DELETED, name=place.name, version=dataset.version,
             program=tr(PROGRAMS[dataset.program].title)), "success")
    return redirect(url_for("places_admin.index", kind=place.kind))

