"""The geoapp command line, driven through click's CliRunner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner

from geoapp.cli import main

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
    aliases = tmp_path / "aliases.csv"
    result = invoke(cli, "review", MESSY, "--aliases", aliases, input="1\n")
    assert result.exit_code == 0, result.output
    assert "Sudimara" in aliases.read_text(encoding="utf-8")
    out = tmp_path / "out.csv"
    invoke(cli, "match", MESSY, "-o", out, "--aliases", aliases)
    row = next(r for r in read_out(out) if r["Kelurahan"] == "Sudimara")
    assert row["match_status"] == "matched" and row["match_method"] == "alias"


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
    result = invoke(cli, "match", "--help")
    assert "Match every row of INPUT" in result.output and "--kelurahan-col" in result.output
