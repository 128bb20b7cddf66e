"""The kelurahan profile page's logic: its figures with ranks and percentiles, one bar
per program, the places in it and a small inline-SVG outline among its kecamatan.

Views stay thin: ``check_kode`` turns the URL's kode into the dotted form (400/404 when
it is not a kelurahan of the city) and ``build_profile`` returns everything the page
shows, with numbers already written in the reader's format.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from geoapp import figures
from geoapp.core.programs import PROGRAMS as PROGRAM_CATALOGUE
from geoapp.io.boundaries import load_boundaries
from geoapp.maps.formatting import format_value
from geoapp.maps.legend import NO_DATA
from geoapp.maps.page import T_RANK
from geoapp.maps.svg import fit_frame, polygon_path
from geoapp.store.active import ActiveVersions
from geoapp.values.codes import normalise_kode
from geoapp.values.numbers import format_percent

SVG_WIDTH, SVG_PAD = 320.0, 8.0
OUTLINE_TOLERANCE = 0.00003    # degrees (~3 m) when simplifying the outlines

BAR_PROGRAMS = ("umkm", "blk", "kwt", "jobfair")
POINT_LISTS = ("kampung", "kwt", "ecofarm")


def check_kode(text: str) -> str:
    """The dotted kelurahan kode (other written forms are normalised first).

    GeoappError 400 for a malformed kode, 404 for a kode that is not in the city.
    """
    dotted = normalise_kode(text) or str(text)
    return figures.check_kode(dotted)


def value_text(value: float | None, kind: str, lang: str) -> str:
    """A figure in the reader's number format; "Tidak ada data" (not 0) for no data."""
    shown = format_value(value, kind, lang)
    return NO_DATA.text(lang) if shown is None else shown


def rank_text(rank: int | None, total: int, lang: str) -> str:
    return "" if rank is None else T_RANK.text(lang, rank=rank, total=total)


def percentile(rank: int | None, total: int) -> float | None:
    """Share (0-100) of the kelurahan with data whose value is at most this one's."""
    if rank is None or total <= 0:
        return None
    return 100.0 * (total - rank + 1) / total


def _figure_row(fig: dict, lang: str) -> dict:
    return {**fig, "value_text": value_text(fig["value"], fig["value_kind"], lang),
            "rank_kecamatan_text": rank_text(fig["rank_kecamatan"], fig["ranked_kecamatan"], lang),
            "rank_city_text": rank_text(fig["rank_city"], fig["ranked_city"], lang),
            "percentile": percentile(fig["rank_city"], fig["ranked_city"])}


def bar_rows(rows: list[dict], lang: str) -> list[dict]:
    """One bar per program: its first per-kelurahan total (rank percentile in the city)."""
    out = []
    for program in BAR_PROGRAMS:
        row = next((r for r in rows if r["program"] == program and r["per"] == "total"), None)
        if row is not None:
            pct = row["percentile"]
            out.append({**row, "width": 0.0 if pct is None else round(pct * 2.0, 1),
                        "pct_text": "" if pct is None else format_percent(pct, lang, 0)})
    return out


def outline_svg(kode: str) -> dict:
    """An inline-SVG outline of the kelurahan among its kecamatan's kelurahan (numbers only)."""
    frame = load_boundaries().frame
    row = frame.loc[frame["kode"] == kode].iloc[0]
    kec = frame[frame["kode_kecamatan"] == row["kode_kecamatan"]]
    frame = fit_frame(kec.total_bounds, SVG_WIDTH, pad=SVG_PAD)
    shapes = [{"d": polygon_path(g.simplify(OUTLINE_TOLERANCE), frame), "self": k == kode}
              for k, g in zip(kec["kode"], kec.geometry, strict=True)]
    shapes.sort(key=lambda s: s["self"])  # the kelurahan itself is drawn last, on top
    return {"width": SVG_WIDTH, "height": round(frame.height, 1), "shapes": shapes}


def _place_rows(points: list[dict], program: str, lang: str) -> list[dict]:
    measures = {m.key: m for m in PROGRAM_CATALOGUE[program].measures}
    out = []
    for p in points:
        extra = [(m.title.text(lang), value_text(p.get(key), m.kind, lang))
                 for key, m in measures.items() if key in p]
        out.append({"nama": p.get("nama") or "", "tema": p.get("tema") or "",
                    "alamat": p.get("alamat") or "", "extra": extra})
    return out


def build_profile(session: Session, active: ActiveVersions, kode: str, lang: str) -> dict:
    """Everything the kelurahan profile page shows."""
    profile = figures.kelurahan_profile(session, active, kode, lang)
    rows = [_figure_row(f, lang) for f in profile["figures"] if f["program"] != "penduduk"]
    points = profile.get("points") or {}
    places = [{"program": p, "title": PROGRAM_CATALOGUE[p].title.text(lang),
               "rows": _place_rows(points.get(p) or [], p, lang)} for p in POINT_LISTS]
    return {"profile": profile, "figures": rows, "bars": bar_rows(rows, lang), "places": places,
            "outline": outline_svg(profile["kode"]),
            "luas_text": value_text(profile.get("luas_km2"), "number", lang),
            "penduduk_text": value_text(profile.get("penduduk"), "count", lang),
            "sources": list((profile.get("sources") or {}).values())}
