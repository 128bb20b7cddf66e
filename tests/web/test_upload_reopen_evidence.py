"""Reopening a version brings its review and unmatched rows back on the evidence of the
import they came from (the file's own code column, names), never auto-matched by name
because the reopened file's code column left them without their written code.

A tiny hand-made Kota Tangerang file: row 9 writes the code of Jatake (Jatiuwung) next
to the names of Cikokol (Tangerang): code and names disagree, a row to review; row 10
names no kelurahan of the boundary set: unmatched."""

from __future__ import annotations

import html
import json
import re

from click.testing import CliRunner

from geoapp.cli.main import main
from geoapp.web.db import get_db

ROWS = [
    ("36.71.01.1001", "Sukarasa", "Tangerang"), ("36.71.01.1002", "Sukaasih", "Tangerang"),
    ("36.71.01.1003", "Tanah Tinggi", "Tangerang"), ("36.71.01.1004", "Buaran Indah", "Tangerang"),
    ("36.71.01.1006", "Kelapa Indah", "Tangerang"), ("36.71.01.1007", "Sukasari", "Tangerang"),
    ("36.71.02.1001", "Keroncong", "Jatiuwung"), ("36.71.03.1001", "Batuceper", "Batuceper"),
    ("36.71.02.1002", "Cikokol", "Tangerang"),       # Jatake's code: to review
    ("", "Desa Antah", "Tangerang"),                  # unmatched
]
KOTA = ["Kota Tangerang"] * 9 + ["Kota <b>Tangerang</b>"]      # shown escaped
SOURCE = "Kode Wilayah,Kelurahan,Kecamatan,Kabupaten/Kota,Jumlah\n" + "".join(
    f"{kode},{name},{kec},{kota},{n}\n"
    for n, ((kode, name, kec), kota) in enumerate(zip(ROWS, KOTA, strict=True), 1))
REVIEW, UNMATCHED = 8, 9                              # positions (0-based)


def import_with_cli(tmp_path):
    source = tmp_path / "umkm_kode_2023.csv"
    source.write_text(SOURCE, encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "import", str(source), "--program",
                                       "umkm", "--instance", str(tmp_path / "instance"),
                                       "--yes"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def rows_of(db, dataset_id):
    from geoapp.store import row_dicts

    return {r["position"]: (r["status"], r["kode"], r["note"])
            for r in row_dicts(db, dataset_id)}


def test_reopened_review_and_unmatched_rows_keep_their_evidence(app, planner, token,
                                                                tmp_path):
    from geoapp.store import active_dataset

    import_with_cli(tmp_path)
    with app.app_context():
        db = get_db()
        first = active_dataset(db, "umkm")
        first_id = first.id
        assert (first.matched_count, first.review_count, first.unmatched_count) == (8, 1, 1)
        before = rows_of(db, first_id)
    assert before[REVIEW][0] == "review" and before[UNMATCHED][0] == "unmatched"

    r = planner.post(f"/data/versions/{first_id}/reopen", data={"csrf_token": token(planner)})
    location = r.headers["Location"].split("#")[0]
    raw = planner.get(f"{location}?lang=en").get_data(as_text=True)
    assert "<b>Tangerang</b>" not in raw and "Kota &lt;b&gt;Tangerang&lt;/b&gt;" in raw
    text = html.unescape(raw)
    groups = text.split('data-testid="review-group"')[1:]
    assert len(groups) == 1 and 'data-name="Cikokol"' in groups[0]
    assert text.count('data-testid="unmatched-row"') == 1
    unmatched = text.split('data-testid="unmatched-row"')[1].split("</tr>")[0]
    assert "Desa Antah" in unmatched
    # The file's kabupaten/kota column is shown with the unmatched row (escaped).
    assert '<td data-testid="unmatched-kabupaten">Kota <b>Tangerang</b></td>' in unmatched
    assert "<th>Kabupaten/kota</th>" in text.split('data-testid="unmatched"')[1]
    assert 'data-testid="unmatched-provinsi"' not in text      # the file has no such column
    # Codes are in use: no note asks to choose a code column, and the column report says
    # the reopening (not the planner) chose the code column.
    assert "looks like a code column" not in text
    report = text.split('data-testid="column-report"')[1].split("</table>")[0]
    assert re.search(r'data-use="kode" data-how="reopened">\s*<td>1</td><td>Kode Wilayah</td>'
                     r"\s*<td>kode wilayah</td>\s*<td>as in the reopened version</td>", report)
    assert re.search(r'data-use="stored kode" data-how="reopened">\s*<td>7</td>'
                     r"<td>Kode Wilayah \(tersimpan\)</td>\s*"
                     r"<td>stored code \(matched rows keep it\)</td>", report)
    assert "chosen by you" not in report
    indonesian = html.unescape(planner.get(f"{location}?lang=id").get_data(as_text=True))
    assert "tidak dipakai; pilih kolom itu" not in indonesian
    assert "seperti pada versi yang dibuka lagi" in indonesian
    assert "<th>Kabupaten/kota</th>" in indonesian.split('data-testid="unmatched"')[1]

    r = planner.post(f"{location}/confirm", data={"csrf_token": token(planner)})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    with app.app_context():
        db = get_db()
        again = active_dataset(db, "umkm")
        assert again.previous_id == first_id
        assert (again.matched_count, again.review_count, again.unmatched_count) == (8, 1, 1)
        after = rows_of(db, again.id)
    assert {i: v[:2] for i, v in after.items()} == {i: v[:2] for i, v in before.items()}
    for i in (REVIEW, UNMATCHED):                     # the same kind of note as at import
        assert after[i][2] == before[i][2], (after[i], before[i])


def test_the_original_code_column_is_found_even_after_an_older_reopen():
    """A version stored by a reopen that read the stored-code column as its code column:
    the reopened file's code column is the one its headers name."""
    from geoapp.imports.upload.reopen import original_kode_column
    from geoapp.imports.upload.stored_codes import KODE_HEADER
    from geoapp.store.models import Dataset

    headers = ["Kode Wilayah", "Kelurahan", "Jumlah", "Tahun", KODE_HEADER]

    def found(columns):
        return original_kode_column(Dataset(report_json=json.dumps({"columns": columns})),
                                    headers)

    assert found({"kode": "Kode Wilayah", "kelurahan": "Kelurahan"}) == 0
    assert found({"kode": None, "kelurahan": "Kelurahan"}) is None       # it had none
    assert found({"kode": KODE_HEADER, "kelurahan": "Kelurahan"}) == 0   # older reopen
    assert original_kode_column(Dataset(report_json="{}"), headers) == 0
    assert original_kode_column(Dataset(report_json="{}"), ["Kelurahan", KODE_HEADER]) is None
