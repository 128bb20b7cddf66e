"""Printed maps: ``GET /map/print.pdf`` and ``GET /map/print.png`` (A4 landscape).

They accept the map page's parameters (``scheme``, ``k``, ``v_<program>``, ``year``,
``program``, ``kecamatan``) plus ``layer`` (the choropleth shown: a program such as
``blk`` or a layer key such as ``umkm-nilai``; default: the first program), ``points``
(comma-separated point layer keys drawn on top) and ``bbox`` (the view,
``minx,miny,maxx,maxy`` in EPSG:4326). ``print_map`` turns such arguments into the bytes
and is shared by the ``geoapp render`` command; the drawing is ``geoapp.figures.printmap``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import Blueprint, Response, url_for
from sqlalchemy.orm import Session

from geoapp import figures
from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.figures.printing import layer_print, parse_bbox
from geoapp.figures.printmap import check_format, render_print
from geoapp.io.boundaries import load_kecamatan
from geoapp.store.active import ActiveVersions
from geoapp.values.dates import format_date
from geoapp.web import map_view
from geoapp.web.db import get_active, get_db
from geoapp.web.i18n import current_lang
from geoapp.web.params import check_params

bp = Blueprint("print", __name__)

PRINT_PARAMS = (*map_view.PARAMS, *(f"v_{p}" for p in map_view.MAP_PROGRAMS),
                "layer", "points", "bbox")
# the map page's view state, accepted so that its URL prints as it is: ``hide`` (overlays
# switched off) picks the points when ``points`` is not given; zoom, centre and the selected
# kelurahan do not change a print (``bbox`` is the view)
VIEW_STATE = tuple(p for p in map_view.VIEW_PARAMS if p not in PRINT_PARAMS)
MIME = {"pdf": "application/pdf", "png": "image/png"}
NO_LAYER = Msg("print.no_layer",
               "There is no map layer to print yet: no program has an active dataset.")
KECAMATAN = Msg("print.kecamatan", "Kecamatan {name}")
YEAR = Msg("print.year", "Year {year}")
SUB_NA = Msg("print.sub_na", "the program filter '{value}' does not apply to this layer")
YEAR_NA = Msg("print.year_na", "all years (this program has no year column; {year} not applied)")
CLASSES = Msg("print.classes", "{scheme}, {k} classes")
SCHEMES = {"quantiles": Msg("print.scheme_quantiles", "Quantiles"),
           "fisher_jenks": Msg("print.scheme_fisher_jenks", "Natural breaks (Fisher-Jenks)"),
           "equal_interval": Msg("print.scheme_equal_interval", "Equal interval")}


def _choose_layer(args: Mapping[str, str], req: map_view.MapRequest,
                  variants: dict[str, list[figures.LayerDef]]) -> figures.LayerDef:
    if not variants:
        raise GeoappError(NO_LAYER, 404)
    value = (args.get("layer") or "").strip()
    by_key = {d.key: d for defs in variants.values() for d in defs}
    if not value:
        program = next(iter(variants))
    elif value in variants:
        program = value
    elif value in by_key:
        return by_key[value]
    else:
        raise GeoappError(map_view.BAD_CHOICE, 400, name="layer", value=value[:60],
                          allowed=", ".join([*variants, *by_key]))
    chosen = req.variant(program)
    return by_key.get(chosen or "", variants[program][0])


def _point_keys(args: Mapping[str, str], available: list[figures.LayerDef]) -> list[str]:
    allowed = [k for k in map_view.POINT_KEYS if k in {d.key for d in available}]
    if "points" not in args and "hide" in args:
        hidden = {k.strip() for k in args["hide"].split(",")}
        return [k for k in allowed if k not in hidden]
    keys = [k.strip() for k in (args.get("points") or "").split(",") if k.strip()]
    keys = [k for k in keys if k in allowed or k not in map_view.POINT_KEYS]  # none: no data
    for key in keys:
        if key not in allowed:
            raise GeoappError(map_view.BAD_CHOICE, 400, name="points", value=key[:60],
                              allowed=", ".join(allowed) or "-")
    return list(dict.fromkeys(keys))


def _subtitle(req: map_view.MapRequest, program: str, options: Mapping, lang: str) -> str:
    """The filters that apply to the printed layer (and a year that does not), the classes."""
    filters = req.filters_for(program)
    parts = []
    if filters.kecamatan:
        names = dict(options.get("kecamatan") or [])
        parts.append(KECAMATAN.text(lang, name=names.get(filters.kecamatan, filters.kecamatan)))
    if filters.year:
        parts.append(YEAR.text(lang, year=filters.year))
    elif req.year:
        parts.append(YEAR_NA.text(lang, year=req.year))
    if filters.subprogram:
        parts.append(filters.subprogram)
    elif req.subprogram:
        parts.append(SUB_NA.text(lang, value=req.subprogram[1]))
    parts.append(CLASSES.text(lang, scheme=SCHEMES[req.scheme].text(lang), k=req.k))
    return " · ".join(parts)


def print_map(session: Session, active: ActiveVersions, args: Mapping[str, str], fmt: str,
              *, lang: str, printed: datetime | None = None) -> bytes:
    """The A4 print (``fmt`` pdf or png) of the map page the ``args`` describe."""
    check_format(fmt)
    bbox = parse_bbox(args.get("bbox"))
    available = figures.available_layers(session, active)
    options = figures.filter_options(session, active)
    # ``layer`` may also be a layer key here (the map page takes a program only)
    req = map_view.parse_map_args({k: v for k, v in args.items() if k != "layer"}, available,
                                  options)
    definition = _choose_layer(args, req, map_view.area_variants(available))
    points = _point_keys(args, available)
    data = figures.area_layer(session, active, definition.key,
                              req.filters_for(definition.program))
    source = figures.layer_source_text(session, active, data, lang)
    point_data = []
    for key in points:
        layer = figures.point_layer(session, active, key,
                                    req.filters_for(figures.get_layer_def(key).program))
        layer.source_label = figures.layer_source_text(session, active, layer, lang)
        point_data.append(layer)
    outline = load_kecamatan()
    if req.kecamatan:
        outline = outline[outline["kode"] == req.kecamatan]
    pm = layer_print(data, lang=lang, scheme=req.scheme, k=req.k,
                     subtitle=_subtitle(req, definition.program, options, lang), source_lines=[source],
                     bbox=bbox, outline=outline, points=point_data)
    return render_print(pm, fmt, lang=lang, printed=printed)


def print_urls(args: Mapping[str, str]) -> dict[str, str]:
    """``{"pdf": url, "png": url}`` of the print of a map page's arguments (for the page's
    "Cetak / Unduh peta" links; arguments the print does not take are left out)."""
    kept = {k: v for k, v in args.items() if k in PRINT_PARAMS and v}
    if "points" not in kept:            # the overlays shown on the page (all unless hidden)
        hidden = {k.strip() for k in (args.get("hide") or "").split(",")}
        kept["points"] = ",".join(k for k in map_view.POINT_KEYS if k not in hidden)
    return {fmt: url_for("print.map_print", fmt=fmt, **kept) for fmt in MIME}


@bp.get("/map/print.<fmt>")
def map_print(fmt: str):
    """The current map view as an A4 landscape PDF or PNG."""
    check_format(fmt)
    args = check_params((*PRINT_PARAMS, *VIEW_STATE))
    session, active, lang = get_db(), get_active(), current_lang()
    printed = datetime.now().astimezone()
    # the same print of the same data on the same day is drawn once (matplotlib is slow)
    key = ("print.map", fmt, lang, tuple(sorted(args.items())), format_date(printed, lang),
           active.identity(session))
    body = active.cached(key, lambda: print_map(session, active, args, fmt, lang=lang,
                                                printed=printed))
    response = Response(body, mimetype=MIME[fmt])
    response.headers["Content-Disposition"] = f'inline; filename="peta.{fmt}"'
    return response
