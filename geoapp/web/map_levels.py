"""Per-level map layers of a province or national instance (``WILAYAH=36`` / ``ID``).

``GET /api/levels/<level>.json?parent=<kode>`` answers one simplified level of the
hierarchy (provinsi, kabupaten, kecamatan, desa) under one parent code, so the national
map never loads every desa at once. The layers are built and cached in
:mod:`geoapp.maps.levels`; this view only checks the arguments and sends the bytes.

``GET /api/levels/<level>/figures.json?parent=<kode,kode>&layer=<key>&scheme=&k=&year=``
answers one layer's figures for the units shown (desa values summed or re-rated upwards by
:mod:`geoapp.figures.level_figures`), classified like the city map (the same
``choropleth_payload``); ``/api/levels/<level>/export.<geojson|csv>`` downloads them.
Point layers (KWT, ecofarm, kampung tematik) come from :mod:`geoapp.web.map_level_points`.
``year`` (as on the city map's endpoints): one year of the layer's program, checked
against the years its active data holds (else a 400 naming them); absent or empty, every
stored year is summed, and the payload's ``year_label`` says which years are shown.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from functools import lru_cache

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from geoapp import figures
from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.core.programs import PROGRAMS, get_program
from geoapp.figures import Filters
from geoapp.figures.level_figures import LevelFigures, level_figures
from geoapp.io.boundaries.national import COUNTRY, names_by_kode, normalise_wilayah
from geoapp.io.export import geojson_bytes, layer_bytes
from geoapp.maps.choropleth import choropleth_payload
from geoapp.maps.classify import K_MAX, K_MIN
from geoapp.maps.levels import check_parents, level_layer
from geoapp.maps.safejson import script_json
from geoapp.values.numbers import format_number
from geoapp.web.db import get_active, get_db
from geoapp.web.i18n import current_lang
from geoapp.web.map_level_points import point_layers
from geoapp.web.map_view import (
    BAD_CHOICE,
    DEFAULT_K,
    DEFAULT_SCHEME,
    MAP_PROGRAMS,
    choropleth_spec,
    parse_map_args,
)
from geoapp.web.params import BAD_VALUE, check_params

bp = Blueprint("map_levels", __name__)
MAX_AGE = 24 * 3600
EXPORTS = {"geojson": "application/geo+json", "csv": "text/csv; charset=utf-8"}
FIGURE_PARAMS = ("parent", "layer", "scheme", "k", "year")

NO_FIGURES = Msg(
    "map_levels.no_figures",
    "No figures of '{layer}' for {area}: none of its desa/kelurahan has matched rows in "
    "the active dataset. Import a file that covers this area: geoapp import FILE "
    "--program {program} --wilayah {wilayah} (or the upload page for small files).",
)
NO_MEASURE = Msg(
    "map_levels.no_measure",
    "'{layer}' is empty for {area}: the active {program} data has {matched} matched rows, "
    "but none of its columns was read as '{measure}'. Choose another layer, or give that "
    "column a header that names it and import the file again.",
)
NO_DATASETS = Msg(
    "map_levels.no_datasets",
    "There is no program data for {area} yet, so the map shows boundaries only. "
    "Import a file: geoapp import FILE --program KEY --wilayah {wilayah} "
    "(or the upload page for small files); the figures then appear on every level.",
)
YEAR_ONE = Msg("map_levels.year", "Year {year}")
YEAR_ALL = Msg("map_levels.all_years", "All years ({years})")
BAD_FORMAT = Msg(
    "map_levels.bad_format",
    "Format '{fmt}' is not available for the national map. Choose one of: {allowed}.",
)


def _wilayah() -> str:
    return normalise_wilayah(current_app.config.get("WILAYAH") or "")


@lru_cache(maxsize=64)
def _body(level: str, parent: str, wilayah: str) -> tuple[bytes, str]:
    body = script_json(level_layer(level, parent, wilayah)).encode("utf-8")
    return body, hashlib.sha256(body).hexdigest()[:32]


def _send(body: bytes, etag: str, mimetype: str, cache: str, filename: str = "") -> Response:
    response = Response(body, content_type=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response.make_conditional(request)


@bp.get("/levels/<level>.json")
def level(level: str):
    """One level of the map under ``parent`` (empty: the whole working area)."""
    wilayah = current_app.config.get("WILAYAH") or ""     # empty: a clear 400 below
    parent = request.args.get("parent", "").strip()
    body, etag = _body(level[:40], parent[:40], normalise_wilayah(wilayah))
    return _send(body, etag, "application/json", f"public, max-age={MAX_AGE}")


def map_keys() -> list[figures.LayerDef]:
    """The area layers the national map offers: the city map's choropleths."""
    return [d for d in figures.available_layers(get_db(), get_active())
            if d.kind == "area" and d.program in MAP_PROGRAMS]


def _layer_key(params: dict[str, str]) -> str:
    keys = [d.key for d in map_keys()]
    key = params.get("layer") or (keys[0] if keys else "")
    if key not in keys:
        raise GeoappError(BAD_CHOICE, 404, name="layer", value=key[:60],
                          allowed=", ".join(keys) or "-")
    return key


def layer_years(key: str) -> list[str]:
    """The years the active data of layer ``key``'s program holds (oldest first)."""
    options = figures.filter_options(get_db(), get_active())
    program = figures.get_layer_def(key).program
    return list(options["years_by_program"].get(program, []))


def _year(value: str, years: list[str]) -> str:
    """The stored year equal to ``value`` ("" = every year), else a 400 naming the years."""
    wanted = value.strip()
    if not wanted:
        return ""
    for year in years:
        if len(wanted) <= 20 and year.casefold() == wanted.casefold():
            return year
    raise GeoappError(BAD_VALUE, 400, name="year", value=value[:40],
                      allowed=", ".join(years) or "-")


def _request(level: str, extra: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...], dict]:
    """The checked layer key, parent codes and parameters of a figures/export request
    (``year``: a year of the layer's data, "" = all years)."""
    params = check_params(FIGURE_PARAMS + extra)
    parents = check_parents(level[:40], params.get("parent", "")[:2000], _wilayah())
    req = parse_map_args({n: params[n] for n in ("scheme", "k") if n in params}, [], {})
    params.update(scheme=req.scheme, k=str(req.k))
    key = _layer_key(params)
    params["year"] = _year(params.get("year", ""), layer_years(key))
    return key, parents, params


def year_label(year: str, years: list[str], lang: str) -> str:
    """What the map shows: "Year 2024", "All years (2023–2024)"; "" for a program
    without years."""
    if year:
        return YEAR_ONE.text(lang, year=year)
    if not years:
        return ""
    span = years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return YEAR_ALL.text(lang, years=span)


def _figures(level: str, key: str, parents: tuple[str, ...], shapes: bool,
             year: str = "") -> LevelFigures:
    figs = level_figures(get_db(), get_active(), key, level, parents, _wilayah(), shapes=shapes,
                         filters=Filters(year=year or None))
    label = figures.layer_source_text(get_db(), get_active(), figs.data, current_lang())
    return replace(figs, data=replace(figs.data, source_label=label))


def _area_text(figs: LevelFigures) -> str:
    names = names_by_kode()
    shown = [names.get(p, p) if p else _area_name(_wilayah()) for p in figs.parents[:3]]
    return ", ".join(shown) + (" …" if len(figs.parents) > 3 else "")


def _empty_text(figs: LevelFigures, lang: str) -> str:
    """Why a layer has no figures: no matched rows in the area, or (rows matched) no
    column of the active data was read as the layer's measure."""
    d, ledger = figs.data.definition, figs.data.ledger or {}
    if d.measure and ledger.get("matched") and "sum_matched" not in ledger:
        measure = next((m for m in get_program(d.program).measures if m.key == d.measure), None)
        return NO_MEASURE.text(lang, layer=d.title.text(lang), area=_area_text(figs),
                               program=get_program(d.program).title.text(lang),
                               matched=format_number(ledger["matched"], lang),
                               measure=measure.title.text(lang) if measure else d.measure)
    return NO_FIGURES.text(lang, layer=d.title.text(lang), area=_area_text(figs),
                           program=d.program, wilayah=_wilayah())


def _payload(figs: LevelFigures, params: dict[str, str], lang: str) -> dict:
    req = parse_map_args({"scheme": params["scheme"], "k": params["k"]}, [], {})
    chor = choropleth_payload(figs.frame, choropleth_spec(figs.data, "value", req, lang), lang)
    d = figs.data.definition
    empty = None
    if chor["n"] == 0:
        empty = _empty_text(figs, lang)
    query = {"parent": ",".join(figs.parents), "layer": d.key}
    if params.get("year"):
        query["year"] = params["year"]
    links = {fmt: url_for("map_levels.export", level=figs.level, fmt=fmt, **query)
             for fmt in EXPORTS}
    return {"level": figs.level, "parents": list(figs.parents), "layer": d.key,
            "kode": figs.frame["kode"].tolist(), "chor": chor, "sample": figs.data.sample,
            "empty": empty, "links": links, "year": params.get("year") or None,
            "year_label": year_label(params.get("year", ""), layer_years(d.key), lang)}


@bp.get("/levels/<level>/figures.json")
def level_figures_json(level: str):
    """One layer's classified figures for the units of ``level`` under ``parent``."""
    session, active, lang = get_db(), get_active(), current_lang()
    key, parents, params = _request(level)
    cache_key = ("levels.figures", level, parents, key, params["scheme"], params["k"],
                 params["year"], lang,
                 _wilayah(), figures.layer_identity(session, active, key))

    def build() -> tuple[bytes, str]:
        figs = _figures(level, key, parents, shapes=False, year=params["year"])
        body = current_app.json.dumps(_payload(figs, params, lang)).encode("utf-8")
        return body, hashlib.sha256(body).hexdigest()[:32]

    body, etag = active.cached(cache_key, build)
    return _send(body, etag, "application/json", "no-cache")


def _filename(figs: LevelFigures, fmt: str, year: str = "") -> str:
    shown = [p.replace(".", "") for p in figs.parents[:3]] or [_wilayah()]
    more = "-dll" if len(figs.parents) > 3 else ""
    sample = "_contoh" if figs.data.sample else ""
    parts = "-".join(p or _wilayah() for p in shown)
    year = f"_{year}" if re.fullmatch(r"[0-9]{4}", year) else ""      # ASCII digits only
    return f"geoapp_{figs.data.definition.key}_{figs.level}_{parts}{more}{year}{sample}.{fmt}"


@bp.get("/levels/<level>/export.<fmt>")
def export(level: str, fmt: str):
    """What the national map shows as GeoJSON or CSV (full-resolution shapes)."""
    if fmt not in EXPORTS:
        raise GeoappError(BAD_FORMAT, 404, fmt=fmt[:20], allowed=", ".join(EXPORTS))
    key, parents, params = _request(level, ("csv",))
    figs = _figures(level, key, parents, shapes=True, year=params["year"])
    frame = figures.export_frame(replace(figs.data, frame=figs.frame))
    if fmt == "geojson":
        body = geojson_bytes(frame)
    else:
        body = layer_bytes(frame, "csv", csv_dialect=params.get("csv", current_lang()))
    return _send(body, hashlib.sha256(body).hexdigest()[:32], EXPORTS[fmt], "no-cache",
                 _filename(figs, fmt, params["year"]))


def _area_name(wilayah: str) -> str:
    return "Indonesia" if wilayah == COUNTRY else names_by_kode()[wilayah]


def scheme_labels() -> list[tuple[str, str]]:
    """The classification schemes with their labels (the city map's form uses them too)."""
    return [("quantiles", _("Quantiles")), ("fisher_jenks", _("Natural breaks (Fisher-Jenks)")),
            ("equal_interval", _("Equal interval"))]


def _level_names() -> dict[str, str]:
    return {"provinsi": _("Provinsi"), "kabupaten": _("Kabupaten/kota"),
            "kecamatan": _("Kecamatan"), "desa": _("Desa/kelurahan")}


def _layer_choices(lang: str) -> list[dict[str, str]]:
    """The layer select's options; ``years``: the years of the layer's program ("," list)."""
    by_program = figures.filter_options(get_db(), get_active())["years_by_program"]
    return [{"key": d.key, "title": d.title.text(lang),
             "program": PROGRAMS[d.program].title.text(lang),
             "years": ",".join(by_program.get(d.program, []))} for d in map_keys()]


def national_page() -> str | None:
    """The level-by-level map page when the working area is a province or ``ID``
    (None for a kabupaten/kota: its full map page stays as it is)."""
    config = current_app.config
    if config.get("BOUNDARIES") or not (config.get("WILAYAH") or "").strip():
        return None                                  # own boundary files: the full page
    wilayah = normalise_wilayah(config["WILAYAH"])
    if wilayah != COUNTRY and len(wilayah) != 2:
        return None
    name, lang = _area_name(wilayah), current_lang()
    start = ("provinsi", "") if wilayah == COUNTRY else ("kabupaten", wilayah)
    layers = _layer_choices(lang)
    points = [{"key": d.key, "title": d.title.text(lang)} for d in point_layers()]
    years = sorted({y for layer in layers for y in layer["years"].split(",") if y})
    empty = None if layers or points else NO_DATASETS.text(lang, area=name, wilayah=wilayah)
    return render_template(
        "national_map.html", title=_("Map of %(area)s", area=name),
        start_level=start[0], start_parent=start[1], layers=layers, points=points, empty=empty,
        years=years,
        schemes=scheme_labels(), default_scheme=DEFAULT_SCHEME, k_range=range(K_MIN, K_MAX + 1),
        default_k=DEFAULT_K, level_names=_level_names(),
        tile_url=current_app.config.get("TILE_URL") or "",
        tile_attribution=current_app.config.get("TILE_ATTRIBUTION") or "")
