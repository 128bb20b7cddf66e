"""A reopened version is not confirmed over a version that became active meanwhile.

A planner reopens the active version (Data → versions → "Fix unmatched rows"); before
they confirm, someone else imports another version of the program (here ``geoapp
import``). Confirming the reopened upload used to make the old version's rows active
again, silently undoing the newer version. It is now refused (409) on the preview page,
naming both versions; nothing is stored, the newer version stays active and the upload
stays until discarded. Also when the other version becomes active only after the confirm
has staged the reopened one (checked again by ``activate`` under the write lock)."""

from __future__ import annotations

import html

from click.testing import CliRunner
from sqlalchemy import func, select

from geoapp.cli.main import main
from geoapp.imports import staging
from geoapp.store.models import AuditEvent, Dataset, DatasetRow
from geoapp.web.db import get_db
from tests.web.test_upload_reopen_import import import_with_cli

OTHER = ("Tahun,Kelurahan,Kecamatan,Jumlah Kelompok\n"
         "2022,Sukarasa,Tangerang,7\n"
         "2022,Cikokol,Tangerang,8\n")


def import_other(tmp_path, instance):
    source = tmp_path / "umkm_lain_2022.csv"
    source.write_text(OTHER, encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "import", str(source), "--program",
                                       "umkm", "--instance", str(instance), "--yes"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


def stored(app):
    """(active version of umkm, datasets, rows, audit events) as stored now."""
    from geoapp.store import active_dataset

    with app.app_context():
        db = get_db()
        active = active_dataset(db, "umkm")
        return (active.version, db.scalar(select(func.count()).select_from(Dataset)),
                db.scalar(select(func.count()).select_from(DatasetRow)),
                db.scalar(select(func.count()).select_from(AuditEvent)))


def reopen(app, planner, token):
    from geoapp.store import active_dataset

    with app.app_context():
        first_id = active_dataset(get_db(), "umkm").id
    r = planner.post(f"/data/versions/{first_id}/reopen", data={"csrf_token": token(planner)})
    assert r.status_code == 302 and "/data/upload/" in r.headers["Location"], r.headers
    return r.headers["Location"].split("#")[0]


def test_a_version_imported_after_the_reopening_is_not_undone(app, planner, token, tmp_path):
    instance = tmp_path / "instance"
    import_with_cli(tmp_path, instance)
    location = reopen(app, planner, token)
    r = planner.post(f"{location}/review", data={"csrf_token": token(planner),
                                                  "action": "manual",
                                                  "positions": str(29), "kode": "36.71.05.1001"})
    assert r.status_code == 302                       # a fix made in the reopened rows
    import_other(tmp_path, instance)                  # someone else: version 2 is active
    before = stored(app)
    assert before[0] == 2

    planner.get("/data/versions?lang=en")
    r = planner.post(f"{location}/confirm", data={"csrf_token": token(planner)})
    assert r.status_code == 409
    text = " ".join(html.unescape(r.get_data(as_text=True)).split())
    assert ("Version 1 was reopened, but since then version 2 (stored by cli" in text), text
    assert "became the active version, on " in text
    assert ("Nothing was stored: confirming would have replaced version 2 with the rows of "
            "version 1. Discard this upload and reopen version 2 to fix its rows." in text)
    assert stored(app) == before                      # nothing stored, not even audited
    assert planner.get(location).status_code == 200   # the upload stays, with its message

    planner.get("/data/versions?lang=id")
    r = planner.post(f"{location}/confirm", data={"csrf_token": token(planner)})
    assert r.status_code == 409
    text = " ".join(html.unescape(r.get_data(as_text=True)).split())
    assert "Versi 1 dibuka kembali, tetapi sejak itu versi 2 (disimpan oleh cli" in text
    assert "Buang unggahan ini dan buka kembali versi 2 untuk memperbaiki barisnya." in text
    assert stored(app) == before

    # as the message says: discard, reopen version 2, confirm: stored and active
    assert planner.post(f"{location}/discard",
                        data={"csrf_token": token(planner)}).status_code == 302
    location = reopen(app, planner, token)
    r = planner.post(f"{location}/confirm", data={"csrf_token": token(planner)})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    assert stored(app)[0] == 3


def test_a_version_activated_while_the_confirm_stores_is_not_undone(app, planner, token,
                                                                   tmp_path, monkeypatch):
    """The race: the other import becomes active after the confirm's first check, just
    before the reopened version is activated: ``activate`` refuses it under its lock."""
    instance = tmp_path / "instance"
    import_with_cli(tmp_path, instance)
    location = reopen(app, planner, token)
    real_activate = staging.activate
    seen = {}

    def late_activate(session, dataset_id, **options):
        monkeypatch.setattr(staging, "activate", real_activate)   # the import's own
        seen["staged"], seen["replaces"] = dataset_id, options.get("replaces")
        seen["before"] = stored(app)
        import_other(tmp_path, instance)                          # version 3 is active
        seen["other"] = stored(app)
        return real_activate(session, dataset_id, **options)

    monkeypatch.setattr(staging, "activate", late_activate)
    planner.get("/data/versions?lang=en")
    r = planner.post(f"{location}/confirm", data={"csrf_token": token(planner)})
    assert r.status_code == 409
    text = " ".join(html.unescape(r.get_data(as_text=True)).split())
    assert "Version 1 was reopened, but since then version 3 (stored by cli" in text, text
    assert "reopen version 3 to fix its rows" in text
    assert seen["before"][0] == 1 and seen["other"][0] == 3      # version 2 was staged
    version, datasets, rows, events = stored(app)
    # version 3 stays active; the staged reopened version 2 and its rows are gone again
    assert (version, datasets, rows, events) == (3, seen["other"][1] - 1,
                                                 seen["other"][2] - 30, seen["other"][3])
    with app.app_context():
        assert get_db().get(Dataset, seen["staged"]) is None
    assert planner.get(location).status_code == 200
