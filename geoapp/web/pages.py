"""HTML pages: the planners' map ``/`` and the kelurahan profile ``/kelurahan/<kode>``.

Views only turn the request into plain values (``geoapp.web.map_view``),
call the core and render a template.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from geoapp import figures
from geoapp.core.programs import PROGRAMS as PROGRAM_CATALOGUE
from geoapp.maps.classify import K_MAX, K_MIN
from geoapp.maps.page import T_KEC_LAYER
from geoapp.store import PROGRAMS
from geoapp.web import map_view, profile_view
from geoapp.web.db import get_active, get_db
from geoapp.web.i18n import current_lang, tr
from geoapp.web.print_view import print_urls
from geoapp.web.security import allow_framing

bp = Blueprint("pages", __name__)


def _scheme_labels() -> list[tuple[str, str]]:
    from geoapp.web.map_levels import scheme_labels  # one list for both map pages

    return scheme_labels()


def _controls(req: map_view.MapRequest, available, options) -> dict:
    """What the form's selects offer, with the current choices."""
    variants = []
    for program, defs in map_view.area_variants(available).items():
        variants.append({"program": program, "title": tr(PROGRAM_CATALOGUE[program].title),
                         "options": [(d.key, tr(d.title)) for d in defs],
                         "selected": req.variant(program)})
    subs = [(value, f"{tr(PROGRAM_CATALOGUE[p].title)}: {v}" if p in PROGRAM_CATALOGUE else v)
            for value, p, v in map_view.subprogram_choices(options)]
    return {
        "schemes": _scheme_labels(), "k_values": list(range(K_MIN, K_MAX + 1)),
        "variants": variants, "subprograms": subs, "layer": req.layer,
        "subprogram_value": f"{req.subprogram[0]}:{req.subprogram[1]}" if req.subprogram else "",
        "years": [str(y) for y in options.get("years") or []],
        "kecamatan": [(str(k), str(n)) for k, n in options.get("kecamatan") or []],
    }


def _layer_rows(page: map_view.PageMap) -> list[dict]:
    return [{"key": d.definition.key, "title": tr(d.definition.title), "source": d.source_label,
             "sample": d.sample, "links": map_view.download_links(d.definition, page.request)}
            for d in page.layers]


def _overlays(page: map_view.PageMap) -> list[dict]:
    """The switchable overlays: point layers, then the kecamatan outlines."""
    hidden = page.request.hidden
    suffix = f" ({tr(map_view.SAMPLE_SUFFIX)})"
    rows = [{"key": d.definition.key, "title": tr(d.definition.title) + (suffix if d.sample else ""),
             "on": d.definition.key not in hidden} for d in page.points]
    return rows + [{"key": "kecamatan", "title": tr(T_KEC_LAYER),
                    "on": "kecamatan" not in hidden}]


def _page_texts(lang: str, req: map_view.MapRequest) -> dict:
    """Texts map-page.js shows (placeholders kept for it to fill)."""
    return {"copied": _("Link copied."),
            "copyFallback": _("Copy this link (Ctrl+C, or long-press on a phone)."),
            "programElsewhere": map_view.PROGRAM_ELSEWHERE.text(
                lang, value="{value}", owner="{owner}", layer="{layer}"),
            "programs": {p: tr(PROGRAM_CATALOGUE[p].title) for p in map_view.MAP_PROGRAMS},
            "layers": dict(req.variants),
            "embedTitle": _("Map of Kota Tangerang"),
            "loadError": _("The map could not be updated. Check the connection and try again.")}


def _map_context() -> dict:
    """Everything the map page and its embedded form render, from the query string."""
    session, active = get_db(), get_active()
    lang = current_lang()
    available = figures.available_layers(session, active)
    options = figures.filter_options(session, active)
    req = map_view.parse_map_args(request.args, available, options)
    page = map_view.build_page(session, active, req, available, lang=lang,
                               tiles=current_app.config.get("TILE_URL") or None)
    infos = active.infos(session)                       # no query per program
    return dict(page=page, parts=map_view.map_parts(page.fmap), req=req,
                controls=_controls(req, available, options), layers=_layer_rows(page),
                overlays=_overlays(page), texts=_page_texts(lang, req),
                notes=[n.text(lang) for n in page.notes], sample=page.sample,
                empty=not available, datasets=[infos[p] for p in PROGRAMS if p in infos],
                query=request.query_string.decode("ascii", "replace"),
                print_links=print_urls(request.args),
                upload_url=url_or("upload.new", "/data/upload"))


@bp.get("/")
def index():
    from geoapp.web.map_levels import national_page  # a province or the whole country

    return national_page() or render_template("index.html", **_map_context())


@bp.get("/embed")
def embed():
    """The map alone (no navigation, no form) for an iframe on the FRAME_ANCESTORS sites."""
    allow_framing()
    return render_template("embed.html", **_map_context())


@bp.get("/kelurahan/<path:kode>")
def kelurahan(kode: str):
    dotted = profile_view.check_kode(kode)
    if dotted != kode:
        return redirect(url_for("pages.kelurahan", kode=dotted), code=301)
    view = profile_view.build_profile(get_db(), get_active(), dotted, current_lang())
    return render_template("kelurahan.html", view=view)


def url_or(endpoint: str, fallback: str) -> str:
    """``url_for(endpoint)`` when the page exists already, else the planned path."""
    try:
        return url_for(endpoint)
    except BuildError:
        return fallback


@bp.record_once
def _register_helpers(state) -> None:
    app: Flask = state.app
    app.jinja_env.globals["url_or"] = url_or
