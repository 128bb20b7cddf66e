"""A version imported with ``geoapp import`` (more rows than the upload page takes) is
finished in the browser: the CLI points to Data → versions, the planner reopens the
version, fixes its review row and confirms a new version holding every row.

A tiny hand-made file: the app's limits are set below it (MAX_ROWS 20, a 30-row file)."""

from __future__ import annotations

import html
import json
import re

from click.testing import CliRunner

from geoapp.cli.main import main
from geoapp.web.db import get_db

KELURAHAN = [
    ("Sukarasa", "Tangerang"), ("Sukaasih", "Tangerang"), ("Tanah Tinggi", "Tangerang"),
    ("Buaran Indah", "Tangerang"), ("Cikokol", "Tangerang"), ("Kelapa Indah", "Tangerang"),
    ("Sukasari", "Tangerang"), ("Babakan", "Tangerang"), ("Keroncong", "Jatiuwung"),
    ("Jatake", "Jatiuwung"), ("Pasir Jaya", "Jatiuwung"), ("Gandasari", "Jatiuwung"),
    ("Manis Jaya", "Jatiuwung"), ("Alam Jaya", "Jatiuwung"), ("Batuceper", "Batuceper"),
    ("Batu Jaya", "Batuceper"), ("Poris Gaga", "Batuceper"), ("Poris Gaga Baru", "Batuceper"),
    ("Kebon Besar", "Batuceper"), ("Batu Sari", "Batuceper"), ("Poris Jaya", "Batuceper"),
    ("Belendung", "Benda"), ("Jurumudi", "Benda"), ("Benda", "Benda"), ("Pajang", "Benda"),
    ("Poris", ""),                                   # ambiguous: a row to review
    ("Jurumudi Bru", ""), ("Cipondoh Mkmr", ""),     # misspelt: matched by spelling
    ("Kelurahan Entah", "Tangerang"), ("Desa Antah", "Tangerang"),   # unmatched
]
BIG = "Tahun,Kelurahan,Kecamatan,Jumlah Kelompok\n" + "".join(
    f"2022,{name},{kecamatan},{n}\n" for n, (name, kecamatan) in enumerate(KELURAHAN, 1))
TOTAL = sum(range(1, 31))                            # 465


def import_with_cli(tmp_path, instance, lang="en"):
    source = tmp_path / "umkm_nasional_2022.csv"
    source.write_text(BIG, encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", lang, "import", str(source), "--program",
                                       "umkm", "--instance", str(instance), "--yes"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def ledger_of(dataset):
    return json.loads(dataset.ledger_json)


def test_a_cli_import_beyond_the_limits_is_finished_in_the_browser(app, planner, token,
                                                                     tmp_path):
    from geoapp.store import active_dataset, list_events, row_dicts

    app.config.update(MAX_ROWS=20, MAX_CONTENT_LENGTH=600, UPLOAD_QUOTA_BYTES=700)
    output = import_with_cli(tmp_path, tmp_path / "instance")
    assert "1 to review + 2 unmatched" in output
    assert ("3 rows to review or unmatched were stored with their reason. Finish them in the "
            "browser: Data → Stored versions (/data/versions), button 'Fix unmatched rows'"
            in " ".join(output.split()))
    assert "geoapp review" not in output                  # the offline tool changes no instance
    with app.app_context():
        db = get_db()
        first = active_dataset(db, "umkm")
        first_id = first.id
        assert (first.row_count, first.review_count, first.unmatched_count) == (30, 1, 2)
        before = {r["position"]: r["kode"] for r in row_dicts(db, first_id)
                  if r["status"] == "matched"}
    assert len(before) == 27

    versions = html.unescape(planner.get("/data/versions?lang=en").get_data(as_text=True))
    assert f'data-testid="reopen-{first_id}">Fix unmatched rows<' in versions   # as the hint says
    r = planner.post(f"/data/versions/{first_id}/reopen", data={"csrf_token": token(planner)})
    assert r.status_code == 302 and "/data/upload/" in r.headers["Location"], r.headers
    location = r.headers["Location"].split("#")[0]
    got = planner.get(f"{location}?lang=en")
    assert got.status_code == 200
    text = html.unescape(got.get_data(as_text=True))
    assert text.count('data-testid="unmatched-row"') == 2
    group = text.split('data-testid="review-group"')[1]
    assert 'data-name="Poris"' in group
    positions = re.search(r'name="positions" value="([\d,]+)"', group).group(1)
    r = planner.post(f"{location}/review", data={"csrf_token": token(planner), "action": "pick",
                                                  "positions": positions,
                                                  "kode": "36.71.03.1007"})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    desa_antah = str(len(KELURAHAN) - 1)            # its kecamatan (Tangerang) disagrees
    r = planner.post(f"{location}/review", data={"csrf_token": token(planner), "action": "manual",
                                                  "positions": desa_antah,
                                                  "kode": "36.71.05.1001"})
    assert r.status_code == 302
    text = html.unescape(planner.get(f"{location}?lang=en").get_data(as_text=True))
    assert 'data-testid="review-group"' not in text
    assert text.count('data-testid="unmatched-row"') == 1
    r = planner.post(f"{location}/confirm", data={"csrf_token": token(planner)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/data/versions?program=umkm")

    with app.app_context():
        db = get_db()
        fixed = active_dataset(db, "umkm")
        assert fixed.id != first_id and fixed.previous_id == first_id
        assert (fixed.row_count, fixed.matched_count, fixed.review_count,
                fixed.unmatched_count) == (30, 29, 0, 1)
        ledger = ledger_of(fixed)
        assert ledger["rows"]["total"] == 30
        sums = ledger["sums"]["Jumlah Kelompok"]
        assert sums["total"] == TOTAL and sums["difference"] == 0
        assert (sums["matched"], sums["review"], sums["unmatched"]) == (380 + 26 + 30, 0, 29)
        rows = row_dicts(db, fixed.id)
        after = {r["position"]: r["kode"] for r in rows if r["status"] == "matched"}
        assert {i: after[i] for i in before} == before      # matched rows keep their kode
        assert sorted(set(after) - set(before)) == [25, 29]
        assert (after[25], after[29]) == ("36.71.03.1007", "36.71.05.1001")
        assert f'"reopened_from": {first_id}' in fixed.report_json
        events = [e.action for e in list_events(db).events]
        assert "dataset.reopen" in events
        fixed_id, headers = fixed.id, json.loads(fixed.headers_json)

    # Reopened again and confirmed as it is: nothing changes, no column is added.
    r = planner.post(f"/data/versions/{fixed_id}/reopen", data={"csrf_token": token(planner)})
    location = r.headers["Location"].split("#")[0]
    text = html.unescape(planner.get(f"{location}?lang=en").get_data(as_text=True))
    assert 'data-testid="review-group"' not in text
    planner.post(f"{location}/confirm", data={"csrf_token": token(planner)})
    with app.app_context():
        db = get_db()
        again = active_dataset(db, "umkm")
        assert again.previous_id == fixed_id and json.loads(again.headers_json) == headers
        assert (again.matched_count, again.review_count, again.unmatched_count) == (29, 0, 1)
        assert ledger_of(again)["sums"] == ledger["sums"]
        assert {r["position"]: r["kode"] for r in row_dicts(db, again.id)
                if r["status"] == "matched"} == after


def test_the_import_hint_is_in_indonesian_too(app, planner, tmp_path):
    output = " ".join(import_with_cli(tmp_path, tmp_path / "instance", lang="id").split())
    assert ("3 baris yang perlu ditinjau atau belum cocok disimpan beserta alasannya. "
            "Selesaikan di peramban: Data → Versi tersimpan (/data/versions), tombol "
            "'Perbaiki baris yang belum cocok'" in output)
    assert "geoapp review" not in output
    versions = html.unescape(planner.get("/data/versions?lang=id").get_data(as_text=True))
    assert ">Perbaiki baris yang belum cocok<" in versions and ">Versi tersimpan<" in versions


def test_the_offline_match_keeps_its_review_hint(tmp_path):
    source = tmp_path / "umkm.csv"
    source.write_text(BIG, encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "match", str(source), "-o",
                                       str(tmp_path / "out.csv")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 rows need review. Run 'geoapp review'" in result.output
    assert "/data/versions" not in result.output


def test_every_unmatched_row_of_a_large_version_can_be_reached(app, planner, token, tmp_path,
                                                              monkeypatch):
    from geoapp.imports.upload import view
    from geoapp.store import active_dataset

    monkeypatch.setattr(view, "MAX_LISTED_UNMATCHED", 1)     # one unmatched row a page
    app.config.update(MAX_ROWS=20)
    import_with_cli(tmp_path, tmp_path / "instance")
    with app.app_context():
        first_id = active_dataset(get_db(), "umkm").id
    r = planner.post(f"/data/versions/{first_id}/reopen", data={"csrf_token": token(planner)})
    location = r.headers["Location"].split("#")[0]

    def unmatched(page=None):
        query = "" if page is None else f"&unmatched_page={page}"
        text = html.unescape(planner.get(f"{location}?lang=en{query}").get_data(as_text=True))
        names = re.findall(r'data-testid="unmatched-row">\s*<td>\d+</td><td>([^<]*)</td>', text)
        shown = re.search(r'data-testid="unmatched-shown">([^<]*)<', text)
        return names, shown and shown.group(1), text

    names, shown, text = unmatched()
    assert names == ["Kelurahan Entah"] and shown == "Rows 1–1 of 2 unmatched rows"
    assert 'data-testid="unmatched-next"' in text and 'data-testid="unmatched-previous"' not in text
    names, shown, text = unmatched(2)
    assert names == ["Desa Antah"] and shown == "Rows 2–2 of 2 unmatched rows"
    assert 'data-testid="unmatched-previous"' in text and 'data-testid="unmatched-next"' not in text
    assert unmatched(99)[0] == ["Desa Antah"]           # past the last page: the last
    assert planner.get(f"{location}?unmatched_page=x").status_code == 400
    indonesian = html.unescape(planner.get(f"{location}?lang=id").get_data(as_text=True))
    assert "Baris 1–1 dari 2 baris yang belum cocok" in indonesian
    assert "Halaman berikutnya" in indonesian
    row = re.search(r'name="positions" value="(\d+)">\s*<select name="kode"', text).group(1)
    r = planner.post(f"{location}/review", data={
        "csrf_token": token(planner), "action": "manual", "positions": row,
        "kode": "36.71.05.1001", "unmatched_page": "2"})
    assert r.status_code == 302 and "unmatched_page=2" in r.headers["Location"]
    names, shown, text = unmatched(2)                 # one row left: its page, no pager
    assert names == ["Kelurahan Entah"] and shown is None



def test_a_refused_assignment_is_said_on_the_page_of_its_row(app, planner, token, tmp_path,
                                                            monkeypatch):
    """A code the boundary set lacks, sent from page 2 of the unmatched rows: the error
    page shows page 2 (the row being fixed), not page 1."""
    from geoapp.imports.upload import view
    from geoapp.store import active_dataset

    monkeypatch.setattr(view, "MAX_LISTED_UNMATCHED", 1)
    import_with_cli(tmp_path, tmp_path / "instance")
    with app.app_context():
        first_id = active_dataset(get_db(), "umkm").id
    r = planner.post(f"/data/versions/{first_id}/reopen", data={"csrf_token": token(planner)})
    location = r.headers["Location"].split("#")[0]
    text = html.unescape(planner.get(f"{location}?lang=en&unmatched_page=2").get_data(
        as_text=True))
    row = re.search(r'name="positions" value="(\d+)">\s*<select name="kode"', text).group(1)
    r = planner.post(f"{location}/review", data={
        "csrf_token": token(planner), "action": "manual", "positions": row,
        "kode": "99.99.99.9999", "unmatched_page": "2"})
    assert r.status_code == 400
    text = html.unescape(r.get_data(as_text=True))
    assert "Kelurahan '99.99.99.9999' is not in the boundary set" in text
    assert "Rows 2–2 of 2 unmatched rows" in text
    assert re.findall(r'data-testid="unmatched-row">\s*<td>\d+</td><td>([^<]*)</td>',
                      text) == ["Desa Antah"]
    assert f'name="positions" value="{row}"' in text

TANGSEL = ("Kode Wilayah,Kelurahan,Kecamatan,Jumlah Kelompok\n"
           "36.74.01.1001,Ciater,Serpong,2\n"
           ",Rawabuntu,Serpong,3\n"
           ",Rawa Buntu Indah,Serpong,4\n")


def test_a_version_imported_for_another_area_is_not_reopened_to_lose_its_matches(
        app, planner, token, tmp_path):
    from geoapp.imports.upload.reopen import kodes_outside_area
    from geoapp.store import active_dataset, list_events

    source = tmp_path / "umkm_tangsel.csv"
    source.write_text(TANGSEL, encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "import", str(source), "--program",
                                       "umkm", "--instance", str(tmp_path / "instance"),
                                       "--wilayah", "36.74", "--yes"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with app.app_context():                            # the server's area: Kota Tangerang
        first = active_dataset(get_db(), "umkm")
        first_id = first.id
        assert first.matched_count == 2
        assert kodes_outside_area(get_db(), first_id) == ["36.74.01.1001", "36.74.01.1002"]
    planner.get("/data/versions?lang=en")
    r = planner.post(f"/data/versions/{first_id}/reopen", data={"csrf_token": token(planner)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/data/versions")
    text = html.unescape(planner.get("/data/versions").get_data(as_text=True))
    assert "cannot be reopened here: 2 of its matched kelurahan are outside" in text
    planner.get("/data/versions?lang=id")
    planner.post(f"/data/versions/{first_id}/reopen", data={"csrf_token": token(planner)})
    text = html.unescape(planner.get("/data/versions").get_data(as_text=True))
    assert "tidak dapat dibuka lagi di sini: 2 kelurahan" in text
    with app.app_context():
        assert "dataset.reopen" not in [e.action for e in list_events(get_db()).events]
        assert active_dataset(get_db(), "umkm").id == first_id


def test_in_a_large_working_area_the_kelurahan_code_is_typed(app, planner, token, tmp_path,
                                                            monkeypatch):
    from geoapp.imports.upload import view
    from geoapp.store import active_dataset

    monkeypatch.setattr(view, "MAX_CHOICES", 50)      # Kota Tangerang's 104 count as many
    import_with_cli(tmp_path, tmp_path / "instance")
    with app.app_context():
        first_id = active_dataset(get_db(), "umkm").id
    r = planner.post(f"/data/versions/{first_id}/reopen", data={"csrf_token": token(planner)})
    location = r.headers["Location"].split("#")[0]
    text = html.unescape(planner.get(f"{location}?lang=en").get_data(as_text=True))
    assert "This working area has 104 kelurahan/desa, too many for a list" in text
    assert "<option" not in text.split('id="review"')[1].split("</section>")[0]
    assert text.count('data-typed="yes"') == 3         # one review group, two unmatched rows
    row = re.search(r'name="positions" value="(\d+)">\s*<input type="text" name="kode" '
                    r'data-testid="manual-kode"', text).group(1)
    bad = planner.post(f"{location}/review", data={"csrf_token": token(planner),
                                                    "action": "manual", "positions": row,
                                                    "kode": "99.99.99.9999"})
    assert bad.status_code == 400
    said = html.unescape(bad.get_data(as_text=True))       # no list to choose from here
    assert ("Kelurahan '99.99.99.9999' is not in the boundary set. Check the kelurahan code "
            "(kode wilayah, e.g. 36.71.01.1001) or choose another kelurahan." in said)
    assert "from the list" not in said
    r = planner.post(f"{location}/review", data={"csrf_token": token(planner), "action": "manual",
                                                  "positions": row, "kode": " 3671051001 "})
    assert r.status_code == 302
    text = html.unescape(planner.get(f"{location}?lang=en").get_data(as_text=True))
    assert text.count('data-testid="unmatched-row"') == 1 and "36.71.05.1001" in text


def test_a_reopened_version_that_reads_as_fewer_rows_is_not_stored(app, planner, token,
                                                                   tmp_path):
    from geoapp.store import active_dataset

    import_with_cli(tmp_path, tmp_path / "instance")
    with app.app_context():
        first_id = active_dataset(get_db(), "umkm").id
    r = planner.post(f"/data/versions/{first_id}/reopen", data={"csrf_token": token(planner)})
    location = r.headers["Location"].split("#")[0]
    r = planner.post(f"{location}/options", data={"csrf_token": token(planner),
                                                   "header_row": "11"})   # 10 rows lost
    assert r.status_code == 302
    planner.get("/data/versions?lang=en")
    r = planner.post(f"{location}/confirm", data={"csrf_token": token(planner)})
    assert r.status_code == 409
    text = html.unescape(r.get_data(as_text=True))
    assert "this reopened data has 20 rows, but version 1 holds 30" in text
    with app.app_context():
        assert active_dataset(get_db(), "umkm").id == first_id
    assert planner.get(location).status_code == 200          # kept for another try
