"""Public JSON/file API of the map layers, kelurahan figures and shared boundaries.

GET /api/layers                          catalogue of available layers with download links
GET /api/layers/<key>                    one layer's metadata and reconciliation ledger
GET /api/layers/<key>.<fmt>              geojson | csv | gpkg | png (filters: year,
                                         subprogram, kecamatan; png: scheme, k; csv:
                                         csv=id|en|machine, default the interface
                                         language: "id" is ";" and "," decimals, rounded,
                                         for a spreadsheet set to Indonesian; "machine"
                                         is "," and "." at full precision)
GET /api/kelurahan[/<kode>]              summary list / one kelurahan's profile
GET /api/batas.json                      the map's shared, quantised boundary geometry
GET /api/map/<key>.json                  one map layer's payload piece for live updates
                                         (scheme, k, year, program, kecamatan)

Query parameters are checked against an allowlist and filter values against the values
present in the data; user text never reaches SQL, column names or file names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from flask import Blueprint, Response, current_app, request, url_for

from geoapp import figures
from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.figures import Filters, LayerData
from geoapp.figures.layer_output import layer_geojson
from geoapp.io.boundaries import default_identity, load_boundaries, load_kecamatan
from geoapp.io.export import CSV_DIALECTS, layer_bytes
from geoapp.maps.classify import K_MAX, K_MIN, SCHEMES
from geoapp.maps.palettes import program_palette
from geoapp.maps.safejson import script_json
from geoapp.web import map_live, map_view
from geoapp.web.db import get_active, get_db
from geoapp.web.i18n import current_lang
from geoapp.web.params import BAD_VALUE
from geoapp.web.params import check_params as _check_params

bp = Blueprint("figures_api", __name__)

FORMATS = {"geojson": "application/geo+json", "csv": "text/csv; charset=utf-8",
           "gpkg": "application/geopackage+sqlite3", "png": "image/png"}
FILTER_PARAMS = ("year", "subprogram", "kecamatan")
PNG_PARAMS = ("scheme", "k")
CSV_PARAMS = ("csv",)      # id | en | machine (default: the interface language)
MAX_VALUE_LEN = 100
BATAS_MAX_AGE = 86400

BAD_FORMAT = Msg(
    "layers_api.bad_format",
    "Format '{fmt}' is not available for layers. Choose one of: {allowed}.",
)

# --------------------------------------------------------------------------- response cache


def _cached_body(key: tuple, compute: Callable[[], bytes]) -> tuple[bytes, str]:
    """A computed response body and its ETag, memoised in the app's one cache.

    ``key`` must contain the identities of the dataset versions the body depends on.
    """
    def build() -> tuple[bytes, str]:
        body = compute()
        return body, hashlib.sha256(body).hexdigest()[:32]

    return get_active().cached(("response", *key), build)


def _send(cached: tuple[bytes, str], mimetype: str, *, cache: str = "no-cache",
          filename: str | None = None) -> Response:
    """A response with an ETag (304 when the client has it) and Cache-Control."""
    body, etag = cached
    response = Response(body, content_type=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


def _json_bytes(obj: object) -> bytes:
    return current_app.json.dumps(obj).encode("utf-8")


# --------------------------------------------------------------------------- parameters


def _choose(name: str, value: str, allowed: list[str]) -> str:
    """The allowed value equal to ``value`` (case-insensitive), else a 400 listing them."""
    wanted = " ".join(value.split()).casefold()
    for candidate in allowed:
        if len(value) <= MAX_VALUE_LEN and candidate.casefold() == wanted:
            return candidate
    shown = ", ".join(allowed[:30]) + (" …" if len(allowed) > 30 else "")
    raise GeoappError(BAD_VALUE, 400, name=name, value=value[:40], allowed=shown or "-")


def _filters(params: dict[str, str], program: str) -> Filters:
    """Filters checked against the values present in the layer program's data."""
    if not any(p in params for p in FILTER_PARAMS):
        return Filters()
    options = figures.filter_options(get_db(), get_active())
    chosen: dict[str, str | None] = dict.fromkeys(FILTER_PARAMS)
    if "year" in params:
        chosen["year"] = _choose("year", params["year"],
                                 options["years_by_program"].get(program, []))
    if "subprogram" in params:
        chosen["subprogram"] = _choose("subprogram", params["subprogram"],
                                       options["subprograms"].get(program, []))
    if "kecamatan" in params:
        chosen["kecamatan"] = _choose("kecamatan", params["kecamatan"],
                                      [k for k, _ in options["kecamatan"]])
    return Filters(**chosen)


def _png_options(params: dict[str, str]) -> tuple[str, int]:
    scheme = _choose("scheme", params.get("scheme", "quantiles"), list(SCHEMES))
    k_text = params.get("k", "5")
    allowed_k = [str(k) for k in range(K_MIN, K_MAX + 1)]
    return scheme, int(_choose("k", k_text, allowed_k))


# --------------------------------------------------------------------------- catalogue


def _links(key: str) -> dict[str, str]:
    return {fmt: url_for("figures_api.layer_file", name=f"{key}.{fmt}") for fmt in FORMATS}


def _layer_entry(definition: figures.LayerDef, infos: dict, lang: str) -> dict:
    info = infos.get(definition.program)
    return {
        "key": definition.key, "title": definition.title.text(lang), "kind": definition.kind,
        "program": definition.program, "per": definition.per,
        "value_kind": definition.value_kind,
        "dataset_id": info.id if info else None,
        "dataset_version": info.version if info else None,
        "sample": bool(info.sample) if info else False,
        "source": figures.source_text(definition.program, info, lang),
        "downloads": _links(definition.key),
    }


@bp.get("/layers")
def layer_list():
    """Available layers (their program has an active dataset) with download links."""
    _check_params(())
    session, active, lang = get_db(), get_active(), current_lang()
    key = ("layers", active.identity(session), lang)

    def build() -> bytes:
        infos = active.infos(session)
        layers = [_layer_entry(d, infos, lang) for d in figures.available_layers(session, active)]
        return _json_bytes({"layers": layers, "default": figures.DEFAULT_LAYER,
                            "formats": list(FORMATS),
                            "filters": figures.filter_options(session, active)})

    return _send(_cached_body(key, build), "application/json")


# --------------------------------------------------------------------------- one layer


def _meta(data: LayerData, filters: Filters, lang: str) -> dict:
    d = data.definition
    return {"key": d.key, "title": d.title.text(lang), "kind": d.kind, "program": d.program,
            "per": d.per, "value_kind": d.value_kind, "dataset_id": data.dataset_id,
            "dataset_version": data.dataset_version, "sample": data.sample,
            "source": figures.layer_source_text(get_db(), get_active(), data, lang),
            "filters": {"year": filters.year, "subprogram": filters.subprogram,
                        "kecamatan": filters.kecamatan},
            "features": int(len(data.frame)), "ledger": data.ledger,
            "downloads": _links(d.key)}


def _safe_part(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.casefold()).strip("-")[:40]


def _filename(data: LayerData, filters: Filters, fmt: str) -> str:
    """A server-made download name: layer key, kecamatan, year and dataset version only."""
    parts = ["geoapp", data.definition.key]
    if filters.kecamatan:
        parts.append("kec-" + _safe_part(filters.kecamatan.replace(".", "-")))
    if filters.year and re.fullmatch(r"\d{4}", filters.year):
        parts.append(filters.year)
    if filters.subprogram:
        parts.append("subprogram")
    if data.dataset_version is not None:
        parts.append(f"v{data.dataset_version}")
    if data.sample:
        parts.append("contoh")
    return "_".join(p for p in parts if p) + "." + fmt


def _png_title(data: LayerData, filters: Filters, lang: str) -> str:
    title = data.definition.title.text(lang)
    extra = [f for f in (filters.year, filters.subprogram) if f]
    if filters.kecamatan:
        names = dict(figures.filter_options(get_db(), get_active())["kecamatan"])
        extra.insert(0, f"Kec. {names.get(filters.kecamatan, filters.kecamatan)}")
    return title + (f" — {', '.join(extra)}" if extra else "")


def _csv_dialect(params: dict[str, str], lang: str) -> str:
    """The CSV flavour asked for (``?csv=id|en|machine``), else the interface language's."""
    return _choose("csv", params.get("csv", lang), list(CSV_DIALECTS))


def _render(data: LayerData, filters: Filters, fmt: str, lang: str,
            params: dict[str, str]) -> bytes:
    frame = figures.export_frame(data)
    if fmt == "geojson":
        return layer_geojson(get_db(), frame)
    if fmt in ("csv", "gpkg"):
        return layer_bytes(frame, fmt, layer_name=data.definition.key.replace("-", "_"),
                           csv_dialect=_csv_dialect(params, lang))
    from geoapp.figures.png import render_layer_png

    scheme, k = _png_options(params)
    outline = load_boundaries().frame
    if filters.kecamatan:
        outline = outline[outline["kode_kecamatan"] == filters.kecamatan]
    return render_layer_png(data, lang=lang, title=_png_title(data, filters, lang),
                            source=figures.layer_source_text(get_db(), get_active(), data, lang),
                            scheme=scheme, k=k, outline=outline,
                            palette=program_palette(data.definition.program))


def _split_name(name: str) -> tuple[str, str | None]:
    key, dot, fmt = name.rpartition(".")
    return (key, fmt) if dot else (name, None)


@bp.get("/layers/<name>")
def layer_file(name: str):
    """One layer as metadata JSON (no extension) or as a geojson/csv/gpkg/png download."""
    key, fmt = _split_name(name)
    definition = figures.get_layer_def(key)
    if fmt is not None and fmt not in FORMATS:
        raise GeoappError(BAD_FORMAT, 404, fmt=fmt[:20], allowed=", ".join(FORMATS))
    extra = {"png": PNG_PARAMS, "csv": CSV_PARAMS}.get(fmt or "", ())
    params = _check_params(FILTER_PARAMS + extra)
    if fmt == "png":
        _png_options(params)  # a bad scheme or k is a 400 before any work
    filters, lang = _filters(params, definition.program), current_lang()
    session, active = get_db(), get_active()
    png_key = (params.get("scheme"), params.get("k")) if fmt == "png" else None
    if fmt == "csv":
        png_key = ("csv", _csv_dialect(params, lang))
    cache_key = ("layer", key, fmt, filters, lang, png_key,
                 figures.layer_identity(session, active, key))
    data_holder: list[LayerData] = []

    def data() -> LayerData:
        if not data_holder:
            data_holder.append(figures.layer(session, active, key, filters))
        return data_holder[0]

    if fmt is None:
        body = _cached_body(cache_key, lambda: _json_bytes(_meta(data(), filters, lang)))
        return _send(body, "application/json")
    body = _cached_body(cache_key, lambda: _render(data(), filters, fmt, lang, params))
    name_key = (*cache_key, "filename")
    name = _cached_body(name_key, lambda: _filename(data(), filters, fmt).encode())[0].decode()
    return _send(body, FORMATS[fmt], filename=name)


# --------------------------------------------------------------------------- kelurahan


@bp.get("/kelurahan")
def kelurahan_list():
    """Every kelurahan with each program's main figure."""
    _check_params(())
    session, active = get_db(), get_active()
    key = ("kelurahan", active.identity(session))
    body = _cached_body(key, lambda: _json_bytes(
        {"kelurahan": figures.kelurahan_summary(session, active)}))
    return _send(body, "application/json")


@bp.get("/kelurahan/<kode>")
def kelurahan_profile(kode: str):
    """One kelurahan's profile: figures with ranks, names, area, population, points."""
    _check_params(())
    session, active, lang = get_db(), get_active(), current_lang()
    kode = figures.check_kode(kode)
    key = ("profile", kode, lang, active.identity(session))
    body = _cached_body(key, lambda: _json_bytes(
        figures.kelurahan_profile(session, active, kode, lang)))
    return _send(body, "application/json")


# --------------------------------------------------------------------------- boundaries

def _boundary_payload() -> bytes:
    from geoapp.maps import boundaries_json

    return boundaries_json(load_boundaries().frame, load_kecamatan()).encode("utf-8")


@bp.get("/batas.json")
def batas():
    """Kelurahan and kecamatan geometry for the map, cached by the browser (ETag)."""
    _check_params(())
    key = ("batas", default_identity())
    body = _cached_body(key, _boundary_payload)
    return _send(body, "application/json", cache=f"public, max-age={BATAS_MAX_AGE}")


# --------------------------------------------------------------------------- live map


@bp.get("/map/<name>")
def map_layer(name: str):
    """One layer of the map page (choropleth or points) under the page's choices."""
    key, fmt = _split_name(name)
    if fmt != "json":
        raise GeoappError(BAD_FORMAT, 404, fmt=str(fmt)[:20], allowed="json")
    params = _check_params(map_live.LIVE_PARAMS)
    session, active, lang = get_db(), get_active(), current_lang()
    available = figures.available_layers(session, active)
    options = figures.filter_options(session, active)
    req = map_view.parse_map_args(params, available, options)
    identity = figures.layer_identity(session, active, key) if key in map_live.live_keys(
        available) else None
    cache_key = ("map", key, req, lang, identity, default_identity())
    body = _cached_body(cache_key, lambda: script_json(
        map_live.live_layer(session, active, req, available, key, lang)).encode("utf-8"))
    return _send(body, "application/json")
