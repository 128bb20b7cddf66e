"""``geoapp import``: a file of any size into an instance as a new version, with the upload
page's rules (ledger, all or nothing, nothing-matched refused)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geoapp.cli.main import main
from geoapp.store import active_dataset
from geoapp.store.years import year_counts
from geoapp.web import create_app

# Hand-made rows: two Kota Tangerang Selatan kelurahan, one row to review, one outside.
TANGSEL = ("No,Kode Wilayah,Kelurahan,Kecamatan,Jumlah Kelompok\n"
           "1,36.74.01.1001,Ciater,Serpong,2\n"
           "2,,Rawabuntu,Serpong,3\n"
           "3,,Rawa Buntu Indah,Serpong,4\n"
           "4,36.71.01.1001,Sukarasa,Tangerang,5\n")


@pytest.fixture
def env(monkeypatch):
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE", "GEOAPP_WILAYAH", "GEOAPP_BOUNDARIES"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", *[str(a) for a in args]],
                              catch_exceptions=False)


def stored(instance: Path, wilayah: str):
    app = create_app({"INSTANCE_PATH": str(instance), "WILAYAH": wilayah})
    with app.app_context(), app.extensions["geoapp_db"]["sessions"]() as session:
        ds = active_dataset(session, "umkm")
        out = None if ds is None else (ds.title, ds.row_count, ds.imported_by,
                                       json.loads(ds.ledger_json)["rows"])
    app.extensions["geoapp_db"]["engine"].dispose()
    return out


def test_import_into_a_working_area(env, tmp_path):
    source = tmp_path / "umkm_tangsel.csv"
    source.write_text(TANGSEL, encoding="utf-8")
    instance = tmp_path / "instance"
    result = run("import", source, "--program", "umkm", "--title", "UMKM 2021",
                 "--wilayah", "36.74", "--instance", instance, "--yes")
    assert result.exit_code == 0, result.output
    assert "stored as version 1 and is now active" in result.output
    title, rows, user, ledger = stored(instance, "36.74")
    assert (title, rows) == ("UMKM 2021", 4) and user.startswith("cli")
    assert ledger["matched"] == 2 and ledger["matched"] + ledger["review"] + ledger["unmatched"] == 4


def test_import_where_nothing_matches_stores_nothing(env, tmp_path):
    source = tmp_path / "umkm_tangsel.csv"
    source.write_text(TANGSEL, encoding="utf-8")
    instance = tmp_path / "instance"
    result = run("import", source, "--program", "umkm", "--instance", instance,
                 "--wilayah", "32.73", "--yes")        # Kota Bandung: none of these rows
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert stored(instance, "32.73") is None


def test_import_refuses_an_unknown_program(env, tmp_path):
    source = tmp_path / "x.csv"
    source.write_text(TANGSEL, encoding="utf-8")
    result = run("import", source, "--program", "nope", "--instance", tmp_path / "i")
    assert result.exit_code == 2 and "umkm" in result.output


def test_upload_page_states_its_limits_and_the_command(app, client, token):
    from geoapp.store import set_password
    from geoapp.web.db import get_db

    with app.app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
    client.post("/auth/login", data={"username": "perencana", "password": "rahasia-123",
                                     "csrf_token": token(client)})
    page = client.get("/data/upload?lang=en").get_data(as_text=True)
    assert "files up to 20 MB and 50,000 data rows" in page
    assert "geoapp import FILE --program KEY</code>" in page      # Kota Tangerang: no --wilayah
    finish = page.split('data-testid="upload-finish-import">')[1].split("</span>")[0]
    assert "then fixed in the browser" in finish and 'href="/data/versions"' in finish
    assert "Fix unmatched rows" in finish
    indonesian = client.get("/data/upload?lang=id").get_data(as_text=True)
    assert "Perbaiki baris yang belum cocok" in indonesian.split('"upload-finish-import">')[1]


# --- history: an import says what it adds, replaces and keeps (tiny inline CSV files)

TWO_YEARS = ("Tahun,Kelurahan,Kecamatan,Jumlah Kelompok\n2020,Sukarasa,Tangerang,3\n"
             "2021,Sukaasih,Tangerang,2\n")
ONE_YEAR = "Kelurahan,Kecamatan,Jumlah Kelompok\nSukarasa,Tangerang,5\nCikokol,Tangerang,0\n"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE", "GEOAPP_MAX_CONTENT_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "instance"


def run_years(instance, tmp_path, text, name, *args, stdin=None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["--lang", "en", "import", str(path), "--program", "umkm",
                                     "--instance", str(instance), *args], input=stdin,
                              catch_exceptions=False)


def counts(instance):
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    with app.extensions["geoapp_db"]["sessions"]() as session:
        return year_counts(session, active_dataset(session, "umkm").id)


def test_import_says_the_plan_and_keeps_other_years(instance, tmp_path):
    first = run_years(instance, tmp_path, TWO_YEARS, "umkm.csv", "--yes")
    assert first.exit_code == 0, first.output
    assert "adds 2020 (1 rows), 2021 (1 rows); replaces nothing; keeps nothing." in first.output
    dry = run_years(instance, tmp_path, ONE_YEAR, "umkm_2022.csv", "--dry-run")
    assert "adds 2022 (2 rows); replaces nothing; keeps 2020 (1 rows), 2021 (1 rows)." \
        in dry.output and "Dry run: nothing was stored." in dry.output
    assert counts(instance) == {"2020": 1, "2021": 1}
    refused = run_years(instance, tmp_path, ONE_YEAR, "umkm_2022.csv", stdin="n\n")
    assert "Nothing was stored." in refused.output
    stored = run_years(instance, tmp_path, ONE_YEAR, "umkm.csv", "--year", "2022", stdin="y\n")
    assert "stored as version 2 and is now active" in stored.output
    assert "added 2022 (2 rows); replaced nothing; kept 2020 (1 rows), 2021 (1 rows)." \
        in stored.output
    assert counts(instance) == {"2020": 1, "2021": 1, "2022": 2}
    again = run_years(instance, tmp_path, ONE_YEAR, "umkm_2021.csv", "--dry-run")
    assert "replaces 2021 (1 rows, now 2)" in again.output
    assert "will be replaced" in again.output


def test_import_refuses_a_bad_year(instance, tmp_path):
    result = run_years(instance, tmp_path, ONE_YEAR, "umkm.csv", "--year", "two")
    assert result.exit_code == 2 and "'two'" in result.output


def test_a_large_import_shows_progress_while_storing(env, tmp_path, monkeypatch):
    from geoapp.cli.run_options import ProgressBar

    monkeypatch.setattr(ProgressBar, "MIN_ROWS", 2)      # the bars appear from 2 rows on
    steps = []
    real = ProgressBar.__call__

    def record(bar, done, total):
        steps.append((bar.label, done, total))
        real(bar, done, total)

    monkeypatch.setattr(ProgressBar, "__call__", record)
    source = tmp_path / "tangsel.csv"
    source.write_text(TANGSEL, encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "import", str(source), "--program", "umkm",
                                       "--wilayah", "36.74", "--instance", str(tmp_path / "i"),
                                       "--yes"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    label = "Storing 4 rows as a new version ..."
    assert steps[-1] == (label, 4, 4)                     # the storing bar ran to its end
    assert result.stderr.count(label) == 1                # said once, by the bar


# --- the working area: said before matching, remembered by the instance (its server's WILAYAH)

def served_with(instance: Path, wilayah: str) -> None:
    """What 'geoapp serve --wilayah' does to the instance: record its working area."""
    from geoapp.web.boundary_set import record_working_area

    app = create_app({"INSTANCE_PATH": str(instance), "WILAYAH": wilayah})
    assert record_working_area(app) == wilayah
    app.extensions["geoapp_db"]["engine"].dispose()


def test_import_says_its_working_area_first(env, tmp_path):
    source = tmp_path / "umkm_tangsel.csv"
    source.write_text(TANGSEL, encoding="utf-8")
    result = run("import", source, "--program", "umkm", "--wilayah", "36.74",
                 "--instance", tmp_path / "i", "--dry-run")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stderr.splitlines() if x.startswith("Working area:"))
    assert line.startswith("Working area: Kota Tangerang Selatan (36.74), ")
    assert line.endswith(" desa/kelurahan")
    assert result.stderr.index("Reading") < result.stderr.index("Working area:")
    fresh = run("import", source, "--program", "umkm", "--instance", tmp_path / "j",
                "--dry-run")                  # a fresh instance: still Kota Tangerang
    assert "Working area: Kota Tangerang (36.71), 104 desa/kelurahan" in fresh.stderr
    indonesian = CliRunner().invoke(main, ["import", str(source), "--program", "umkm",
                                           "--instance", str(tmp_path / "j"), "--dry-run"])
    assert "Wilayah kerja: Kota Tangerang (36.71), 104 desa/kelurahan" in indonesian.stderr


def test_import_uses_the_working_area_its_server_recorded(env, tmp_path):
    source = tmp_path / "umkm_tangsel.csv"
    source.write_text(TANGSEL, encoding="utf-8")
    instance = tmp_path / "instance"
    served_with(instance, "36.74")
    result = run("import", source, "--program", "umkm", "--instance", instance, "--yes")
    assert result.exit_code == 0, result.output
    assert "Working area: Kota Tangerang Selatan (36.74)" in result.stderr
    assert stored(instance, "36.74")[3]["matched"] == 2   # not Kota Tangerang's 1
    same = run("import", source, "--program", "umkm", "--instance", instance,
               "--wilayah", "36.74", "--dry-run")
    assert same.exit_code == 0, same.output


def test_import_refuses_another_area_than_the_recorded_one(env, tmp_path):
    source = tmp_path / "umkm_tangsel.csv"
    source.write_text(TANGSEL, encoding="utf-8")
    instance = tmp_path / "instance"
    served_with(instance, "36")
    result = run("import", source, "--program", "umkm", "--instance", instance,
                 "--wilayah", "36.74", "--yes")
    assert result.exit_code == 2 and "Traceback" not in result.output
    message = result.stderr
    assert "Banten province (36)" in message and "36.74 (Kota Tangerang Selatan)" in message
    assert "--wilayah 36 " in message and "geoapp serve --wilayah 36.74" in message
    assert "Working area:" not in message                 # refused before any matching
    assert stored(instance, "36") is None
    indonesian = CliRunner().invoke(main, ["import", str(source), "--program", "umkm",
                                           "--instance", str(instance), "--wilayah", "36.74"])
    assert indonesian.exit_code == 2 and "Provinsi Banten (36)" in indonesian.stderr


def test_serve_records_the_working_area_and_says_its_banner_in_the_language(env, tmp_path,
                                                                            monkeypatch):
    import socket

    from geoapp.store.app_settings import recorded_wilayah
    from geoapp.web import serve as serve_module

    monkeypatch.setattr(serve_module, "serve_app", lambda app, **kw: None)   # no real server
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = tmp_path / "instance"
    result = CliRunner().invoke(main, ["serve", "--wilayah", "36.74", "--instance", str(instance),
                                       "--port", str(port)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "akun perencana dibuat" in result.output and "kata sandi:" in result.output
    assert f"geoapp: http://127.0.0.1:{port}/  (instance " in result.output
    assert "planner account created" not in result.output
    app = create_app({"INSTANCE_PATH": str(instance)})
    assert recorded_wilayah(app.extensions["geoapp_db"]["engine"]) == "36.74"
    app.extensions["geoapp_db"]["engine"].dispose()


def test_a_later_serve_without_wilayah_keeps_the_recorded_area(env, tmp_path, monkeypatch):
    import socket

    from geoapp.web import serve as serve_module
    from geoapp.web.boundary_set import boundary_files

    served = []
    monkeypatch.setattr(serve_module, "serve_app", lambda app, **kw: served.append(app))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    instance = str(tmp_path / "instance")
    serve = ["serve", "--instance", instance, "--port", port]
    assert CliRunner().invoke(main, [*serve, "--wilayah", "36.74"]).exit_code == 0
    again = CliRunner().invoke(main, serve, catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "Wilayah kerja: Kota Tangerang Selatan (36.74), seperti saat instance" in again.output
    assert boundary_files(served[-1]).area == "36.74" and served[-1].config["WILAYAH"] == "36.74"
    monkeypatch.setenv("GEOAPP_WILAYAH", "36.71")            # a written setting wins
    told = CliRunner().invoke(main, serve, catch_exceptions=False)
    assert told.exit_code == 0 and "Wilayah kerja" not in told.output
    assert boundary_files(served[-1]).area != "36.74"
    for app in served:
        app.extensions["geoapp_db"]["engine"].dispose()


def test_the_help_names_any_region(env):
    text = CliRunner().invoke(main, ["--lang", "en", "--help"]).output
    assert "Kota Tangerang program records" not in text and "any Indonesian region" in text
    assert "data program Kota Tangerang" not in CliRunner().invoke(main, ["--help"]).output


def test_upload_page_of_a_working_area_names_it_in_the_command(env, tmp_path, token):
    from geoapp.store import set_password
    from geoapp.web.db import get_db

    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True,
                      "LOAD_SAMPLE_DATA": False, "WILAYAH": "36"})
    client = app.test_client()
    with app.app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
    client.post("/auth/login", data={"username": "perencana", "password": "rahasia-123",
                                     "csrf_token": token(client)})
    page = client.get("/data/upload?lang=en").get_data(as_text=True)
    assert "geoapp import FILE --program KEY --wilayah 36</code>" in page
    app.extensions["geoapp_db"]["engine"].dispose()
