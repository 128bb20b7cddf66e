"""Input columns are never overwritten (issue 14 point 2): DKI's tables use geoapp's own
output names as headers; the output keeps them byte for byte and renames geoapp's."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from geoapp.cli.main import main
from geoapp.imports.pipeline import MatchOptions, output_frame, output_names, run_match

# Hand-made, in the shape of DKI's COVID-19 tables: the input's own kode/nama/status
# columns, with text geoapp would never write (odd spacing, case, a BPS-like code).
DKI = (
    "nama_kelurahan,nama_kecamatan,kode_kelurahan,match_status,positif\n"
    "  LARANGAN UTARA ,KEC. LARANGAN,3671011001 ,dirawat,4\n"
    "Gaga,Larangan,,Sembuh,2\n"
    "Tempat Tidak Ada,Entah,99.99.99.9999,meninggal,1\n"
    "Kreo Sel.,larangan ,36.71.13.1008,,3\n"
)


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_own_columns_are_renamed_on_a_collision_only():
    names = output_names(["nama_kelurahan", "Match_Status ", "geoapp_match_status", "x"])
    assert names["nama_kelurahan"] == "geoapp_nama_kelurahan"
    assert names["match_status"] == "geoapp_match_status_2"
    assert names["match_note"] == "match_note"


def test_output_frame_keeps_colliding_input_columns_byte_for_byte():
    r = run_match(DKI.encode(), "dki.csv", MatchOptions(lang="en", allow_nothing_matched=True))
    frame = output_frame(r)
    source = rows_of(DKI)
    assert list(frame.columns[:5]) == source[0]
    for i, row in enumerate(source[1:]):
        assert [str(v) for v in frame.iloc[i, :5]] == row
    assert "geoapp_match_status" in frame.columns and "geoapp_kode_kelurahan" in frame.columns
    assert frame["geoapp_kode_kelurahan"].iloc[3] == "36.71.13.1008"
    assert r.report["renamed_output_columns"]["match_status"] == "geoapp_match_status"


def test_cli_match_output_keeps_every_input_cell(tmp_path):
    src = tmp_path / "dki.csv"
    src.write_bytes(DKI.encode())
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["--lang", "en", "match", str(src), "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    written = rows_of(out.read_text(encoding="utf-8"))
    source = rows_of(DKI)
    assert written[0][:5] == source[0]
    assert written[0][5:8] == ["geoapp_kode_kelurahan", "geoapp_nama_kelurahan",
                               "geoapp_nama_kecamatan"]
    for got, want in zip(written[1:], source[1:], strict=True):
        assert got[:5] == want
