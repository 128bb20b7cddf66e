"""Concurrent confirms on PostgreSQL (marker ``postgres``): the cases of
tests/test_newest_version_wins.py, run on a PostgreSQL schema; the newest version wins
there too."""

from __future__ import annotations

import itertools
import threading

import pytest
from postgres import pg_url  # noqa: F401  (fixture)
from sqlalchemy.orm import Session
from test_newest_version_wins import PLANNERS, _states, _superseded_events, _version
from test_newest_version_wins import (
    test_the_reported_race_8_9_7_leaves_9_active_and_7_superseded as reported_race,
)
from test_newest_version_wins import (
    test_whatever_the_activation_order_the_newest_version_is_active as any_order,
)

from geoapp.imports.staging import stage_and_activate, stage_version
from geoapp.store import activate, active_dataset, create_engine_for, init_db

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_url):  # noqa: F811
    engine = create_engine_for(pg_url)
    init_db(engine)
    with Session(engine) as s:      # versions 1..6 exist, 6 is active
        for _ in range(6):
            stage_and_activate(s, _version("lama"))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("order", list(itertools.permutations((0, 1, 2))))
def test_any_activation_order_on_postgresql(engine, order):
    any_order(engine, order)


def test_the_reported_race_on_postgresql(engine):
    reported_race(engine)


@pytest.mark.parametrize("attempt", range(5))
def test_threads_confirming_at_once_on_postgresql(engine, attempt):
    """Three sessions stage, meet at a barrier, then activate together: no error (writers
    take turns, ``engine.serialise_writers``), the newest is active, the others archived.
    (Which planner is *told* "archived" depends on when its session re-reads the state
    after its commit, so that is left to the SQLite test.)"""
    barrier = threading.Barrier(len(PLANNERS))
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def confirm(user: str) -> None:
        try:
            with Session(engine) as s:
                staged = stage_version(s, _version(user))
                barrier.wait(timeout=30)
                results[user] = activate(s, staged.id).version
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=confirm, args=(u,)) for u in PLANNERS]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and sorted(results.values()) == [7, 8, 9]
    with Session(engine) as s:
        assert active_dataset(s, "umkm").version == 9
        assert _states(s)[7] == _states(s)[8] == "archived"
        assert {e["version"] for e in _superseded_events(s)} <= {7, 8}
