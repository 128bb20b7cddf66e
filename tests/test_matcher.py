"""Hand-made cases for match_rows: each evidence kind, ambiguity and conflict."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from geoapp.core.errors import GeoappError
from geoapp.matching.aliases import AliasStore
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.matcher import match_rows
from geoapp.matching.spatial import locate_points

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "data" / "boundaries" / "kota_tangerang_kelurahan.geojson"


@pytest.fixture(scope="module")
def gdf() -> gpd.GeoDataFrame:
    return gpd.read_file(BOUNDARIES)


@pytest.fixture(scope="module")
def gaz(gdf) -> Gazetteer:
    return Gazetteer.from_boundaries(gdf)


def run(gaz, kel=None, kec=None, kode=None, lat=None, lon=None, exclude=None, lang="en",
        aliases=None):
    return match_rows(kode=kode, kelurahan=kel, kecamatan=kec, lat=lat, lon=lon,
                      exclude=exclude, gazetteer=gaz, aliases=aliases, lang=lang)


def one(gaz, kel=None, kec=None, kode=None, **kw):
    res = run(gaz, kel=None if kel is None else [kel], kec=None if kec is None else [kec],
              kode=None if kode is None else [kode], **kw)
    return res.status[0], res.method[0], res.kode[0], res.note[0], res.suggestions[0]


@pytest.mark.parametrize("text, kode, method", [
    ("Cipondoh", "36.71.05.1001", "nama"),
    ("  KEL.  sukasari ", "36.71.01.1007", "nama"),
    ("Kelurahan Batu Ceper", "36.71.03.1001", "nama"),
    ("Suka Asih", "36.71.01.1002", "nama"),
    ("Kel. Pd. Bahar", "36.71.12.1003", "nama"),
    ("Panunggangan Utr", "36.71.11.1010", "nama"),
    ("Kreo Sel.", "36.71.13.1008", "nama"),
    ("Tjipondoh", "36.71.05.1001", "nama"),
    ("Djatake", "36.71.02.1002", "nama"),
    ("Oewoeng Djaja", "36.71.09.1005", "nama"),
    ("Padurenan (Pedurenan)", "36.71.12.1006", "nama"),
    ("Cimone (Kec. Karawaci)", "36.71.07.1005", "nama"),
    ("Cipondh", "36.71.05.1001", "fuzzy"),
    ("Karawacii", "36.71.07.1001", "fuzzy"),
    ("Panungangan Barat", "36.71.09.1004", "fuzzy"),
    ("KreoSelatna", "36.71.13.1008", "fuzzy"),
    ("Larangan Selatn", "36.71.13.1002", "fuzzy"),
    ("Nerogtog", "36.71.11.1003", "alias"),
])
def test_name_variants_match(gaz, text, kode, method):
    status, got_method, got, note, _ = one(gaz, text, aliases=AliasStore.load(None))
    assert (status, got_method, got) == ("matched", method, kode), note
    assert note


@pytest.mark.parametrize("text", ["Panunggangan Utr", "Panunggangan U", "Panunggangan Uta",
                                  "PanungganganU", "Cipadu J", "CipaduJ", "Periuk J"])
def test_sibling_words_never_dropped(gaz, text):
    status, _, kode, _, _ = one(gaz, text)
    assert kode not in ("36.71.11.1009", "36.71.13.1003", "36.71.08.1001")
    if status == "matched":
        assert text == "Panunggangan Utr" and kode == "36.71.11.1010"


def test_sudimara_is_ambiguous(gaz):
    status, method, kode, note, sugg = one(gaz, "Sudimara")
    assert (status, method, kode) == ("review", "", None)
    assert len(sugg) == 3 and all(s.nama.startswith("Sudimara") for s in sugg)
    assert sugg[0].score >= sugg[-1].score
    assert "Sudimara" in note


@pytest.mark.parametrize("text", ["Pondok Aren", "Serpong", "Ciputat", "Pamulang",
                                  "Serpong Utara", "Pondok Jagung", "Kedaung", "Rawa Buntu"])
def test_other_cities_not_forced(gaz, text):
    status, _, kode, note, _ = one(gaz, text)
    assert status in ("unmatched", "review") and kode is None
    assert note


def test_kecamatan_and_kelurahan_jatiuwung(gaz):
    assert one(gaz, "Jatiuwung")[2] == "36.71.09.1006"
    status, _, kode, note, sugg = one(gaz, "Jatiuwung", kec="Jatiuwung")
    assert (status, kode) == ("review", None)
    assert sugg[0].kode == "36.71.09.1006" and "Cibodas" in note
    assert one(gaz, "Jatiuwung", kec="Kec. Cibodas")[:3] == ("matched", "nama", "36.71.09.1006")


def test_kecamatan_only_name(gaz):
    status, _, kode, note, _ = one(gaz, "Ciledug")
    assert (status, kode) == ("unmatched", None)
    assert "kecamatan" in note


def test_kecamatan_variants_restrict(gaz):
    assert one(gaz, "Karang Timur", kec="Karangtengah")[2] == "36.71.12.1005"
    assert one(gaz, "Batuceper", kec="Batu Ceper")[2] == "36.71.03.1001"
    assert one(gaz, "Sudimara Jaya", kec="Cileduk")[2] == "36.71.06.1006"
    assert one(gaz, "Sukaasih", kec="Kota Tangerang")[2] == "36.71.01.1002"


def test_name_in_other_kecamatan_goes_to_review(gaz):
    status, _, kode, note, sugg = one(gaz, "Cipondoh", kec="Karawaci")
    assert (status, kode) == ("review", None)
    assert sugg[0].kode == "36.71.05.1001"
    assert one(gaz, "Pondok Pucung", kec="Pondok Aren")[0] == "review"


@pytest.mark.parametrize("code", ["36.71.05.1001", "3671051001", "3671051001.0", 3671051001,
                                  "36.71.5.1001", "36-71-05-1001"])
def test_code_forms(gaz, code):
    assert one(gaz, kode=code)[:3] == ("matched", "kode", "36.71.05.1001")


def test_code_wins_when_name_agrees_or_is_empty(gaz):
    assert one(gaz, "Cipondoh", kode="3671051001")[:3] == ("matched", "kode", "36.71.05.1001")
    assert one(gaz, "Tjipondoh", kode="3671051001")[0] == "matched"


def test_code_and_name_conflict(gaz):
    status, _, kode, note, sugg = one(gaz, "Sukasari", kode="3671051001")
    assert (status, kode) == ("review", None)
    assert {s.kode for s in sugg} == {"36.71.05.1001", "36.71.01.1007"}
    assert "Sukasari" in note


def test_code_and_kecamatan_conflict(gaz):
    assert one(gaz, kode="3671051001", kec="Karawaci")[0] == "review"
    assert one(gaz, kode="3671051001", kec="Cipondoh")[0] == "matched"


def test_kecamatan_code_in_kode_column(gaz):
    status, method, kode, note, _ = one(gaz, "Kenanga", kode="36.71.05")
    assert (status, method, kode) == ("matched", "nama", "36.71.05.1005")
    assert "36.71.05" in note
    assert one(gaz, "Sukasari", kode="3671.05")[0] == "review"


def test_scientific_code_noted_and_name_used(gaz):
    status, method, kode, note, _ = one(gaz, "Cipondoh", kode="3.67105E+09")
    assert (status, method, kode) == ("matched", "nama", "36.71.05.1001")
    assert "scientific" in note


def test_code_of_other_region(gaz):
    status, _, kode, note, _ = one(gaz, kode="36.74.01.1001")
    assert (status, kode) == ("unmatched", None)
    assert "outside" in note
    assert one(gaz, "Cipondoh", kode="36.74.01.1001")[0] == "review"
    assert "not in" in one(gaz, kode="36.71.05.1099")[3]


def test_notes_follow_language(gaz):
    en = one(gaz, "Sudimara", lang="en")[3]
    id_ = one(gaz, "Sudimara", lang="id")[3]
    assert en != id_ and "kelurahan" in id_


def test_no_evidence_row(gaz):
    status, _, _, note, _ = one(gaz, "  ", kode="")
    assert status == "unmatched" and note


def test_excluded_rows(gaz):
    res = run(gaz, kel=["Cipondoh", "JUMLAH", "Cipondoh"],
              exclude=np.array([False, True, False]))
    assert list(res.status) == ["matched", "excluded", "matched"]
    assert res.kode[1] is None and res.note[1]


def test_duplicates_broadcast_and_progress(gaz):
    kel = ["Cipondoh", "Sudimara", None, "Cipondh"] * 2500
    calls = []
    res = match_rows(kode=None, kelurahan=kel, kecamatan=None, lat=None, lon=None, exclude=None,
                     gazetteer=gaz, progress=lambda d, t: calls.append((d, t)))
    assert len(res) == 10_000 and len(res.suggestions) == 10_000
    assert list(res.status[:4]) == ["matched", "review", "unmatched", "matched"]
    assert (res.status[::4] == "matched").all() and (res.status[1::4] == "review").all()
    assert calls[-1] == (4, 4)


def test_length_mismatch_is_user_error(gaz):
    with pytest.raises(GeoappError):
        run(gaz, kel=["a", "b"], kec=["a"])


def test_pandas_string_series(gaz):
    kel = pd.Series(["Cipondoh", None, "Kreo"], dtype="string")
    res = run(gaz, kel=kel)
    assert list(res.kode) == ["36.71.05.1001", None, "36.71.13.1004"]


# --- coordinates -------------------------------------------------------------------------

def _inside(gdf, kode):
    geom = gdf.loc[gdf.kode == kode, "geometry"].iloc[0]
    pt = geom.representative_point()
    return pt.y, pt.x


def test_point_decides(gaz, gdf):
    lat, lon = _inside(gdf, "36.71.06.1002")
    res = run(gaz, kel=["", "Sudimara"], lat=np.array([lat, lat]), lon=np.array([lon, lon]))
    assert list(res.kode) == ["36.71.06.1002", "36.71.06.1002"]
    assert list(res.method) == ["koordinat", "koordinat"]


def test_point_far_from_name_goes_to_review(gaz, gdf):
    lat, lon = _inside(gdf, "36.71.13.1004")
    status, _, kode, note, sugg = one(gaz, "Cipondoh", lat=np.array([lat]), lon=np.array([lon]))
    assert (status, kode) == ("review", None)
    assert {s.kode for s in sugg} == {"36.71.05.1001", "36.71.13.1004"}
    assert one(gaz, kode="3671051001", lat=np.array([lat]), lon=np.array([lon]))[0] == "review"


def test_point_outside_flagged_then_name(gaz):
    status, method, kode, note, _ = one(gaz, "Cipondoh", lat=np.array([-6.0]),
                                        lon=np.array([107.5]))
    assert (status, method, kode) == ("matched", "nama", "36.71.05.1001")
    assert "outside" in note


def test_point_near_boundary_keeps_name(gaz, gdf):
    geom_a = gdf.loc[gdf.kode == "36.71.05.1001", "geometry"].iloc[0]     # Cipondoh
    geom_b = gdf.loc[gdf.kode == "36.71.05.1005", "geometry"].iloc[0]     # Kenanga
    edge = shapely.get_coordinates(geom_a.boundary.intersection(geom_b.boundary))
    mid = edge[len(edge) // 2]
    steps = [(dx, dy) for dx in (-1e-4, 0, 1e-4) for dy in (-1e-4, 0, 1e-4)]
    probes = [shapely.Point(mid[0] + dx, mid[1] + dy) for dx, dy in steps]
    probe = next(p for p in probes if geom_b.contains(p) and not geom_a.intersects(p))
    status, method, kode, note, _ = one(gaz, "Cipondoh", lat=np.array([probe.y]),
                                        lon=np.array([probe.x]))
    assert (status, kode) == ("matched", "36.71.05.1001")
    assert "Kenanga" in note


def _squares() -> Gazetteer:
    gdf = gpd.GeoDataFrame({
        "kode": ["99.01.01.1002", "99.01.01.1001"], "nama": ["Kanan", "Kiri"],
        "kode_kecamatan": ["99.01.01", "99.01.01"], "nama_kecamatan": ["Uji", "Uji"],
    }, geometry=[box(0.9, 0, 2, 1), box(0, 0, 1, 1)], crs=4326)
    return Gazetteer.from_boundaries(gdf)


def test_overlap_resolved_deterministically():
    gaz = _squares()
    lon = np.array([0.92, 0.98, 0.95, 0.5, 1.5, 3.0, np.nan])
    lat = np.array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    loc = locate_points(gaz, lon, lat)
    assert list(loc.kode) == ["99.01.01.1001", "99.01.01.1002", "99.01.01.1001",
                              "99.01.01.1001", "99.01.01.1002", None, None]
    assert list(loc.overlap) == [True, True, True, False, False, False, False]
    assert list(loc.outside) == [False] * 5 + [True, False]
    assert loc.others[0] == "99.01.01.1002"
    res = run(gaz, kel=[""] * 7, lat=lat, lon=lon)
    assert "overlap" in res.note[0] and res.method[0] == "koordinat"


def test_real_overlap_koang_jaya_mekar_sari(gaz, gdf):
    a = gdf.loc[gdf.kode == "36.71.07.1016", "geometry"].iloc[0]
    b = gdf.loc[gdf.kode == "36.71.10.1005", "geometry"].iloc[0]
    inter = a.intersection(b)
    assert inter.area > 0
    pt = inter.representative_point()
    depth_a = a.boundary.distance(pt)
    depth_b = b.boundary.distance(pt)
    expected = "36.71.07.1016" if depth_a >= depth_b else "36.71.10.1005"
    res = [run(gaz, kel=[""], lat=np.array([pt.y]), lon=np.array([pt.x])) for _ in range(2)]
    assert res[0].kode[0] == res[1].kode[0] == expected
    assert "overlap" in res[0].note[0]
    reversed_gaz = Gazetteer.from_boundaries(gdf.iloc[::-1].reset_index(drop=True))
    assert locate_points(reversed_gaz, np.array([pt.x]), np.array([pt.y])).kode[0] == expected


def test_gazetteer_rejects_missing_columns():
    with pytest.raises(GeoappError):
        Gazetteer.from_frame(pd.DataFrame({"kode": ["36.71.01.1001"]}))
    with pytest.raises(GeoappError):
        Gazetteer.from_frame(pd.DataFrame({"kode": ["x"], "nama": ["A"]}))
