"""Compare two years or two versions of a program (planners): ``/data/versions/compare``.

Parameters: ``program`` (the two newest years or versions are the default, never A = B),
or ``a`` and ``b`` (dataset ids) with optional ``year_a`` / ``year_b``; ``measure``;
``show`` (``diff`` or ``pct``: the change map); ``view`` (``side`` or ``swipe``).
``/data/versions/compare/print.pdf|png`` prints the change map (same parameters plus
``bbox``) with the one print layout of ``geoapp.figures.printmap``.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, render_template, url_for
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS
from geoapp.figures.change import Side, default_sides, kelurahan_change, side_info, years_of
from geoapp.figures.change_payload import compare_payload
from geoapp.figures.printing import SHOWS, change_print, check_show, parse_bbox
from geoapp.figures.printmap import check_format, render_print
from geoapp.imports.money_columns import format_value, is_rupiah
from geoapp.io.boundaries import load_boundaries, load_kecamatan
from geoapp.maps.safejson import script_json
from geoapp.store import compare, list_datasets
from geoapp.values.integers import parse_int
from geoapp.web.auth import login_required
from geoapp.web.db import get_db
from geoapp.web.i18n import current_lang, tr
from geoapp.web.params import check_params

bp = Blueprint("compare", __name__)

PAGE_PARAMS = ("program", "a", "b", "year_a", "year_b", "measure", "show", "view")
VIEWS = ("side", "swipe")
BAD_VERSION = Msg(
    "upload.bad_version",
    "Choose two versions to compare (parameter '{name}' must be a dataset "
    "number; received '{value}').",
)
BAD_CHOICE = Msg(
    "compare.bad_choice",
    "Parameter '{name}' is not valid: received '{value}'. Allowed: {allowed}.",
)


def _choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = (args.get(name) or "").strip() or default
    if value not in allowed:
        raise GeoappError(BAD_CHOICE, 400, name=name, value=value[:40],
                          allowed=", ".join(allowed))
    return value


def _version(args: Mapping[str, str], name: str) -> int:
    return parse_int(args.get(name, ""), name, minimum=1, maximum=2**63 - 1, msg=BAD_VERSION)


def _programs(session: Session) -> list[str]:
    stored = {d.program for d in list_datasets(session)}
    return [p for p, prog in PROGRAMS.items() if p in stored and prog.measures]


def _program_choices(session: Session) -> list[tuple[str, str]]:
    return [(p, tr(PROGRAMS[p].title)) for p in _programs(session)]


def resolve_sides(session: Session, args: Mapping[str, str]) -> tuple[str, Side, Side] | None:
    """(program, A, B) from the parameters, or the program's default (None: nothing to
    compare yet)."""
    if args.get("a") or args.get("b"):
        a, b = _version(args, "a"), _version(args, "b")
        sa = Side(a, (args.get("year_a") or "").strip() or None)
        sb = Side(b, (args.get("year_b") or "").strip() or None)
        return side_info(session, b).program, sa, sb
    programs = _programs(session)
    program = _choice(args, "program", tuple(programs) or ("umkm",),
                      programs[0] if programs else "umkm")
    sides = default_sides(session, program)
    return None if sides is None else (program, *sides)


def _query(program: str, a: Side, b: Side, measure: str, show: str, view: str) -> dict:
    q = {"a": a.dataset_id, "b": b.dataset_id, "year_a": a.year, "year_b": b.year,
         "measure": measure, "show": show, "view": view}
    return {k: v for k, v in q.items() if v}


def _version_table(result: dict, program: str, lang: str) -> dict:
    """The version table's texts: sums in the interface's number format (``Rp`` for money
    columns, whole numbers without decimals) and every changed kelurahan's name."""
    def cells(name: str, d: dict) -> dict:
        rupiah = is_rupiah(name, program)
        return {k: format_value(d[k], rupiah, lang) for k in ("a", "b", "diff")}

    places = load_boundaries().frame
    names = {str(k): (str(n), str(c)) for k, n, c in
             zip(places["kode"], places["nama"], places["nama_kecamatan"], strict=True)}
    return {
        "measures": {name: cells(name, d) for name, d in result["measures"].items()},
        "kelurahan": [{"kode": item["kode"], "nama": names.get(str(item["kode"]), ("", ""))[0],
                       "kecamatan": names.get(str(item["kode"]), ("", ""))[1],
                       "measures": {name: cells(name, d)
                                    for name, d in item["measures"].items()}}
                      for item in result["kelurahan"]],
    }


def _form(session: Session, program: str, a: Side, b: Side) -> dict:
    versions = list_datasets(session, program)
    years = {side.dataset_id: years_of(session, side_info(session, side.dataset_id))
             for side in (a, b)}
    return {"versions": [(d.id, f"v{d.version} — {d.title}", d.state) for d in versions],
            "years_a": years[a.dataset_id], "years_b": years[b.dataset_id],
            "measures": [(m.key, tr(m.title)) for m in PROGRAMS[program].measures]}


@bp.get("/versions/compare")
@login_required("planner")
def page():
    """Side by side or swipe maps of A and B, the change map, appearing/disappearing
    kelurahan and, for two versions, the row/status/sum comparison."""
    args = check_params(PAGE_PARAMS)
    session, lang = get_db(), current_lang()
    show = _choice(args, "show", SHOWS, "diff")
    view = _choice(args, "view", VIEWS, "side")
    sides = resolve_sides(session, args)
    if sides is None:
        return render_template("compare.html", change=None, result=None,
                               programs=_program_choices(session))
    program, a, b = sides
    result = compare(session, a.dataset_id, b.dataset_id) \
        if a.dataset_id != b.dataset_id else None
    table = None if result is None else _version_table(result, program, lang)
    if result is not None and not result["same_program"]:
        return render_template("compare.html", change=None, result=result, table=table,
                               programs=_program_choices(session))
    change = kelurahan_change(session, a, b, measure=args.get("measure") or None, lang=lang)
    query = _query(program, a, b, change.measure, show, view)
    payload = compare_payload(change, show, lang)
    return render_template(
        "compare.html", change=change, result=result, table=table, program=program, a=a, b=b,
        show=show, view=view, form=_form(session, program, a, b),
        programs=_program_choices(session), payload=script_json(payload),
        legend_sides=payload["legend_sides"], legend_change=payload["legend_change"],
        print_pdf=url_for("compare.print_change", fmt="pdf", **query),
        print_png=url_for("compare.print_change", fmt="png", **query))


@bp.get("/versions/compare/print.<fmt>")
@login_required("planner")
def print_change(fmt: str):
    """The change map as an A4 landscape PDF or PNG."""
    check_format(fmt)
    args = check_params((*PAGE_PARAMS, "bbox"))
    session, lang = get_db(), current_lang()
    show = check_show((args.get("show") or "diff").strip())
    _choice(args, "view", VIEWS, "side")
    bbox = parse_bbox(args.get("bbox"))
    sides = resolve_sides(session, args)
    if sides is None:
        raise GeoappError(BAD_VERSION, 400, name="a", value="")
    _, a, b = sides
    change = kelurahan_change(session, a, b, measure=args.get("measure") or None, lang=lang)
    pm = change_print(change, show=show, lang=lang, bbox=bbox, outline=load_kecamatan())
    body = render_print(pm, fmt, lang=lang)
    response = Response(body, mimetype={"pdf": "application/pdf", "png": "image/png"}[fmt])
    response.headers["Content-Disposition"] = f'inline; filename="perubahan.{fmt}"'
    return response
