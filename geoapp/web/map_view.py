"""The map page's logic: query arguments -> plain choices -> figures -> a Folium map.

Views stay thin: ``parse_map_args`` validates the GET arguments against what the
store offers (allowlists, clear 400 errors), ``build_page`` computes the layers
through ``geoapp.figures`` and builds the map, and ``map_parts`` splits the Folium
document into the pieces map.html embeds (assets, map div + data, init script).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import folium
import geopandas as gpd
import pandas as pd
from sqlalchemy.orm import Session

from geoapp import figures
from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg, Note
from geoapp.core.programs import PROGRAMS as PROGRAM_CATALOGUE
from geoapp.figures import Filters, LayerData, LayerDef
from geoapp.io.boundaries import load_boundaries, load_kecamatan
from geoapp.maps import (
    ChoroplethSpec,
    PointLayerSpec,
    build_map,
    ecofarm_layer,
    kampung_tematik_layer,
    kwt_layer,
)
from geoapp.maps.classify import K_MAX, K_MIN, SCHEMES
from geoapp.maps.palettes import program_palette
from geoapp.store.active import ActiveVersions
from geoapp.values.integers import parse_optional_int

MAP_PROGRAMS = ("umkm", "blk", "kwt", "jobfair")      # choropleths, in this order
POINT_KEYS = ("kwt-titik", "ecofarm-titik", "kampung-tematik")
OVERLAYS = (*POINT_KEYS, "kecamatan")                   # what "hide" may switch off
FORMATS = ("geojson", "csv", "gpkg", "png")
DEFAULT_SCHEME, DEFAULT_K = "quantiles", 5
PARAMS = ("scheme", "k", "year", "program", "kecamatan")   # plus v_<program>
VIEW_PARAMS = ("layer", "hide", "z", "c", "kel")          # read by map-page.js
POINT_PRESETS = {"kwt-titik": kwt_layer, "ecofarm-titik": ecofarm_layer,
                 "kampung-tematik": kampung_tematik_layer}

BAD_CHOICE = Msg(
    "map_page.bad_choice",
    "Parameter '{name}' is not valid: received '{value}'. Allowed: {allowed}.",
)
BAD_K = Msg(
    "map_page.bad_k",
    "Parameter 'k' (number of classes) must be a whole number from {minimum} to {maximum}, "
    "written with the digits 0-9; received '{value}'.",
)
LAYER_FAILED = Msg("map_page.layer_failed", "Layer '{layer}' could not be shown: {reason}")
YEAR_ONLY = Msg(
    "map_page.year_only",
    "The year filter {year} only applies to programs that have a year column: {programs}.",
)
PROGRAM_ELSEWHERE = Msg(
    "map_page.program_elsewhere",
    "The Program filter '{value}' applies only to {owner}; the map shows {layer}, "
    "which it does not change.",
)
SAMPLE_SUFFIX = Msg("map_page.sample_suffix", "sample data")
F_KELURAHAN = Msg("map_page.field_kelurahan", "Kelurahan")
F_JENIS = Msg("map_page.field_jenis", "Type")
F_LUAS = Msg("map_page.field_luas", "Area (m²)")
EXTRA_POPUP = {"ecofarm-titik": {"tema": F_JENIS, "luas": F_LUAS}}


@dataclass(frozen=True)
class MapRequest:
    """The validated choices of the map page's form."""

    scheme: str = DEFAULT_SCHEME
    k: int = DEFAULT_K
    variants: tuple[tuple[str, str], ...] = ()     # (program, layer key)
    year: str | None = None
    subprogram: tuple[str, str] | None = None      # (program, value)
    kecamatan: str | None = None
    year_programs: tuple[str, ...] | None = None   # programs with a year column (None: all)
    layer: str | None = None                       # program of the one choropleth shown
    hidden: tuple[str, ...] = ()                   # overlays switched off (OVERLAYS)

    def variant(self, program: str) -> str | None:
        return dict(self.variants).get(program)

    def filters_for(self, program: str) -> Filters:
        """The figures filters of one program (the sub-program only applies to its own)."""
        sub = self.subprogram[1] if self.subprogram and self.subprogram[0] == program else None
        has_years = self.year_programs is None or program in self.year_programs
        return Filters(year=self.year if has_years else None, subprogram=sub,
                       kecamatan=self.kecamatan)


@dataclass
class PageMap:
    """Everything the map page shows besides the static texts."""

    request: MapRequest
    area: list[LayerData] = field(default_factory=list)
    points: list[LayerData] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    fmap: folium.Map | None = None
    theme_orders: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def layers(self) -> list[LayerData]:
        return self.area + self.points

    @property
    def sample(self) -> bool:
        return any(layer.sample for layer in self.layers)


@dataclass(frozen=True)
class MapParts:
    """The pieces of a Folium document that map.html embeds in the page."""

    js: tuple[str, ...]
    css: tuple[str, ...]
    body: str
    script: str


# ----------------------------------------------------------------- choices


def area_variants(available: list[LayerDef]) -> dict[str, list[LayerDef]]:
    """Map programs -> their available area layers (the first is the default)."""
    out: dict[str, list[LayerDef]] = {}
    for d in available:
        if d.kind == "area" and d.program in MAP_PROGRAMS:
            out.setdefault(d.program, []).append(d)
    return {p: out[p] for p in MAP_PROGRAMS if p in out}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _choice(args: Mapping[str, str], name: str, allowed: list[str]) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise GeoappError(BAD_CHOICE, 400, name=name, value=value[:60],
                          allowed=", ".join(a[:40] for a in allowed[:40]) or "-")
    return value


def _parse_k(args: Mapping[str, str]) -> int:
    k = parse_optional_int(args.get("k"), "k", minimum=K_MIN, maximum=K_MAX, msg=BAD_K)
    return DEFAULT_K if k is None else k


def subprogram_choices(options: Mapping[str, object]) -> list[tuple[str, str, str]]:
    """(form value, program, sub-program) for every sub-program the active data has."""
    subs = options.get("subprograms") or {}
    out = []
    for program, values in dict(subs).items():  # type: ignore[arg-type]
        for value in values or []:
            out.append((f"{program}:{value}", str(program), _text(value)))
    return out


def _layer_key_args(args: Mapping[str, str], available: list[LayerDef]) -> Mapping[str, str]:
    """``layer`` given as a layer key (the national map's ``layer=umkm-nilai``) read as
    ``layer=umkm`` with that variant (``v_umkm=umkm-nilai``, unless one is given)."""
    key = (args.get("layer") or "").strip()
    for program, defs in area_variants(available).items():
        if key in [d.key for d in defs] and key != program:
            out = {name: args.get(name) or "" for name in args}
            out["layer"] = program
            out[f"v_{program}"] = out.get(f"v_{program}") or key
            return out
    return args


def parse_map_args(args: Mapping[str, str], available: list[LayerDef],
                   options: Mapping[str, object]) -> MapRequest:
    """Validate the map page's GET arguments; GeoappError 400 naming what is allowed.
    ``layer`` is a program, or one of its layer keys (the national map's links)."""
    args = _layer_key_args(args, available)
    scheme = _choice(args, "scheme", list(SCHEMES)) or DEFAULT_SCHEME
    variants = []
    for program, defs in area_variants(available).items():
        chosen = _choice(args, f"v_{program}", [d.key for d in defs])
        variants.append((program, chosen or defs[0].key))
    years = [_text(y) for y in options.get("years") or []]
    kecamatan = [_text(k) for k, _ in options.get("kecamatan") or []]
    subs = subprogram_choices(options)
    sub_value = _choice(args, "program", [s[0] for s in subs])
    subprogram = next(((p, v) for value, p, v in subs if value == sub_value), None)
    by_program = options.get("years_by_program")
    programs = [p for p, _ in variants]
    return MapRequest(scheme=scheme, k=_parse_k(args), variants=tuple(variants),
                      year=_choice(args, "year", years), subprogram=subprogram,
                      kecamatan=_choice(args, "kecamatan", kecamatan),
                      year_programs=None if by_program is None else tuple(by_program),
                      layer=_choice(args, "layer", programs) or (programs or [None])[0],
                      hidden=_hidden(args))


def _hidden(args: Mapping[str, str]) -> tuple[str, ...]:
    """The overlays the ``hide`` list switches off (comma-separated, each from OVERLAYS)."""
    names = [n.strip() for n in (args.get("hide") or "").split(",") if n.strip()]
    for name in names:
        _choice({"hide": name}, "hide", list(OVERLAYS))
    return tuple(n for n in OVERLAYS if n in names)


def year_note(req: MapRequest, lang: str, program: str | None = None) -> Note | None:
    """Names the programs a year filter applies to (for ``program``: only when it has none)."""
    if not req.year or req.year_programs is None or program in req.year_programs:
        return None
    names = [PROGRAM_CATALOGUE[p].title.text(lang) for p in req.year_programs
             if p in PROGRAM_CATALOGUE]
    return Note.of(YEAR_ONLY, year=req.year, programs=", ".join(names) or "-")


def program_note(req: MapRequest, lang: str) -> Note | None:
    """Says so when the Program filter belongs to another program than the one shown."""
    if not req.subprogram or not req.layer or req.subprogram[0] == req.layer:
        return None
    owner, shown = (PROGRAM_CATALOGUE.get(p) for p in (req.subprogram[0], req.layer))
    return Note.of(PROGRAM_ELSEWHERE, value=req.subprogram[1],
                   owner=owner.title.text(lang) if owner else req.subprogram[0],
                   layer=shown.title.text(lang) if shown else req.layer)


def download_links(definition: LayerDef, req: MapRequest) -> dict[str, str]:
    """Format -> /api/layers/<key>.<fmt> URL carrying the current filters."""
    filters = req.filters_for(definition.program)
    base = {k: v for k, v in (("year", filters.year), ("subprogram", filters.subprogram),
                               ("kecamatan", filters.kecamatan)) if v}
    links = {}
    for fmt in FORMATS:
        params = dict(base)
        if fmt == "png" and definition.kind == "area":
            params.update(scheme=req.scheme, k=str(req.k))
        query = urlencode(params)
        links[fmt] = f"/api/layers/{definition.key}.{fmt}" + (f"?{query}" if query else "")
    return links


# ----------------------------------------------------------------- figures


def load_layer(loader, session: Session, active: ActiveVersions, definition: LayerDef,
          req: MapRequest, lang: str, notes: list[Note]) -> LayerData | None:
    try:
        data = loader(session, active, definition.key, req.filters_for(definition.program))
        return replace(data, source_label=figures.layer_source_text(session, active, data, lang))
    except GeoappError as exc:
        notes.append(Note.of(LAYER_FAILED, layer=definition.title.text(lang),
                             reason=exc.text(lang)))
        return None


def load_layers(session: Session, active: ActiveVersions, req: MapRequest,
                available: list[LayerDef], lang: str) -> PageMap:
    """Compute the chosen area layer of every map program and the point layers."""
    page = PageMap(req)
    note = year_note(req, lang)
    page.notes += [note] if note else []
    chosen = {req.variant(p) for p in MAP_PROGRAMS}
    for definition in available:
        if definition.kind == "area" and definition.key in chosen:
            data = load_layer(figures.area_layer, session, active, definition, req, lang, page.notes)
            page.area += [data] if data is not None else []
    by_key = {d.key: d for d in available}
    for key in POINT_KEYS:
        if key in by_key:
            data = load_layer(figures.point_layer, session, active, by_key[key], req, lang, page.notes)
            page.points += [data] if data is not None else []
    page.area.sort(key=lambda d: MAP_PROGRAMS.index(d.definition.program))
    page.theme_orders = theme_orders(session, active, page.points, req)
    note = program_note(req, lang)
    page.notes += [note] if note else []
    return page


def theme_orders(session: Session, active: ActiveVersions, points: list[LayerData],
                 req: MapRequest) -> dict[str, tuple[str, ...]]:
    """All themes of each themed point layer without filters: their colours stay put."""
    return {data.definition.key: data.theme_order for data in points
            if "tema" in data.frame.columns}


def kelurahan_frame(kecamatan: str | None) -> gpd.GeoDataFrame:
    """The kelurahan the map draws: the whole city, or one kecamatan."""
    frame = load_boundaries().frame
    if kecamatan:
        frame = frame[frame["kode_kecamatan"] == kecamatan]
    return frame.reset_index(drop=True)


def layer_values(data: LayerData) -> pd.Series:
    frame = data.frame
    if len(frame) == 0 or "value" not in frame.columns:
        return pd.Series(dtype="float64")
    values = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    return pd.Series(values.to_numpy(), index=frame["kode"].astype(str).to_numpy())


def choropleths(kel: gpd.GeoDataFrame, page: PageMap,
                lang: str) -> tuple[gpd.GeoDataFrame, list[ChoroplethSpec]]:
    """The kelurahan frame with one value column per area layer, and their specs."""
    kel = kel.copy()
    specs = []
    for i, data in enumerate(page.area):
        column = f"value_{i}"
        kel[column] = kel["kode"].astype(str).map(layer_values(data)).astype("float64")
        specs.append(choropleth_spec(data, column, page.request, lang))
    return kel, specs


def choropleth_spec(data: LayerData, column: str, req: MapRequest, lang: str) -> ChoroplethSpec:
    """The spec of one area layer's choropleth (palette from geoapp.maps.palettes)."""
    d = data.definition
    return ChoroplethSpec(key=d.key, title=d.title.text(lang), column=column, kind=d.value_kind,
                          palette=program_palette(d.program), scheme=req.scheme, k=req.k,
                          dataset_label=data.source_label or None)


def point_specs(page: PageMap, lang: str) -> list[PointLayerSpec]:
    """The point layer specs (titles say "data contoh" when the data is sample data)."""
    return [point_spec(data, page.theme_orders.get(data.definition.key, ()), lang)
            for data in page.points]


def point_spec(data: LayerData, order: tuple[str, ...], lang: str) -> PointLayerSpec:
    """One point layer's spec; ``order`` holds all its themes (stable colours)."""
    d = data.definition
    spec = POINT_PRESETS[d.key](data.frame, lang, key=d.key)
    title = d.title.text(lang)
    extra = {**EXTRA_POPUP.get(d.key, {}), "nama_kelurahan": F_KELURAHAN}
    fields = dict(spec.popup_fields)
    fields.update({c: m.text(lang) for c, m in extra.items() if c in data.frame.columns})
    if data.sample:
        title = f"{title} ({SAMPLE_SUFFIX.text(lang)})"
    return replace(spec, title=title, popup_fields=fields, theme_order=order)


def build_page(session: Session, active: ActiveVersions, req: MapRequest,
               available: list[LayerDef], *, lang: str,
               tiles: str | None, boundaries_url: str = "/api/batas.json",
               asset_prefix: str = "/static/vendor") -> PageMap:
    """Compute the layers and build the Folium map for the map page."""
    page = load_layers(session, active, req, available, lang)
    kel, chor = choropleths(kelurahan_frame(req.kecamatan), page, lang)
    page.fmap = build_map(kelurahan=kel, kecamatan=load_kecamatan(), choropleths=chor,
                          point_layers=point_specs(page, lang), lang=lang,
                          asset_prefix=asset_prefix, boundaries_url=boundaries_url,
                          tiles=tiles or None, panel=True)
    page.notes += list(getattr(page.fmap, "geoapp_notes", []))
    return page


def map_parts(fmap: folium.Map) -> MapParts:
    """Split the Folium document: asset URLs, map div + data block, init script.

    Folium's own page header (full-page html/body styles, a viewport meta that
    blocks zooming) is left out; the page's CSS sizes the map instead.
    """
    root = fmap.get_root()
    root.render()
    js = tuple(url for _, url in getattr(fmap, "default_js", []))
    css = tuple(url for _, url in getattr(fmap, "default_css", []))
    return MapParts(js=js, css=css, body=root.html.render(), script=root.script.render())
