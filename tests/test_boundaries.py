"""Boundary sets: default load, other formats, CRS, repair, field mapping, hostile input."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geoapp.core.errors import GeoappError
from geoapp.io.boundaries import (
    COLUMNS,
    DEFAULT_KELURAHAN,
    BoundaryFiles,
    BoundarySet,
    default_boundaries_dir,
    default_files,
    default_set,
    load_boundaries,
    load_city,
    load_kecamatan,
    resolve_boundaries_setting,
)

DATA = Path(__file__).parent / "data" / "boundaries"
TINY_CODES = ["32.99.01.1001", "32.99.01.1002", "32.99.02.1001", "32.99.02.2002"]


def fc(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def feature(props: dict, geom) -> dict:
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def note_keys(bs: BoundarySet) -> list[str]:
    return [n.key for n in bs.report.notes]


def zip_members(raw: bytes, drop: tuple[str, ...] = (), add: dict[str, bytes] | None = None,
                compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for info in src.infolist():
            if not info.filename.endswith(drop):
                zf.writestr(info.filename, src.read(info))
        for name, data in (add or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


# --------------------------------------------------------------------------- default set

def test_default_is_real_kota_tangerang():
    bs = load_boundaries()
    frame = bs.frame
    assert len(frame) == 104
    assert list(frame.columns) == COLUMNS
    assert frame.crs.to_epsg() == 4326
    assert frame["kode"].iloc[0] == "36.71.01.1001"
    assert all(re.fullmatch(r"36\.71\.\d\d\.[12]\d{3}", k) for k in frame["kode"])
    assert list(frame["kode"]) == sorted(frame["kode"])
    assert frame["kode_kecamatan"].nunique() == 13
    assert (frame["kode_kecamatan"] == frame["kode"].str.slice(0, 8)).all()
    assert frame.geometry.is_valid.all()
    assert bs.report.feature_count == 104
    assert bs.report.crs_detected == "EPSG:4326"
    assert bs.report.reprojected is False
    assert bs.report.repaired == []


def test_default_reports_the_known_overlaps():
    report = load_boundaries().report
    assert report.overlap_pairs == 184
    assert 100_000 < report.overlap_m2 < 120_000
    assert "boundaries.overlaps" in [n.key for n in report.notes]
    text = [n for n in report.notes if n.key == "boundaries.overlaps"][0].text("id")
    assert "184" in text and "tumpang tindih" in text


def test_default_load_returns_independent_copies():
    first = load_boundaries()
    first.frame.loc[0, "nama"] = "RUSAK"
    first.report.notes.clear()
    second = load_boundaries()
    assert second.frame.loc[0, "nama"] == "Sukarasa"
    assert second.report.notes


def test_default_outlines():
    kec = load_kecamatan()
    city = load_city()
    assert len(kec) == 13 and kec.crs.to_epsg() == 4326
    assert len(city) == 1 and city["kode"].iloc[0] == "36.71"
    kec.loc[0, "nama"] = "x"
    assert load_kecamatan().loc[0, "nama"] != "x"


def test_env_override_points_to_another_set(monkeypatch):
    monkeypatch.setenv("GEOAPP_BOUNDARIES", str(DATA / "tiny_kelurahan.geojson"))
    assert default_boundaries_dir() == DATA
    assert list(load_boundaries().frame["kode"]) == TINY_CODES
    monkeypatch.setenv("GEOAPP_BOUNDARIES", str(DATA))
    assert default_boundaries_dir() == DATA


def test_env_override_is_relative_to_the_instance_folder(tmp_path, monkeypatch):
    (tmp_path / "inst" / "kota").mkdir(parents=True)
    (tmp_path / "inst" / "kota" / DEFAULT_KELURAHAN).write_bytes(
        (DATA / "tiny_kelurahan.geojson").read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GEOAPP_INSTANCE", str(tmp_path / "inst"))
    monkeypatch.setenv("GEOAPP_BOUNDARIES", "kota")
    assert default_boundaries_dir() == (tmp_path / "inst" / "kota").resolve()
    assert list(load_boundaries().frame["kode"]) == TINY_CODES


# --------------------------------------------------------------------------- BOUNDARIES values

def test_resolve_boundaries_setting_file_folder_and_base(tmp_path):
    (tmp_path / "kota.v2").mkdir()
    (tmp_path / "batas.geojson").write_bytes(b"{}")
    assert resolve_boundaries_setting("", tmp_path) is None
    assert resolve_boundaries_setting(None, tmp_path) is None
    assert resolve_boundaries_setting("batas.geojson", tmp_path) == tmp_path / "batas.geojson"
    assert resolve_boundaries_setting("kota.v2", tmp_path) == tmp_path / "kota.v2" / DEFAULT_KELURAHAN
    assert resolve_boundaries_setting("belum_ada", tmp_path) == (
        tmp_path / "belum_ada" / DEFAULT_KELURAHAN)                       # missing folder
    assert resolve_boundaries_setting("belum_ada.gpkg", tmp_path) == tmp_path / "belum_ada.gpkg"
    assert resolve_boundaries_setting(DATA, tmp_path) == DATA / DEFAULT_KELURAHAN  # absolute


def test_explicit_boundary_files_need_no_global(tmp_path):
    (tmp_path / "kota").mkdir()
    (tmp_path / "kota" / "kel.geojson").write_bytes((DATA / "tiny_kelurahan.geojson").read_bytes())
    files = BoundaryFiles.for_setting("kota/kel.geojson", tmp_path)
    assert not files.bundled and files.folder == tmp_path / "kota"
    assert list(files.boundaries().frame["kode"]) == TINY_CODES
    kec, city = files.kecamatan(), files.city()        # no outline files: dissolved
    assert list(kec["kode"]) == ["32.99.01", "32.99.02"]
    assert list(kec["jumlah_kelurahan"]) == [2, 2]
    assert len(city) == 1 and city["kode"].iloc[0] == "32.99"
    assert city["luas_km2"].iloc[0] == pytest.approx(files.boundaries().frame["luas_km2"].sum())
    assert len(load_boundaries().frame) == 104 and default_files().bundled   # default untouched


def test_explicit_boundary_files_are_cached_per_file_version(tmp_path):
    path = tmp_path / "kel.geojson"
    path.write_bytes((DATA / "tiny_kelurahan.geojson").read_bytes())
    files = BoundaryFiles.for_setting(path)
    first = files.boundaries()
    first.frame.loc[0, "nama"] = "RUSAK"
    assert files.boundaries().frame.loc[0, "nama"] != "RUSAK"          # each call a copy
    doc = json.loads(path.read_text())
    doc["features"] = doc["features"][:2]
    path.write_text(json.dumps(doc))
    assert len(files.boundaries().frame) == 2                          # file changed: reread
    path.unlink()
    with pytest.raises(GeoappError) as err:
        files.boundaries()
    assert err.value.code == "boundaries.not_found" and str(path) in err.value.text("en")


def test_configured_folder_is_the_default(tmp_path):
    (tmp_path / DEFAULT_KELURAHAN).write_bytes((DATA / "tiny_kelurahan.geojson").read_bytes())
    with default_set(BoundaryFiles.for_setting(tmp_path)):
        assert default_files() == BoundaryFiles(tmp_path / DEFAULT_KELURAHAN)
        assert list(load_boundaries().frame["kode"]) == TINY_CODES
        assert len(load_kecamatan()) == 2
    assert default_files().bundled and len(load_kecamatan()) == 13


def test_bundled_set_never_dissolves_a_missing_outline(tmp_path, monkeypatch):
    monkeypatch.setattr("geoapp.io.boundaries.defaults.boundaries_dir", lambda: tmp_path)
    (tmp_path / DEFAULT_KELURAHAN).write_bytes((DATA / "tiny_kelurahan.geojson").read_bytes())
    assert BoundaryFiles.bundled_set().boundaries().frame["kode"].tolist() == TINY_CODES
    with pytest.raises(GeoappError) as err:
        BoundaryFiles.bundled_set().kecamatan()
    assert err.value.code == "boundaries.not_found"


# --------------------------------------------------------------------------- other sets

def test_other_city_geojson_from_bytes_computes_area():
    bs = load_boundaries((DATA / "tiny_kelurahan.geojson").read_bytes(), filename="kota.geojson")
    frame = bs.frame
    assert list(frame["kode"]) == TINY_CODES
    assert list(frame["kode_kecamatan"]) == ["32.99.01"] * 2 + ["32.99.02"] * 2
    expected = gpd.GeoSeries([box(107.60, -6.91, 107.61, -6.90)], crs=4326).to_crs(32748).area
    assert frame["luas_km2"].iloc[0] == pytest.approx(expected.iloc[0] / 1e6, abs=0.0005)
    assert bs.report.source == "kota.geojson"
    assert bs.report.fields["luas_km2"] is None
    assert "boundaries.area_computed" in note_keys(bs)
    assert bs.report.overlap_pairs == 0


def test_geopackage_in_utm_with_rbi_fields():
    bs = load_boundaries((DATA / "tiny_rbi_32748.gpkg").read_bytes(), filename="rbi.gpkg")
    frame, report = bs.frame, bs.report
    assert report.driver == "GPKG"
    assert report.crs_detected == "EPSG:32748"
    assert report.reprojected is True
    assert report.layer == "ADMINISTRASIDESA_AR"
    assert report.fields["kode"] == "KDEPUM"
    assert report.fields["nama"] == "WADMKD"
    assert report.fields["nama_kecamatan"] == "WADMKC"
    assert report.fields["kode_kecamatan"] is None
    assert "boundaries.kec_code_derived" in note_keys(bs)
    assert frame.crs.to_epsg() == 4326
    assert list(frame["kode"]) == TINY_CODES
    assert list(frame["nama"]) == ["Sukamaju", "Sukasari", "Mekarjaya", "Cibeber"]
    assert list(frame["kode_kecamatan"]) == ["32.99.01"] * 2 + ["32.99.02"] * 2
    np.testing.assert_allclose(frame.total_bounds, [107.60, -6.92, 107.62, -6.90], atol=1e-7)
    assert (frame["luas_km2"] > 1.2).all()          # LUASWH (hectares) was not taken


def test_zipped_shapefile_from_bytes_and_path():
    raw = (DATA / "tiny_shapefile.zip").read_bytes()
    from_bytes = load_boundaries(raw)
    from_path = load_boundaries(DATA / "tiny_shapefile.zip")
    for bs in (from_bytes, from_path):
        assert bs.report.driver == "ESRI Shapefile"
        assert list(bs.frame["kode"]) == TINY_CODES     # digits-only codes normalised
        assert bs.report.fields["kode"] == "KODE_DESA"
        assert list(bs.frame["nama_kecamatan"]) == ["Utara"] * 2 + ["Selatan"] * 2
    assert from_path.report.source == "tiny_shapefile.zip"


def test_shp_path_reads_its_siblings(tmp_path):
    zipfile.ZipFile(DATA / "tiny_shapefile.zip").extractall(tmp_path)
    bs = load_boundaries(tmp_path / "desa" / "desa.shp")
    assert list(bs.frame["kode"]) == TINY_CODES
    assert bs.report.crs_detected == "EPSG:4326"


def test_shapefile_without_prj_in_lonlat_is_assumed_4326():
    raw = zip_members((DATA / "tiny_shapefile.zip").read_bytes(), drop=(".prj",))
    bs = load_boundaries(raw)
    assert bs.report.crs_detected is None
    assert "boundaries.assumed_4326" in note_keys(bs)
    assert bs.frame.crs.to_epsg() == 4326


def test_shapefile_without_prj_in_metres_is_refused(tmp_path):
    gdf = load_boundaries(DATA / "tiny_kelurahan.geojson").frame.to_crs(32748)
    gdf[["kode", "nama", "geometry"]].to_file(tmp_path / "utm.shp")
    (tmp_path / "utm.prj").unlink()
    with pytest.raises(GeoappError) as err:
        load_boundaries(tmp_path / "utm.shp")
    assert err.value.status == 422
    assert ".prj" in err.value.text("en") and ".prj" in err.value.text("id")


def test_swapped_lat_lon_is_refused():
    geom = box(-6.91, 107.60, -6.90, 107.61)        # lat as x, lon as y
    raw = fc([feature({"kode": "32.99.01.1001", "nama": "A"}, geom)])
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw)
    assert err.value.code == "boundaries.out_of_range"


def test_bowtie_is_repaired_and_reported():
    bs = load_boundaries(DATA / "bowtie.geojson")
    assert bs.report.repaired == ["32.99.01.1003"]
    assert "boundaries.repaired" in note_keys(bs)
    repaired = bs.frame.set_index("kode").geometry["32.99.01.1003"]
    assert repaired.is_valid
    assert repaired.geom_type == "MultiPolygon"
    square = bs.frame.set_index("kode")["luas_km2"]["32.99.01.1001"]
    assert bs.frame.set_index("kode")["luas_km2"]["32.99.01.1003"] == pytest.approx(
        square / 2, abs=0.002)


def test_overlapping_neighbours_are_counted():
    a = box(107.60, -6.91, 107.61, -6.90)
    b = box(107.609, -6.91, 107.62, -6.90)          # overlaps a by 0.001 degree
    c = box(107.62, -6.91, 107.63, -6.90)           # only touches b
    raw = fc([feature({"kode": f"32.99.01.100{i}", "nama": n}, g)
              for i, (n, g) in enumerate([("A", a), ("B", b), ("C", c)], start=1)])
    bs = load_boundaries(raw)
    assert bs.report.overlap_pairs == 1
    assert 0.1e6 < bs.report.overlap_m2 < 0.13e6    # about 110 m x 1,106 m
    assert "boundaries.overlaps" in note_keys(bs)


# --------------------------------------------------------------------------- fields

def test_field_flags_override_detection():
    path = DATA / "custom_fields.geojson"
    detected = load_boundaries(path, kode_field="ID")
    assert detected.frame["nama"].iloc[0] == "julukan 0"     # the misleading field
    bs = load_boundaries(path, kode_field="id", nama_field="nama_resmi", kecamatan_field="DISTRIK")
    assert list(bs.frame["kode"]) == TINY_CODES
    assert list(bs.frame["nama"]) == ["Sukamaju", "Sukasari", "Mekarjaya", "Cibeber"]
    assert list(bs.frame["nama_kecamatan"]) == ["Utara"] * 2 + ["Selatan"] * 2
    assert bs.report.fields["kode"] == "ID"
    assert bs.report.fields["nama"] == "nama_resmi"


def test_unknown_flag_lists_available_fields():
    with pytest.raises(GeoappError) as err:
        load_boundaries(DATA / "custom_fields.geojson", kode_field="KODE_X")
    text = err.value.text("en")
    assert err.value.status == 400
    assert "KODE_X" in text and "--kode-field" in text and "nama_resmi" in text


def test_missing_code_field_names_the_flag():
    with pytest.raises(GeoappError) as err:
        load_boundaries(DATA / "custom_fields.geojson")
    assert "--kode-field" in err.value.text("id") and "DISTRIK" in err.value.text("id")


def test_missing_name_field_names_the_flag():
    raw = fc([feature({"kode": "32.99.01.1001", "luas": 1}, box(107.6, -6.91, 107.61, -6.9))])
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw)
    text = err.value.text("en")
    assert "--nama-field" in text and "kode" in text and "luas" in text


def test_duplicate_codes_are_named():
    geoms = [box(107.6, -6.91, 107.61, -6.9), box(107.61, -6.91, 107.62, -6.9),
             box(107.62, -6.91, 107.63, -6.9)]
    codes = ["3299011001", "32.99.01.1001", "32.99.01.1002"]
    raw = fc([feature({"kode": k, "nama": f"N{i}"}, g)
              for i, (k, g) in enumerate(zip(codes, geoms, strict=True))])
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw)
    assert err.value.code == "boundaries.duplicate_codes"
    assert "32.99.01.1001" in err.value.text("en")
    assert "32.99.01.1002" not in err.value.text("en")


def test_non_kemendagri_codes_are_refused():
    raw = fc([feature({"kode": "A-17", "nama": "X"}, box(107.6, -6.91, 107.61, -6.9))])
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw)
    assert err.value.code == "boundaries.bad_codes" and "A-17" in err.value.text("en")


def test_kecamatan_code_field_is_normalised():
    raw = fc([feature({"kode": "3299011001", "nama": "X", "KDCPUM": "329901"},
                      box(107.6, -6.91, 107.61, -6.9))])
    bs = load_boundaries(raw)
    assert bs.frame["kode_kecamatan"].iloc[0] == "32.99.01"
    assert bs.report.fields["kode_kecamatan"] == "KDCPUM"


# --------------------------------------------------------------------------- hostile input

@pytest.mark.parametrize("raw", [
    (DATA / "ogr_vrt.vrt").read_bytes(),
    b"\x00\x01garbage\xff" * 10,
    b'{"foo": 1}',
    b'{"type": "FeatureCollection", "features": [',
    b"[1, 2, 3]",
    b'{"type": "Topology", "objects": {}}',
    b'{"a": ' + b"[" * 100_000,
])
def test_non_boundary_content_is_refused(raw):
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw, filename="x.geojson")
    assert err.value.status == 415


def test_vrt_path_is_refused_whatever_its_name(tmp_path):
    disguised = tmp_path / "kota.geojson"
    disguised.write_bytes((DATA / "ogr_vrt.vrt").read_bytes())
    with pytest.raises(GeoappError) as err:
        load_boundaries(disguised)
    assert "VRT" in err.value.text("en")


def test_zip_holding_a_vrt_is_refused():
    with pytest.raises(GeoappError) as err:
        load_boundaries((DATA / "zip_with_vrt.zip").read_bytes())
    assert err.value.status == 415 and "evil.vrt" in err.value.text("en")


def test_zip_bomb_by_ratio_is_refused_before_extraction():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.shp", b"\x00" * (4 * 1024 * 1024))
        zf.writestr("a.shx", b"x")
        zf.writestr("a.dbf", b"x")
    with pytest.raises(GeoappError) as err:
        load_boundaries(bomb.getvalue())
    assert err.value.status == 413 and "a.shp" in err.value.text("en")


def test_zip_with_too_many_members_is_refused():
    raw = zip_members((DATA / "tiny_shapefile.zip").read_bytes(),
                      add={f"x{i}.txt": b"" for i in range(60)})
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw)
    assert err.value.status == 413


def test_zip_with_two_shapefiles_is_refused():
    raw = (DATA / "tiny_shapefile.zip").read_bytes()
    second = zip_members(raw, add={"other/b.shp": b"x", "other/b.shx": b"x", "other/b.dbf": b"x"})
    with pytest.raises(GeoappError) as err:
        load_boundaries(second)
    assert err.value.code == "boundaries.zip_members"


def test_zip_without_dbf_is_refused():
    raw = zip_members((DATA / "tiny_shapefile.zip").read_bytes(), drop=(".dbf",))
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw)
    assert err.value.code == "boundaries.zip_members"


def _gpkg_with(sql: str) -> bytes:
    con = sqlite3.connect(":memory:")
    con.deserialize((DATA / "tiny_rbi_32748.gpkg").read_bytes())
    con.execute(sql)
    con.commit()
    return con.serialize()


def test_gpkg_fixture_has_standard_triggers_and_loads():
    con = sqlite3.connect(":memory:")
    con.deserialize((DATA / "tiny_rbi_32748.gpkg").read_bytes())
    triggers = con.execute("SELECT count(*) FROM sqlite_master WHERE type='trigger'").fetchone()
    assert triggers[0] > 0
    assert len(load_boundaries((DATA / "tiny_rbi_32748.gpkg").read_bytes()).frame) == 4


def test_gpkg_with_a_view_is_refused():
    raw = _gpkg_with('CREATE VIEW v AS SELECT * FROM "ADMINISTRASIDESA_AR"')
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw)
    assert err.value.status == 415 and "view" in err.value.text("en")


def test_gpkg_with_a_custom_trigger_is_refused():
    raw = _gpkg_with('CREATE TRIGGER evil AFTER INSERT ON "ADMINISTRASIDESA_AR" '
                     "BEGIN DELETE FROM gpkg_contents; END")
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw)
    assert "evil" in err.value.text("en")


def test_gpkg_in_wal_mode_loads(tmp_path):
    path = tmp_path / "wal.gpkg"
    path.write_bytes((DATA / "tiny_rbi_32748.gpkg").read_bytes())
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode=wal").fetchone()[0] == "wal"
    con.close()
    assert path.read_bytes()[18:20] == b"\x02\x02"
    assert list(load_boundaries(path).frame["kode"]) == TINY_CODES


def test_plain_sqlite_is_not_a_geopackage():
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (kode TEXT, nama TEXT)")
    con.execute("INSERT INTO t VALUES ('32.99.01.1001', 'A')")
    con.commit()
    with pytest.raises(GeoappError) as err:
        load_boundaries(con.serialize())
    assert err.value.status in (415, 422)


def test_gpkg_with_two_polygon_layers_needs_a_layer(tmp_path):
    path = tmp_path / "two.gpkg"
    tiny = load_boundaries(DATA / "tiny_kelurahan.geojson").frame
    tiny.to_file(path, layer="desa_a", driver="GPKG")
    tiny.to_file(path, layer="desa_b", driver="GPKG")
    with pytest.raises(GeoappError) as err:
        load_boundaries(path)
    assert "desa_a" in err.value.text("en") and "layer" in err.value.text("en")
    assert load_boundaries(path, layer="desa_b").report.layer == "desa_b"
    with pytest.raises(GeoappError):
        load_boundaries(path, layer="nope")


def test_points_are_not_boundaries():
    raw = fc([feature({"kode": "32.99.01.1001", "nama": "A"}, shapely.Point(107.6, -6.9))])
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw)
    assert err.value.code == "boundaries.not_polygon"


def test_empty_and_missing_sources():
    with pytest.raises(GeoappError) as err:
        load_boundaries(b"")
    assert err.value.status == 400
    with pytest.raises(GeoappError) as err:
        load_boundaries(fc([]))
    assert err.value.code == "boundaries.no_features"
    with pytest.raises(GeoappError) as err:
        load_boundaries(DATA / "does_not_exist.geojson")
    assert err.value.status == 404


# --------------------------------------------------------------------------- fixtures

def test_fixture_script_reproduces_geojson(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.write_tiny_geojson()
    module.write_custom_fields_geojson()
    module.write_bowtie_geojson()
    module.write_vrt()
    for name in ("tiny_kelurahan.geojson", "custom_fields.geojson", "bowtie.geojson",
                 "ogr_vrt.vrt"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
