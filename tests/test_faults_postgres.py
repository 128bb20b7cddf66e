"""SIGKILL in the middle of an import on PostgreSQL (marker ``postgres``): the importer of
tests/test_faults.py, pointed at a PostgreSQL URL, is killed inside the row inserts or
between staging and activation; the previous version stays active and intact. With a
production server on the same database killed too, the restarted server serves exactly
what it served before."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from postgres import pg_url  # noqa: F401  (fixture)
from sqlalchemy import select
from test_faults import IMPORTER, REPO, big_csv, env, get_json, kill, start_server, wait_for

from geoapp.imports.staging import ImportRequest, import_file
from geoapp.store import (
    Dataset,
    DatasetRow,
    active_dataset,
    create_engine_for,
    init_db,
    list_datasets,
    session_factory,
)

pytestmark = pytest.mark.postgres


def fingerprint(session, dataset_id: int) -> tuple:
    """Row count and per-measure sums of one version, straight from the database."""
    texts = session.scalars(select(DatasetRow.measures_json)
                            .where(DatasetRow.dataset_id == dataset_id)).all()
    sums: dict[str, float] = {}
    for text in texts:
        for key, value in json.loads(text).items():
            sums[key] = sums.get(key, 0.0) + (value or 0.0)
    return len(texts), tuple(sorted((k, round(v, 6)) for k, v in sums.items()))


@pytest.mark.parametrize("mode", ["staged", "inserting"])
def test_sigkill_mid_import_keeps_previous_version(pg_url, sample_dir, tmp_path, mode):  # noqa: F811
    engine = create_engine_for(pg_url)
    importer = None
    try:
        init_db(engine)
        sessions = session_factory(engine)
        with sessions() as session:
            first = import_file(session, ImportRequest(
                program="umkm", data=(sample_dir / "bantuan_umkm_pkl.csv").read_bytes(),
                filename="bantuan_umkm_pkl.csv", title="UMKM", user="uji"))
            expected = fingerprint(session, first.id)
            listed = [(d.id, d.state) for d in list_datasets(session)]
        marker = tmp_path / "marker.txt"
        importer = subprocess.Popen(
            [sys.executable, "-c", IMPORTER, pg_url, str(big_csv(sample_dir, tmp_path / "b.csv")),
             mode, str(marker)], env=env(), cwd=REPO, stderr=subprocess.PIPE)
        assert wait_for(marker, importer).split()[0] == mode
        kill(importer)
        with sessions() as session:
            assert active_dataset(session, "umkm").id == first.id
            assert fingerprint(session, first.id) == expected
            assert [(d.id, d.state) for d in list_datasets(session)] == listed
            staged = session.scalars(select(Dataset.id).where(Dataset.state == "staged")).all()
            assert len(staged) == (1 if mode == "staged" else 0)   # committed, never shown
            ids = set(session.scalars(select(Dataset.id)).all())
            row_owners = set(session.scalars(select(DatasetRow.dataset_id).distinct()).all())
            assert row_owners <= ids                               # no orphan rows
    finally:
        if importer is not None and importer.poll() is None:
            importer.kill()
            importer.wait()
        engine.dispose()


def test_sigkill_server_and_importer_mid_confirm(pg_url, sample_dir, tmp_path, monkeypatch):  # noqa: F811
    """kill -9 of the server and of a confirm in flight: after a restart the server lists
    the same versions with the same ledgers, and the stored rows are untouched."""
    monkeypatch.setenv("GEOAPP_DATABASE_URL", pg_url)
    engine = create_engine_for(pg_url)
    server = importer = None
    try:
        init_db(engine)
        sessions = session_factory(engine)
        with sessions() as session:
            first = import_file(session, ImportRequest(
                program="umkm", data=(sample_dir / "bantuan_umkm_pkl.csv").read_bytes(),
                filename="bantuan_umkm_pkl.csv", title="UMKM", user="uji"))
            expected = fingerprint(session, first.id)
        instance = tmp_path / "instance"
        server, port = start_server(instance)
        before = get_json(port, "/api/datasets")["datasets"]
        ledger = get_json(port, f"/api/datasets/{first.id}")["ledger"]
        marker = tmp_path / "marker.txt"
        importer = subprocess.Popen(
            [sys.executable, "-c", IMPORTER, pg_url, str(big_csv(sample_dir, tmp_path / "b.csv")),
             "inserting", str(marker)], env=env(), cwd=REPO, stderr=subprocess.PIPE)
        assert wait_for(marker, importer).split()[0] == "inserting"
        kill(importer)
        kill(server)
        server, port = start_server(instance)
        assert get_json(port, "/api/datasets")["datasets"] == before
        assert get_json(port, f"/api/datasets/{first.id}")["ledger"] == ledger
        with sessions() as session:
            assert fingerprint(session, first.id) == expected
    finally:
        for proc in (importer, server):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
        engine.dispose()
