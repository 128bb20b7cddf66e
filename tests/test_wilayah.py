"""Working areas from the shipped national data: --wilayah, the WILAYAH setting, out-of-area
notes, and one test on the real national boundaries shipped with geoapp."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from geoapp.cli.main import main
from geoapp.core.errors import GeoappError
from geoapp.io.boundaries import BoundaryFiles, default_files, default_set, load_boundaries
from geoapp.io.boundaries.national import gazetteer_frame, hierarchy, normalise_wilayah

# Hand-made rows: two Kota Tangerang Selatan kelurahan by code and name, one Kota Tangerang
# kelurahan by code (outside 36.74), one made-up name.
ROWS = [["No", "Kode Wilayah", "Kelurahan", "Jumlah"],
        ["1", "36.74.01.1001", "Ciater", "2"],
        ["2", "", "Ciater", "3"],
        ["3", "36.71.01.1001", "Sukarasa", "5"],
        ["4", "", "Tidak Ada Namanya", "7"]]


def write_rows(path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(ROWS)
    return path


def read_out(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(("text", "code"), [("36.74", "36.74"), ("3674", "36.74"),
                                            ("36", "36"), ("id", "ID"), (" ID ", "ID")])
def test_wilayah_codes(text, code):
    assert normalise_wilayah(text) == code


@pytest.mark.parametrize("text", ["99.99", "36.74.01", "Tangerang", "", "36.74.01.1001"])
def test_unknown_wilayah_names_what_is_allowed(text):
    with pytest.raises(GeoappError) as err:
        normalise_wilayah(text)
    assert err.value.code == "wilayah.unknown"
    assert "36.74" in err.value.text("en") and "ID" in err.value.text("en")


def test_kota_tangerang_stays_the_bundled_set():
    assert BoundaryFiles.for_wilayah("36.71") == BoundaryFiles.bundled_set()
    assert BoundaryFiles.for_settings("", "36.71") == BoundaryFiles.bundled_set()
    assert BoundaryFiles.for_settings("", "36.74").wilayah == "36.74"


def test_boundaries_setting_overrides_wilayah(tmp_path):
    files = BoundaryFiles.for_settings(str(tmp_path / "mine.geojson"), "36.74")
    assert files.wilayah is None and files.kelurahan.name == "mine.geojson"


def test_wilayah_environment_is_the_cli_default(monkeypatch):
    monkeypatch.delenv("GEOAPP_BOUNDARIES", raising=False)
    monkeypatch.setenv("GEOAPP_WILAYAH", "36.74")
    assert default_files().wilayah == "36.74"


def test_real_national_boundaries_shipped():
    """The national desa, their names, outlines and the gazetteer, as shipped in the package."""
    country = BoundaryFiles.for_wilayah("ID")
    bs = country.boundaries()
    assert len(bs.frame) == 83_253 and bs.frame.kode.is_unique
    assert bs.frame.geometry.is_valid.all()
    names = bs.frame.set_index("kode")
    assert names.nama["36.74.01.1001"] == "Ciater"
    assert names.nama_kecamatan["36.74.01.1001"] == "Serpong"
    assert names.geometry["72.02.19.2002"].geom_type in ("Polygon", "MultiPolygon")
    assert "72.02.19.2002" in bs.report.repaired           # the source's GeometryCollection
    tangsel = BoundaryFiles.for_wilayah("36.74")
    kec = tangsel.kecamatan()
    assert len(kec) == 7 and set(kec.kode.str[:5]) == {"36.74"}
    assert "Serpong" in set(kec.nama) and kec.jumlah_kelurahan.sum() == len(tangsel.boundaries().frame)
    city = tangsel.city()
    assert list(city.nama) == ["Kota Tangerang Selatan"]
    assert 140 < city.luas_km2.iloc[0] < 175                 # about 147 km2 published
    assert tangsel.area_name() == "Kota Tangerang Selatan"
    assert len(BoundaryFiles.for_wilayah("36").city()) == 1
    gaz = gazetteer_frame()
    assert gaz.tingkat.value_counts().to_dict() == {
        "desa_kelurahan": 83_762, "kecamatan": 7_285, "kabupaten_kota": 514, "provinsi": 38}
    assert hierarchy("36.74.01.1001")[-1] == ("36", "Banten")


def test_default_set_binds_a_working_area():
    with default_set(BoundaryFiles.for_wilayah("36.74")):
        frame = load_boundaries().frame
    assert set(frame.kode.str[:5]) == {"36.74"} and len(frame) == 54


def test_match_in_a_working_area_notes_where_outside_rows_belong(tmp_path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["--lang", "en", "match", str(write_rows(tmp_path / "in.csv")),
                                       "--wilayah", "36.74", "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = read_out(out)
    assert [r["match_status"] for r in rows[:2]] == ["matched", "matched"]
    assert {r["kode_kelurahan"] for r in rows[:2]} == {"36.74.01.1001"}
    outside = rows[2]
    assert outside["match_status"] != "matched" and outside["kode_kelurahan"] == ""
    assert "Sukarasa, Tangerang, Kota Tangerang, Banten" in outside["match_note"]
    assert rows[3]["match_status"] != "matched"
    assert "Working area: Kota Tangerang Selatan (36.74), 54 desa/kelurahan" in result.stderr


def test_match_says_a_province_working_area_and_a_boundary_file(tmp_path):
    rows = write_rows(tmp_path / "in.csv")
    province = CliRunner().invoke(main, ["match", str(rows), "--wilayah", "36",
                                         "-o", str(tmp_path / "o.csv")], catch_exceptions=False)
    assert province.exit_code == 0, province.output
    line = next(x for x in province.stderr.splitlines() if x.startswith("Wilayah kerja:"))
    assert line.startswith("Wilayah kerja: Provinsi Banten (36), ") and "." in line  # 1.552
    own = tmp_path / "mine.geojson"
    own.write_bytes(BoundaryFiles.bundled_set().kelurahan.read_bytes())
    custom = CliRunner().invoke(main, ["--lang", "en", "match", str(rows), "--boundaries",
                                       str(own), "-o", str(tmp_path / "p.csv")])
    assert "Working area: Kota Tangerang (boundaries mine.geojson), 104 desa/kelurahan" \
        in custom.stderr


def test_default_match_stays_kota_tangerang(tmp_path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["match", str(write_rows(tmp_path / "in.csv")),
                                       "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = read_out(out)
    assert rows[2]["kode_kelurahan"] == "36.71.01.1001"
    assert rows[0]["kode_kelurahan"] == ""


def test_bad_wilayah_is_a_clean_cli_error(tmp_path):
    result = CliRunner().invoke(main, ["--lang", "en", "match", str(write_rows(tmp_path / "in.csv")),
                                       "--wilayah", "99", "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "Unknown working area" in result.output and "Traceback" not in result.output


def test_aggregate_per_kecamatan_of_a_working_area(tmp_path):
    out = tmp_path / "layer.geojson"
    result = CliRunner().invoke(main, ["aggregate", str(write_rows(tmp_path / "in.csv")),
                                       "--wilayah", "36.74", "--measure", "Jumlah",
                                       "--level", "kecamatan", "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    import geopandas as gpd
    layer = gpd.read_file(out)
    assert len(layer) == 7
    serpong = layer.set_index("kode").loc["36.74.01"]
    assert serpong["jumlah_baris"] == 2


def test_area_without_shipped_boundaries_is_a_clear_error():
    """Kabupaten Fak Fak (92.03) is in the gazetteer but has no polygons in the source."""
    with pytest.raises(GeoappError) as err:
        BoundaryFiles.for_wilayah("92.03").boundaries()
    assert err.value.code == "wilayah.no_boundaries"
    assert "Fak Fak" in err.value.text("en") and "--boundaries" in err.value.text("en")


def test_review_and_alias_add_in_a_working_area(tmp_path):
    rows = tmp_path / "rv.csv"
    rows.write_text("Kelurahan,Kecamatan\nCiater,Serpong\nRawa Buntu Indah,Serpong\n",
                    encoding="utf-8")
    aliases = tmp_path / "aliases.csv"
    result = CliRunner().invoke(main, ["--lang", "en", "review", str(rows), "--wilayah", "36.74",
                                       "--aliases", str(aliases)], input="1\n",
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Rawabuntu (Serpong) 36.74.01.1002" in result.output
    assert "Rawa Buntu Indah,Serpong,36.74.01.1002" in aliases.read_text(encoding="utf-8")
    added = CliRunner().invoke(main, ["--lang", "en", "alias", "add", "Ciater Lama",
                                      "36.74.01.1001", "--wilayah", "36.74",
                                      "--aliases", str(aliases)], catch_exceptions=False)
    assert added.exit_code == 0, added.output
    assert "Ciater" in added.output
