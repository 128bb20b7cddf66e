"""Review fixes on the upload preview: signature/footer lines are listed as non-data rows
(not offered for assignment), assign dropdowns start blank, a decision can be undone
before confirming, version states are translated. Tiny inline CSV files."""

from __future__ import annotations

import html
import io
import re

from geoapp.web.db import get_db

# A recap with a signature block under the table (as official spreadsheets end).
SIGNED = (
    "Tahun,Kelurahan,Kecamatan,Jumlah Kelompok\n"
    "2022,Sukarasa,Tangerang,5\n"
    "2022,Cikokol,Tangerang,2\n"
    "2022,Kelurahan Entah,Tangerang,1\n"
    ",,,\n"
    ',"Tangerang, 16 Januari 2023",,\n'
    ",Kepala Dinas Koperasi dan UKM,,\n"
    ",,,\n"
    ',"Drs. H. Budi Santoso, M.Si",,\n'
    ",NIP. 19680101 199003 1 005,,\n"
)


def upload(client, token, text=SIGNED, name="umkm_2022.csv"):
    form = {"program": "umkm", "title": "UMKM", "csrf_token": token(client),
            "file": (io.BytesIO(text.encode("utf-8")), name)}
    r = client.post("/data/upload", data=form, content_type="multipart/form-data")
    assert r.status_code == 302
    return r.headers["Location"]


def page(client, location, lang="en"):
    return html.unescape(client.get(f"{location}?lang={lang}").get_data(as_text=True))


def test_signature_lines_are_listed_not_offered(planner, token):
    text = page(planner, upload(planner, token))
    listed = re.search(r'data-testid="non-data-rows">(.*?)</ul>', text, re.S).group(1)
    for line in ("Tangerang, 16 Januari 2023", "Kepala Dinas Koperasi dan UKM",
                 "Drs. H. Budi Santoso, M.Si", "NIP. 19680101 199003 1 005"):
        assert line in listed
    unmatched = re.search(r'data-testid="unmatched">(.*?)</table>', text, re.S).group(1)
    assert "Kelurahan Entah" in unmatched and "Januari" not in unmatched
    assert unmatched.count('data-testid="unmatched-row"') == 1
    assert "Baris tanda tangan atau kaki tabel" in page(planner, upload(planner, token), "id")


def test_assign_dropdowns_start_blank(planner, token):
    text = page(planner, upload(planner, token))
    select = re.search(r'<select name="kode" data-testid="manual-kode"[^>]*>\s*<option[^>]*>',
                       text).group(0)
    assert 'value="" selected' in select and "required" in select


def test_a_blank_assignment_is_refused(planner, token):
    location = upload(planner, token)
    r = planner.post(f"{location}/review", data={"csrf_token": token(planner), "action": "manual",
                                                  "positions": "2", "kode": ""})
    assert r.status_code == 400


def test_assign_can_be_undone_before_confirm(planner, token):
    location = upload(planner, token)
    r = planner.post(f"{location}/review", data={"csrf_token": token(planner), "action": "manual",
                                                  "positions": "2", "kode": "36.71.02.1006"})
    assert r.status_code == 302
    text = page(planner, location)
    assert "Assigned to Alam Jaya" in text and 'data-testid="undo-decision"' in text
    assert 'data-testid="unmatched-row"' not in text
    r = planner.post(f"{location}/undo", data={"csrf_token": token(planner), "decision": "1"})
    assert r.status_code == 302
    text = page(planner, location)
    assert 'data-testid="decision"' not in text and 'data-testid="unmatched-row"' in text
    again = planner.post(f"{location}/undo", data={"csrf_token": token(planner), "decision": "1"})
    assert again.status_code == 409


def test_version_states_are_translated(planner, token):
    location = upload(planner, token)
    planner.post(f"{location}/confirm", data={"csrf_token": token(planner)})
    text = html.unescape(planner.get("/data/versions?lang=id").get_data(as_text=True))
    assert ">aktif<" in text and ">active<" not in text
    assert 'data-testid="version-years">2022<' in text
    assert "Bantuan modal usaha UMKM/PKL" in text or "UMKM" in text


def test_a_saved_versions_unmatched_rows_can_be_reopened_and_fixed(app, planner, token):
    from geoapp.store import active_dataset, list_events, row_dicts

    location = upload(planner, token)
    planner.post(f"{location}/confirm", data={"csrf_token": token(planner)})
    with app.app_context():
        first = active_dataset(get_db(), "umkm")
        first_id, first_unmatched = first.id, first.unmatched_count
    assert first_unmatched == 1
    versions = planner.get("/data/versions").get_data(as_text=True)
    assert f'data-testid="reopen-{first_id}"' in versions
    r = planner.post(f"/data/versions/{first_id}/reopen", data={"csrf_token": token(planner)})
    assert r.status_code == 302 and "/data/upload/" in r.headers["Location"]
    again = r.headers["Location"].split("#")[0]
    text = page(planner, again)
    assert text.count('data-testid="unmatched-row"') == 1 and "Kelurahan Entah" in text
    assert "Januari" in re.search(r'data-testid="non-data-rows">(.*?)</ul>', text, re.S).group(1)
    assert "replaces 2022 (3 rows, now 3)" in text     # footer lines have no year
    row = re.search(r'name="positions" value="(\d+)">\s*<select name="kode" '
                    r'data-testid="manual-kode"', text).group(1)
    r = planner.post(f"{again}/review", data={"csrf_token": token(planner), "action": "manual",
                                              "positions": row, "kode": "36.71.02.1006"})
    assert r.status_code == 302
    planner.post(f"{again}/confirm", data={"csrf_token": token(planner)})
    with app.app_context():
        db = get_db()
        fixed = active_dataset(db, "umkm")
        assert fixed.id != first_id and fixed.previous_id == first_id
        assert fixed.unmatched_count == 0 and fixed.matched_count == 3
        assert f'"reopened_from": {first_id}' in fixed.report_json
        kodes = sorted(r["kode"] for r in row_dicts(db, fixed.id) if r["status"] == "matched")
        assert kodes == ["36.71.01.1001", "36.71.01.1005", "36.71.02.1006"]
        events = [e.action for e in list_events(db).events]
        assert "dataset.reopen" in events


def test_only_the_active_version_can_be_reopened(app, planner, token):
    from geoapp.store import active_dataset

    planner.post(f"{upload(planner, token)}/confirm", data={"csrf_token": token(planner)})
    with app.app_context():
        old = active_dataset(get_db(), "umkm").id
    planner.post(f"{upload(planner, token)}/confirm", data={"csrf_token": token(planner)})
    r = planner.post(f"/data/versions/{old}/reopen", data={"csrf_token": token(planner)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/data/versions")
    assert "Hanya versi aktif" in html.unescape(planner.get("/data/versions").get_data(as_text=True))
