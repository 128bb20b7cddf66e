"""One layer of the planners' map as JSON, for map-page.js's live updates.

``GET /api/map/<key>.json?scheme=&k=&year=&program=&kecamatan=`` (route in figures_api)
answers the piece of the map payload that a control change makes stale: one choropleth
(its classes, values, legend and the kelurahan it covers) or one point layer. The page's
boundaries (``/api/batas.json``) are never fetched again.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from geoapp import figures
from geoapp.core.errors import GeoappError
from geoapp.figures import LayerDef
from geoapp.maps.choropleth import choropleth_payload
from geoapp.maps.frames import profile_links, texts
from geoapp.maps.points import point_payload
from geoapp.store.active import ActiveVersions
from geoapp.web.map_view import (
    BAD_CHOICE,
    MAP_PROGRAMS,
    POINT_KEYS,
    MapRequest,
    choropleth_spec,
    download_links,
    kelurahan_frame,
    layer_values,
    load_layer,
    point_spec,
    program_note,
    theme_orders,
    year_note,
)

LIVE_PARAMS = ("scheme", "k", "year", "program", "kecamatan")


def live_keys(available: list[LayerDef]) -> list[str]:
    """The layer keys the live API answers: map programs' area layers and the point layers."""
    return [d.key for d in available
            if (d.kind == "area" and d.program in MAP_PROGRAMS) or d.key in POINT_KEYS]


def _definition(key: str, available: list[LayerDef]) -> LayerDef:
    allowed = live_keys(available)
    if key not in allowed:
        raise GeoappError(BAD_CHOICE, 404, name="layer", value=key[:60],
                          allowed=", ".join(allowed) or "-")
    return next(d for d in available if d.key == key)


def _kelurahan(kel) -> dict:
    kodes = texts(kel["kode"])
    return {"kode": kodes, "nama": texts(kel["nama"]), "kec": texts(kel["nama_kecamatan"]),
            "link": profile_links(kodes)}


def live_layer(session: Session, active: ActiveVersions, req: MapRequest,
               available: list[LayerDef], key: str, lang: str) -> dict:
    """The JSON-able piece of the map payload for one layer under the request's choices."""
    definition = _definition(key, available)
    notes: list = []
    out: dict = {"key": key, "program": definition.program,
                 "links": download_links(definition, req)}
    if definition.kind == "area":
        data = load_layer(figures.area_layer, session, active, definition, req, lang, notes)
        kel = kelurahan_frame(req.kecamatan)
        out.update(kind="area", kel=_kelurahan(kel), chor=None)
        if data is not None:
            kel = kel.assign(value_0=kel["kode"].astype(str).map(layer_values(data)).astype("float64"))
            spec = choropleth_spec(data, "value_0", req, lang)
            out["chor"] = choropleth_payload(kel, spec, lang)
            out["sample"] = data.sample
        shown = replace(req, layer=definition.program)
        notes += [n for n in (program_note(shown, lang),
                              year_note(req, lang, definition.program)) if n]
    else:
        data = load_layer(figures.point_layer, session, active, definition, req, lang, notes)
        out.update(kind="points", pts=None)
        if data is not None:
            order = theme_orders(session, active, [data], req).get(key, ())
            out["pts"], point_notes = point_payload(point_spec(data, order, lang), lang)
            notes += point_notes
            out["sample"] = data.sample
    out["notes"] = [n.text(lang) for n in notes]
    return out
