"""Issue #13, point 6: concurrent confirms of one program; the newest version wins.

Three planners confirmed at once: version 7 ended up active while 8 and 9 were archived.
"Newest" is the highest version number (versions are numbered when staged, so the last
staged). ``activate`` now refuses, in the same transaction as its conditional UPDATE, to
activate a version while a newer one is active: the older one is archived instead
("superseded", audit event ``dataset.superseded`` naming both versions).
"""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy.orm import Session

from geoapp.imports.staging import NewVersion, stage_and_activate, stage_version
from geoapp.store import (
    activate,
    active_dataset,
    create_engine_for,
    event_details,
    init_db,
    list_events,
    rollback,
)
from geoapp.store.models import Dataset

PLANNERS = ("ani", "budi", "cici")


def _version(user: str) -> NewVersion:
    row = {"position": 0, "status": "matched", "kode": "36.71.01.1001", "cells": ["Sukarasa"],
           "measures": {}}
    return NewVersion(program="umkm", title=f"UMKM dari {user}", rows=[row],
                      headers=["Kelurahan"], ledger={}, report={}, source_sha256="",
                      source_name=f"{user}.csv", user=user)


@pytest.fixture
def engine(tmp_path):
    engine = create_engine_for(tmp_path / "race.sqlite3")
    init_db(engine)
    with Session(engine) as s:      # versions 1..6 exist, 6 is active (as in the report)
        for _ in range(6):
            stage_and_activate(s, _version("lama"))
    yield engine
    engine.dispose()


def _states(session: Session) -> dict[int, str]:
    rows = session.query(Dataset.version, Dataset.state).filter(Dataset.program == "umkm")
    return dict(rows.all())


def _superseded_events(session: Session) -> list[dict]:
    return [{"actor": e.actor, **event_details(e)}
            for e in list_events(session, action="dataset.superseded").events]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))),
                         ids=lambda order: "-".join(str(7 + i) for i in order))
def test_whatever_the_activation_order_the_newest_version_is_active(engine, order):
    with Session(engine) as s:
        staged = [stage_version(s, _version(user)) for user in PLANNERS]     # 7, 8, 9
        assert [d.version for d in staged] == [7, 8, 9]
        outcome = {}
        for i in order:
            outcome[staged[i].version] = activate(s, staged[i].id).state
        states = _states(s)
        assert states[9] == "active" and states[7] == states[8] == "archived"
        assert [v for v, state in states.items() if state == "active"] == [9]
        # a version activated only after a newer one was active came back archived
        told = {v: state for v, state in outcome.items()}
        for position, i in enumerate(order):
            newer_first = any(j > i for j in order[:position])
            assert told[7 + i] == ("archived" if newer_first else "active")
        events = _superseded_events(s)
        superseded = sorted(7 + i for p, i in enumerate(order) if any(j > i for j in order[:p]))
        assert sorted(e["version"] for e in events) == superseded
        for event in events:
            assert event["superseded_by_version"] > event["version"]
            assert event["actor"] == PLANNERS[event["version"] - 7]
            assert event["from"] == "staged" and event["to"] == "archived"


def test_the_reported_race_8_9_7_leaves_9_active_and_7_superseded(engine):
    with Session(engine) as s:
        v7, v8, v9 = (stage_version(s, _version(user)) for user in PLANNERS)
        assert activate(s, v8.id).state == "active"
        assert activate(s, v9.id).state == "active"
        late = activate(s, v7.id)
        assert late.state == "archived" and late.activated_at is None
        assert active_dataset(s, "umkm").version == 9
        [event] = _superseded_events(s)
        assert (event["version"], event["superseded_by_version"], event["actor"],
                event["superseded_by_user"]) == (7, 9, "ani", "cici")
        # rollback still walks the versions that really were active: 9 -> 8
        assert rollback(s, "umkm").version == 8


def test_threads_confirming_at_once_end_with_the_newest_active(engine):
    """Three sessions stage, meet at a barrier, then activate together."""
    barrier = threading.Barrier(len(PLANNERS))
    results: dict[str, tuple[int, str]] = {}
    errors: list[BaseException] = []

    def confirm(user: str) -> None:
        try:
            with Session(engine, expire_on_commit=False) as s:   # as the app's sessions
                staged = stage_version(s, _version(user))
                barrier.wait(timeout=30)
                done = activate(s, staged.id)
                results[user] = (done.version, done.state)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=confirm, args=(u,)) for u in PLANNERS]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and len(results) == 3
    with Session(engine) as s:
        assert active_dataset(s, "umkm").version == 9
        assert _states(s)[7] == _states(s)[8] == "archived"
        superseded = {e["version"] for e in _superseded_events(s)}
    for version, state in results.values():
        # told "archived" exactly when superseded; "active" ones were active when told
        assert (state == "archived") == (version in superseded)
        assert state == "active" or version < 9
