"""The geoapp command line, driven through click's CliRunner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner

from geoapp.cli.main import main

DATA = Path(__file__).parent / "data" / "cli"
MESSY = DATA / "messy_small.csv"


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def invoke(cli: CliRunner, *args: str, **kw):
    return cli.invoke(main, [str(a) for a in args], catch_exceptions=False, **kw)


def read_out(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_match_keeps_every_row_in_order_with_match_columns(cli, tmp_path):
    out, report = tmp_path / "out.csv", tmp_path / "report.json"
    result = invoke(cli, "match", MESSY, "-o", out, "--report", report)
    assert result.exit_code == 0, result.output
    rows = read_out(out)
    assert [r["No"] for r in rows] == ["1", "2", "3", "4", "5", "6", "7", "8", "JUMLAH"]
    assert list(rows[0])[-7:] == ["kode_kelurahan", "nama_kelurahan", "nama_kecamatan", "match_status", "match_method", "match_score", "match_note"]
    by_name = {r["Kelurahan"]: r for r in rows}
    assert by_name["Tjipondoh"]["kode_kelurahan"] == "36.71.05.1001"
    assert by_name["Pd. Bahar"]["nama_kelurahan"] == "Pondok Bahar"
    assert by_name["Sudimara"]["match_status"] == "review"
    assert by_name["Pondok Aren"]["match_status"] == "unmatched"
    assert rows[-1]["match_status"] == "excluded"
    assert rows[1]["Nilai Bantuan"] == "Rp 2.000.000,50"  # original text kept


def test_match_report_reconciles_rows_and_sums(cli, tmp_path):
    report = tmp_path / "report.json"
    invoke(cli, "match", MESSY, "-o", tmp_path / "out.csv", "--report", report)
    data = json.loads(report.read_text(encoding="utf-8"))
    rows = data["rows"]
    assert rows["total"] == 9 == rows["matched"] + rows["review"] + rows["unmatched"] + rows["excluded"]
    assert rows["excluded"] == 1 and rows["blank_skipped"] == 1
    groups = data["sums"]["Jumlah Kelompok"]
    assert groups["total"] == 46 == groups["matched"] + groups["review"] + groups["unmatched"]
    assert groups["declared_total"] == 46
    assert data["sums"]["Nilai Bantuan"]["total"] == pytest.approx(4750065.5)
    assert data["encoding"] == "utf-8" and data["delimiter"] == ";" and data["header_row"] == 2
    assert data["columns"]["kelurahan"] == "Kelurahan"


def test_match_guards_formula_cells_in_output(cli, tmp_path):
    out = tmp_path / "out.csv"
    invoke(cli, "match", MESSY, "-o", out)
    cell = next(r["Kelurahan"] for r in read_out(out) if "HYPERLINK" in r["Kelurahan"])
    assert cell.startswith("'=")


def test_match_prints_summary_in_indonesian_and_english(cli, tmp_path):
    out = tmp_path / "out.csv"
    indo = invoke(cli, "match", MESSY, "-o", out)
    assert "cocok" in indo.output and "seimbang" in indo.output and "4.750.065,50" in indo.output
    eng = invoke(cli, "--lang", "en", "match", MESSY, "-o", out)
    assert "matched" in eng.output and "balanced" in eng.output and "4,750,065.50" in eng.output


def test_column_flags_override_detection(cli, tmp_path):
    out = tmp_path / "out.csv"
    report = tmp_path / "r.json"
    invoke(cli, "match", MESSY, "-o", out, "--kelurahan-col", "Kecamatan", "--report", report)
    assert json.loads(report.read_text())["columns"]["kelurahan"] == "Kecamatan"
    rows = read_out(out)
    assert rows[0]["match_status"] != "matched"  # 'Tangerang' is a kecamatan, not a kelurahan
    invoke(cli, "match", MESSY, "-o", out, "--kode-col", "4", "--kelurahan-col", "3", "--report", report)
    assert json.loads(report.read_text())["columns"]["kode"] == "Kode Wilayah"


def test_nothing_matched_is_a_loud_error(cli, tmp_path):
    result = invoke(cli, "match", DATA / "no_match.csv", "-o", tmp_path / "o.csv")
    assert result.exit_code != 0
    assert "Tidak ada satu pun" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02garbage\xff" * 50, b"PK\x03\x04broken"])
def test_unreadable_input_gets_one_clean_message(cli, tmp_path, content):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(content)
    result = invoke(cli, "match", bad, "-o", tmp_path / "o.csv")
    assert result.exit_code != 0
    assert result.output.count("Galat:") == 1
    assert "Traceback" not in result.output and not (tmp_path / "o.csv").exists()


def test_missing_input_file_is_a_clean_error(cli, tmp_path):
    result = invoke(cli, "--lang", "en", "match", tmp_path / "nope.csv", "-o", tmp_path / "o.csv")
    assert result.exit_code != 0 and "not found" in result.output


def test_review_saves_alias_and_next_run_uses_it(cli, tmp_path):
    data = tmp_path / "sudimara.csv"
    data.write_text("Kelurahan,Kecamatan,Jumlah\nSudimara,Ciledug,1\nCikokol,Tangerang,2\n",
                    encoding="utf-8")
    aliases = tmp_path / "aliases.csv"
    result = invoke(cli, "review", data, "--aliases", aliases, input="1\n")
    assert result.exit_code == 0, result.output
    assert "Sudimara,Ciledug," in aliases.read_text(encoding="utf-8")   # scoped to its kecamatan
    out = tmp_path / "out.csv"
    invoke(cli, "match", data, "-o", out, "--aliases", aliases)
    row = next(r for r in read_out(out) if r["Kelurahan"] == "Sudimara")
    assert row["match_status"] == "matched" and row["match_method"] == "alias"


def test_review_saves_no_city_wide_alias_for_an_ambiguous_name(cli, tmp_path):
    aliases = tmp_path / "aliases.csv"
    result = invoke(cli, "review", MESSY, "--aliases", aliases, input="1\n" * 5)
    assert result.exit_code == 0, result.output
    assert "Tidak ada alias yang disimpan" in result.output
    assert not aliases.exists() or "Sudimara" not in aliases.read_text(encoding="utf-8")
    out = tmp_path / "out.csv"
    invoke(cli, "match", MESSY, "-o", out, "--aliases", aliases)
    row = next(r for r in read_out(out) if r["Kelurahan"] == "Sudimara")
    assert row["match_status"] == "review"


def test_review_says_why_a_code_conflict_saves_no_alias(cli, tmp_path):
    data = tmp_path / "konflik.csv"
    data.write_text("Kode,Kelurahan,Kecamatan\n36.71.01.1001,Cikokoll,Tangerang\n"
                    "36.71.01.1008,Babakan,Tangerang\n,Sudimara,\n", encoding="utf-8")
    aliases = tmp_path / "aliases.csv"
    result = invoke(cli, "--lang", "en", "review", data, "--aliases", aliases, input="1\n1\n")
    assert result.exit_code == 0, result.output
    assert "No alias was saved" in result.output and "36.71.01.1001" in result.output
    assert "could mean several kelurahan" in result.output
    assert "0 aliases saved" in result.output
    assert not aliases.exists() or "Cikokoll" not in aliases.read_text(encoding="utf-8")


def test_alias_add_validates_the_kode(cli, tmp_path):
    aliases = tmp_path / "a.csv"
    ok = invoke(cli, "alias", "add", "Pinang Lama", "3671111001", "--aliases", aliases)
    assert ok.exit_code == 0 and "36.71.11.1001" in aliases.read_text(encoding="utf-8")
    bad = invoke(cli, "alias", "add", "X", "36.74.01.1001", "--aliases", aliases)
    assert bad.exit_code != 0 and "36.74.01.1001" in bad.output


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".gpkg"])
def test_aggregate_writes_layer_with_no_data_distinct_from_zero(cli, tmp_path, suffix):
    out = tmp_path / f"layer{suffix}"
    result = invoke(cli, "aggregate", MESSY, "--measure", "jumlah kelompok", "-o", out)
    assert result.exit_code == 0, result.output
    if suffix == ".csv":
        rows = read_out(out)
        assert len(rows) == 104
        sukarasa = next(r for r in rows if r["kode"] == "36.71.01.1001")
        assert float(sukarasa["Jumlah Kelompok"]) == 12
        assert next(r for r in rows if r["kode"] == "36.71.13.1008")["Jumlah Kelompok"] == ""
    else:
        layer = gpd.read_file(out)
        assert len(layer) == 104 and layer.crs.to_epsg() == 4326
        assert layer["Jumlah Kelompok"].sum() == 30  # matched rows only
        assert layer["Jumlah Kelompok"].isna().sum() == 104 - 5


def test_aggregate_unknown_measure_lists_numeric_columns(cli, tmp_path):
    result = invoke(cli, "aggregate", MESSY, "--measure", "Peserta", "-o", tmp_path / "x.geojson")
    assert result.exit_code != 0 and "Jumlah Kelompok" in result.output


def test_aggregate_with_population_adds_rates(cli, tmp_path, sample_dir):
    out = tmp_path / "umkm.geojson"
    result = invoke(
        cli, "aggregate", sample_dir / "bantuan_umkm_pkl.csv", "--measure", "Jumlah Kelompok",
        "--population", sample_dir / "penduduk_kelurahan.csv", "-o", out,
    )
    assert result.exit_code == 0, result.output
    layer = gpd.read_file(out)
    assert layer["penduduk"].sum() == 1_957_349
    assert layer["Jumlah Kelompok_per_1000"].notna().any()


def test_aggregate_per_kecamatan(cli, tmp_path, sample_dir):
    out = tmp_path / "kec.geojson"
    result = invoke(cli, "aggregate", sample_dir / "bantuan_umkm_pkl.csv", "--measure", "Jumlah Kelompok", "--level", "kecamatan", "-o", out)
    assert result.exit_code == 0, result.output
    assert len(gpd.read_file(out)) == 13


def test_sample_data_command_writes_labelled_files(cli, tmp_path):
    result = invoke(cli, "sample-data", tmp_path / "s")
    assert result.exit_code == 0
    assert (tmp_path / "s" / "bantuan_umkm_pkl.csv").exists()
    assert "bukan data resmi" in result.output


def test_help_comes_from_docstrings(cli):
    result = invoke(cli, "--lang", "en", "match", "--help")
    assert "Match every row of INPUT" in result.output and "--kelurahan-col" in result.output


# --------------------------------------------------------------------------- review findings

BOUNDARY_DATA = Path(__file__).parent / "data" / "boundaries"


def tiny_csv(tmp_path: Path, body: str = "Kelurahan;Jumlah\nSukamaju;3\nSukasari;4\n") -> Path:
    path = tmp_path / "tiny.csv"
    path.write_text(body, encoding="utf-8")
    return path


def test_report_names_the_default_boundary_set(cli, tmp_path):
    report = tmp_path / "r.json"
    invoke(cli, "match", MESSY, "-o", tmp_path / "o.csv", "--report", report)
    section = json.loads(report.read_text(encoding="utf-8"))["boundaries"]
    assert section["default"] is True and section["feature_count"] == 104
    assert section["source"].endswith(".geojson")


def test_custom_boundaries_report_crs_reprojection_and_fields(cli, tmp_path):
    report = tmp_path / "r.json"
    result = invoke(cli, "--lang", "en", "match", tiny_csv(tmp_path), "-o", tmp_path / "o.csv", "--report", report,
                    "--boundaries", BOUNDARY_DATA / "tiny_rbi_32748.gpkg")
    assert result.exit_code == 0, result.output
    assert "EPSG:32748" in result.output and "reprojected to EPSG:4326" in result.output
    assert "WADMKD" in result.output and "4 kelurahan" in result.output
    section = json.loads(report.read_text(encoding="utf-8"))["boundaries"]
    assert section["default"] is False and section["crs_detected"] == "EPSG:32748"
    assert section["reprojected"] is True and section["fields"]["nama"] == "WADMKD"


def test_boundary_field_options_reach_the_loader(cli, tmp_path):
    report = tmp_path / "r.json"
    args = ["match", tiny_csv(tmp_path), "-o", tmp_path / "o.csv", "--report", report,
            "--boundaries", BOUNDARY_DATA / "custom_fields.geojson"]
    missing = invoke(cli, "--lang", "en", *args)
    assert missing.exit_code != 0 and "--kode-field" in missing.output and "kode_field" not in missing.output
    ok = invoke(cli, *args, "--kode-field", "ID", "--nama-field", "nama_resmi", "--kecamatan-field", "DISTRIK")
    assert ok.exit_code == 0, ok.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["rows"]["matched"] == 2 and data["boundaries"]["fields"]["nama"] == "nama_resmi"


def test_boundary_messages_use_one_language_and_cli_spellings():
    from geoapp.core.errors import GeoappError
    from geoapp.io.boundaries import load_boundaries

    raw = json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"kode": "32.99.01.1001"},
                      "geometry": {"type": "Polygon", "coordinates": [[[107.6, -6.9], [107.61, -6.9], [107.61, -6.91], [107.6, -6.9]]]}}]})
    with pytest.raises(GeoappError) as err:
        load_boundaries(raw.encode())
    assert "--nama-field" in err.value.text("id") and "name" not in err.value.text("id")
    assert "--nama-field" in err.value.text("en") and "nama kelurahan" not in err.value.text("en")
    with pytest.raises(GeoappError) as bad_json:
        load_boundaries(b"{ broken")
    assert "invalid" not in bad_json.value.text("id") and "rusak" not in bad_json.value.text("en")


def test_nothing_matched_still_writes_output_and_report_then_fails(cli, tmp_path):
    out, report = tmp_path / "o.csv", tmp_path / "r.json"
    result = invoke(cli, "match", DATA / "no_match.csv", "-o", out, "--report", report)
    assert result.exit_code != 0 and "Tidak ada satu pun" in result.output
    assert out.exists() and report.exists()
    rows = read_out(out)
    assert rows and all(r["match_status"] != "matched" for r in rows)
    assert json.loads(report.read_text(encoding="utf-8"))["rows"]["matched"] == 0
    assert result.output.index("Baris:") < result.output.index("Tidak ada satu pun")


def test_nothing_matched_run_is_usable_when_allowed():
    from geoapp.imports.pipeline import MatchOptions, run_match

    run = run_match((DATA / "no_match.csv").read_bytes(), "no_match.csv", MatchOptions(allow_nothing_matched=True))
    assert run.ledger["rows"]["matched"] == 0 and run.report["rows"]["total"] == len(run.table)


def test_guarded_cells_are_counted_reported_and_explained(cli, tmp_path):
    report = tmp_path / "r.json"
    result = invoke(cli, "--lang", "en", "match", MESSY, "-o", tmp_path / "o.csv", "--report", report)
    assert json.loads(report.read_text(encoding="utf-8"))["guarded_cells"] == {"Kelurahan": 1}
    assert "1 text cells got a leading apostrophe" in result.output and "'Kelurahan' 1" in result.output


def test_xlsx_summary_has_no_encoding_or_delimiter(cli, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Kelurahan", "Jumlah"])
    wb.active.append(["Sukasari", 2])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    result = invoke(cli, "match", path, "-o", tmp_path / "o.csv")
    assert result.exit_code == 0, result.output
    assert "Format xlsx" in result.output and "pemisah" not in result.output and "encoding" not in result.output


def test_empty_sheet_gets_an_empty_sheet_message(cli, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    wb.active.append(["Kelurahan", "Jumlah"])
    wb.active.append(["Sukasari", 2])
    wb.create_sheet("Kosong")
    path = tmp_path / "t.xlsx"
    wb.save(path)
    result = invoke(cli, "match", path, "-o", tmp_path / "o.csv", "--sheet", "Kosong")
    assert result.exit_code != 0
    assert "Lembar 'Kosong'" in result.output and "0 baris pertama" not in result.output


def test_sheet_option_on_csv_is_reported(cli, tmp_path):
    result = invoke(cli, "--lang", "en", "match", MESSY, "-o", tmp_path / "o.csv", "--sheet", "Data")
    assert result.exit_code == 0 and "--sheet 'Data' was ignored" in result.output and "not an XLSX" in result.output


def test_declared_subtotals_are_not_a_false_difference(cli, tmp_path):
    body = ("Kelurahan;Jumlah\nSukasari;3\nBabakan;4\nJumlah Kecamatan Tangerang;7\n"
            "Cipondoh;5\nJumlah Kecamatan Cipondoh;5\nTOTAL;12\n")
    result = invoke(cli, "--lang", "en", "match", tiny_csv(tmp_path, body), "-o", tmp_path / "o.csv")
    assert result.exit_code == 0, result.output
    assert "says 12" in result.output and "(same)" in result.output and "DIFFERS" not in result.output


def test_aggregate_reports_what_was_left_off_the_layer(cli, tmp_path):
    result = invoke(cli, "--lang", "en", "aggregate", MESSY, "--measure", "jumlah kelompok", "-o", tmp_path / "l.geojson")
    assert result.exit_code == 0, result.output
    assert "Left out: 1 to review, 2 unmatched" in result.output
    assert "'Jumlah Kelompok': 30 on the layer; 16 left out (review 7, unmatched 9)" in result.output
    assert "WARNING: 3 rows are not on the layer" in result.output


def test_aggregate_without_left_out_rows_has_no_warning(cli, tmp_path):
    result = invoke(cli, "--lang", "en", "aggregate", tiny_csv(tmp_path, "Kelurahan;Jumlah\nSukasari;3\nBabakan;4\n"),
                    "--measure", "Jumlah", "-o", tmp_path / "l.geojson")
    assert result.exit_code == 0, result.output
    assert "'Jumlah': 7 on the layer; 0 left out" in result.output and "WARNING" not in result.output


def test_layers_does_not_import_cli_text():
    import subprocess
    import sys

    code = "import sys, geoapp.imports.run_layer; print('geoapp.cli.text' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(("first", "second", "joined"), [
    ("Koordinat ditukar kembali.", "Koordinat di luar kota", "Koordinat ditukar kembali. Koordinat di luar kota"),
    ("koordinat kosong", "nama mirip", "koordinat kosong; nama mirip"),
    ("Koordinat ditukar.", "", "Koordinat ditukar."),
])
def test_coordinate_notes_join_without_doubled_punctuation(first, second, joined):
    from geoapp.imports.pipeline import join_notes

    assert join_notes(first, second) == joined
