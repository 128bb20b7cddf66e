"""Faults: SIGKILL in the middle of an import, a full upload folder or disk, a short load run.

The SIGKILL tests start real processes: a waitress server (the production entry point)
and an importer using ``geoapp.imports.staging`` (the stage-and-activate service, stopped
between its two steps or inside the first), kill both with SIGKILL while the import is in
flight, restart the server and check through its read API that the previous active
version is untouched and that no half-written version is visible; a committed but never
activated version stays (invisible) until it is ``STAGED_MAX_AGE`` old, then a start
removes it, so nothing is left in the database.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from sample_app import DB_NAME, copy_instance, sample_template  # noqa: F401
from shared_state import new_shelf, upload_tokens
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from geoapp.core.errors import GeoappError
from geoapp.imports.upload import folder as upload_folder
from geoapp.imports.upload.start import start_upload
from geoapp.store import create_engine_for, init_db

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

# The importer: matches a large generated UMKM file, then stages it. ``mode`` decides where
# it stops to be killed: "staged" = after the staged version is committed, before activate;
# "inserting" = in the middle of inserting the rows (inside the open transaction).
IMPORTER = r"""
import sys, time
from pathlib import Path
from sqlalchemy.orm import Session
from geoapp.imports.staging import ImportRequest, match_import, request_version, stage_version
from geoapp.store import activate, create_engine_for

db, source, mode, marker = sys.argv[1:5]
data = Path(source).read_bytes()
request = ImportRequest(program="umkm", data=data, filename="besar.csv", title="Impor besar", user="tes")
version = request_version(request, match_import(request))
rows = version.rows

class SlowRows:
    def __len__(self):
        return len(rows)
    def __iter__(self):
        for index, row in enumerate(rows):
            if mode == "inserting" and index == len(rows) // 2:  # after the first batches
                Path(marker).write_text("inserting")
                time.sleep(600)
            yield row

version.rows = SlowRows()
engine = create_engine_for(db)
with Session(engine) as session:
    staged = stage_version(session, version)   # stage_and_activate, first step
    Path(marker).write_text(f"staged {staged.id}")
    time.sleep(600)
    activate(session, staged.id)
"""

SERVER = r"""
import sys
from geoapp.web.serve import serve
serve(host="127.0.0.1", port=int(sys.argv[1]), threads=4, instance=sys.argv[2])
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env() -> dict[str, str]:
    values = {**os.environ, "GEOAPP_LOAD_SAMPLE_DATA": "false",
              "GEOAPP_CREATE_DEFAULT_PLANNER": "false", "PYTHONPATH": str(REPO)}
    values.pop("GEOAPP_INSTANCE", None)
    return values


def start_server(instance: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(instance)], env=env(),
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()
        try:
            get_json(port, "/api/status")
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("server did not start")


def get_json(port: int, path: str):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return json.loads(response.read())


def get_status(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def fingerprint(db: Path, dataset_id: int) -> tuple:
    """Row count and per-measure sums of one version, straight from the database."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT measures_json FROM dataset_rows WHERE dataset_id = ?",
                           (dataset_id,)).fetchall()
    finally:
        con.close()
    sums: dict[str, float] = {}
    for (text,) in rows:
        for key, value in json.loads(text).items():
            sums[key] = sums.get(key, 0.0) + (value or 0.0)
    return len(rows), tuple(sorted((k, round(v, 6)) for k, v in sums.items()))


def db_state(db: Path) -> tuple[list, int]:
    con = sqlite3.connect(db)
    try:
        staged = con.execute("SELECT id FROM datasets WHERE state = 'staged'").fetchall()
        orphans = con.execute("SELECT count(*) FROM dataset_rows WHERE dataset_id NOT IN "
                              "(SELECT id FROM datasets)").fetchone()[0]
    finally:
        con.close()
    return staged, orphans


def age_staged(db: Path) -> None:
    """Make every staged version older than ``STAGED_MAX_AGE`` (as if a day had passed)."""
    from geoapp.store.lifecycle import STAGED_MAX_AGE
    from geoapp.store.models import utcnow

    old = (utcnow() - STAGED_MAX_AGE - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    con = sqlite3.connect(db)
    try:
        con.execute("UPDATE datasets SET imported_at = ? WHERE state = 'staged'", (old,))
        con.commit()
    finally:
        con.close()


def big_csv(sample_dir: Path, target: Path, copies: int = 12) -> Path:
    """The sample UMKM file repeated: thousands of rows, slow enough to interrupt."""
    lines = (sample_dir / "bantuan_umkm_pkl.csv").read_text(encoding="utf-8").splitlines()
    header, body = lines[0], [line for line in lines[1:] if line.strip()]
    target.write_text("\n".join([header, *body * copies]) + "\n", encoding="utf-8")
    return target


def wait_for(marker: Path, proc: subprocess.Popen, timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.is_file() and marker.read_text():
            return marker.read_text()
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        time.sleep(0.1)
    pytest.fail("the importer never reached the kill point")


@pytest.mark.sqlite_only(reason="reads and ages the SQLite file directly; the same kills on "
                         "PostgreSQL: tests/test_faults_postgres.py")
@pytest.mark.parametrize("mode", ["staged", "inserting"])
def test_sigkill_mid_import_keeps_previous_version(sample_template, sample_dir, tmp_path, mode):  # noqa: F811
    instance = copy_instance(sample_template, tmp_path / "instance")
    db = instance / DB_NAME
    server, port = start_server(instance)
    importer = None
    try:
        before = get_json(port, "/api/datasets")["datasets"]
        umkm = next(d for d in before if d["program"] == "umkm" and d["state"] == "active")
        expected = fingerprint(db, umkm["id"])
        ledger_before = get_json(port, f"/api/datasets/{umkm['id']}")["ledger"]
        source = big_csv(sample_dir, tmp_path / "besar.csv")
        marker = tmp_path / "marker.txt"
        importer = subprocess.Popen([sys.executable, "-c", IMPORTER, str(db), str(source), mode,
                                     str(marker)], env=env(), cwd=REPO, stderr=subprocess.PIPE)
        reached = wait_for(marker, importer)
        assert reached.split()[0] == mode  # killed where this case means to kill it
        if mode == "staged":
            staged_id = int(reached.split()[1])
            assert db_state(db)[0] == [(staged_id,)]  # committed, not yet active
            listed = get_json(port, "/api/datasets")["datasets"]
            assert staged_id not in {d["id"] for d in listed}
            assert get_status(port, f"/api/datasets/{staged_id}") == 404
        kill(importer)
        kill(server)
        server, port = start_server(instance)  # restart: keeps a staged version (it may be
        # an import in progress elsewhere) until it is provably abandoned
        after = get_json(port, "/api/datasets")["datasets"]
        assert after == before  # same versions, same states, same counts
        active = [d for d in after if d["program"] == "umkm" and d["state"] == "active"]
        assert [d["id"] for d in active] == [umkm["id"]]
        assert get_json(port, f"/api/datasets/{umkm['id']}")["ledger"] == ledger_before
        assert fingerprint(db, umkm["id"]) == expected
        assert db_state(db) == ([(staged_id,)] if mode == "staged" else [], 0)
        assert get_status(port, "/api/layers/umkm-kelompok-km2.geojson") == 200
        age_staged(db)
        engine = create_engine_for(db)
        init_db(engine)  # the next start (or ``geoapp set-password``) removes the leftover
        engine.dispose()
        assert db_state(db) == ([], 0)
        assert get_json(port, "/api/datasets")["datasets"] == before
    finally:
        for proc in (importer, server):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()


# ---------------------------------------------------------------------------- upload quota

CSV = b"kelurahan;kecamatan;jumlah\nSukasari;Tangerang;3\nBabakan;Tangerang;5\n"


def start(shelf, **kw):
    return start_upload(shelf, CSV, "data.csv", program="umkm", title="Uji", user="ana", **kw)


def test_quota_refuses_with_507_and_stores_nothing(tmp_path):
    shelf = new_shelf(tmp_path)
    start(shelf, quota=10_000)
    before = shelf.total_bytes()
    with pytest.raises(GeoappError) as info:
        start(shelf, quota=len(CSV) * 2 - 1)
    assert info.value.status == 507 and "UPLOAD_QUOTA_BYTES" in info.value.text("en")
    assert shelf.total_bytes() == before == len(CSV)
    shelf.engine.dispose()


def test_default_quota_is_200_mb_and_zero_means_no_limit(tmp_path):
    assert upload_folder.DEFAULT_UPLOAD_QUOTA == 200 * 1024 * 1024
    shelf = new_shelf(tmp_path)
    start(shelf, quota=0)
    shelf.engine.dispose()


@pytest.mark.parametrize(("error", "status", "words"), [
    ("database or disk is full", 507, "disk is full"),
    ("disk I/O error", 500, "could not be stored"),
])
def test_a_failed_database_write_stores_nothing(tmp_path, monkeypatch, error, status, words):
    """The database refuses the upload's write (full disk, I/O error): a clear message and
    no half-stored upload (the bytes and the state are one row, written in one commit)."""
    shelf = new_shelf(tmp_path)

    def refuse(self):
        raise OperationalError("INSERT INTO uploads ...", {}, sqlite3.OperationalError(error))

    monkeypatch.setattr(Session, "commit", refuse)
    with pytest.raises(GeoappError) as info:
        start(shelf)
    monkeypatch.undo()
    assert info.value.status == status and words in info.value.text("en")
    assert shelf.total_bytes() == 0
    shelf.engine.dispose()


@pytest.fixture
def sample_app(sample_template, tmp_path):  # noqa: F811
    import sample_app as samples

    app = samples.make_app(copy_instance(sample_template, tmp_path / "web_instance"))
    yield app
    samples.dispose_app(app)


def test_web_upload_over_quota_is_a_clear_507_page(sample_app, monkeypatch, token):
    from geoapp.store import set_password
    from geoapp.web.db import get_db

    with sample_app.app_context():
        set_password(get_db(), "ana", "kata-sandi-panjang", "planner")
        get_db().commit()
    client = sample_app.test_client()
    client.post("/auth/login", data={"username": "ana", "password": "kata-sandi-panjang",
                                     "csrf_token": token(client)})
    sample_app.config["UPLOAD_QUOTA_BYTES"] = 10
    import io

    response = client.post("/data/upload", data={
        "csrf_token": token(client), "program": "umkm", "title": "Uji",
        "file": (io.BytesIO(CSV), "data.csv")}, headers={"Accept-Language": "en"})
    assert response.status_code == 507
    assert upload_tokens(sample_app) == []


# ---------------------------------------------------------------------------- load smoke

def test_short_load_run_has_no_errors():
    """CI-safe variant of benchmarks/load_test.py: 8 users for 5 s, only errors are checked."""
    spec = importlib.util.spec_from_file_location("load_test", REPO / "benchmarks" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("load_test", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    figures = module.run(seconds=5, users=8, threads=4, max_requests=2000, compare_seconds=1)
    assert figures["mixed"]["requests"] > 0
    assert figures["mixed"]["errors"] == []
    assert figures["compare"]["static"]["errors"] == [] and figures["compare"]["layer"]["errors"] == []
