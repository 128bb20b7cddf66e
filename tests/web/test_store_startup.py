"""Starting another app on the same instance (a second server, ``geoapp set-password``)
keeps a staged import that may be in progress and removes only abandoned ones."""

from __future__ import annotations

from datetime import timedelta

from sample_app import app_config, dispose_app
from sqlalchemy import select, update

from geoapp.store import stage_import
from geoapp.store.lifecycle import STAGED_MAX_AGE
from geoapp.store.models import Dataset, utcnow
from geoapp.web import create_app


def _stage(session, program):
    return stage_import(session, program=program, title="Uji", headers=["Kode"],
                        rows=[{"cells": ["36.71.01.1001"], "kode": "36.71.01.1001",
                               "status": "matched"}],
                        ledger={}, report={}, source_sha256="", source_name="u.csv", user="uji")


def test_a_second_app_start_keeps_a_fresh_staged_import(tmp_path):
    config = app_config(tmp_path / "instance")
    first = create_app(config)
    try:
        with first.extensions["geoapp_db"]["sessions"]() as session:
            fresh, old = _stage(session, "umkm").id, _stage(session, "blk").id
            session.execute(update(Dataset).where(Dataset.id == old)
                            .values(imported_at=utcnow() - STAGED_MAX_AGE - timedelta(hours=1)))
            session.commit()
        second = create_app(config)
        dispose_app(second)
        with first.extensions["geoapp_db"]["sessions"]() as session:
            assert list(session.scalars(select(Dataset.id))) == [fresh]
    finally:
        dispose_app(first)
