"""The store side of the stateless app tier (issue #10): rate-limit counters as a ``limits``
storage, values made once (the secret key), user aliases in the database. SQLite here; the
two-app tests in tests/web/test_shared_state.py also run them on PostgreSQL."""

from __future__ import annotations

import pytest
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from geoapp.store import create_engine_for, init_db
from geoapp.store import rate_limits as rl
from geoapp.store.alias_table import adopt_alias_file, alias_rows, load_alias_store
from geoapp.store.app_settings import shared_secret, value_made_once


@pytest.fixture
def engine(tmp_path):
    made = create_engine_for(tmp_path / "state.sqlite3")
    init_db(made)
    yield made
    made.dispose()


def test_two_storages_on_one_database_count_one_window(engine, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(rl.time, "time", lambda: now[0])
    first = storage_from_string("geoapp+sql://", engine=engine)
    second = storage_from_string("geoapp+sql://", engine=engine)
    assert isinstance(first, rl.SQLStorage) and first.check()
    assert first.incr("login/1.2.3.4", 60) == 1
    assert second.incr("login/1.2.3.4", 60) == 2
    assert first.get("login/1.2.3.4") == 2 and second.get_expiry("login/1.2.3.4") == now[0] + 60
    assert second.get("login/5.6.7.8") == 0
    now[0] += 61                                     # the window ended: a new one starts
    assert first.get("login/1.2.3.4") == 0
    assert second.incr("login/1.2.3.4", 60, amount=2) == 2
    first.clear("login/1.2.3.4")
    assert second.get("login/1.2.3.4") == 0
    first.incr("a", 60)
    assert second.reset() == 1 and first.get("a") == 0


def test_the_fixed_window_limiter_refuses_past_the_limit_on_either_storage(engine):
    limit = RateLimitItemPerMinute(3)
    limiters = [FixedWindowRateLimiter(storage_from_string("geoapp+sql://", engine=engine))
                for _ in range(2)]
    assert [limiters[i % 2].hit(limit, "ana") for i in range(4)] == [True, True, True, False]
    assert not limiters[0].test(limit, "ana") and limiters[1].test(limit, "budi")


def test_the_storage_needs_an_engine_and_memory_stays_an_option():
    with pytest.raises(ValueError, match="engine"):
        storage_from_string("geoapp+sql://")
    assert isinstance(storage_from_string("memory://"), MemoryStorage)


def test_a_value_is_made_once_for_every_caller(engine):
    made = []
    first = value_made_once(engine, "x", lambda: made.append(1) or "eins")
    assert value_made_once(engine, "x", lambda: "zwei") == first == "eins" and made == [1]
    key = shared_secret(engine)
    assert len(key) == 64 and shared_secret(engine) == key


def test_aliases_saved_by_two_stores_are_both_kept(engine, tmp_path):
    one, two = load_alias_store(engine), load_alias_store(engine)   # two servers
    one.add("Sudimara", "36.71.06.1002", "Ciledug")
    two.add("Cikokoll", "36.71.01.1003")
    one.save()
    two.save()                                      # saves its rows; never drops the other's
    assert sorted(alias_rows(engine)) == [("Cikokoll", "", "36.71.01.1003"),
                                          ("Sudimara", "Ciledug", "36.71.06.1002")]
    three = load_alias_store(engine)
    assert three.lookup("sudimara", "Ciledug") == "36.71.06.1002"
    three.add("SUDIMARA", "36.71.06.1001", "ciledug")   # the same spelling: replaced
    three.save()
    assert load_alias_store(engine).lookup("Sudimara", "Ciledug") == "36.71.06.1001"
    assert len(alias_rows(engine)) == 2


def test_an_alias_file_is_adopted_without_overriding_the_database(engine, tmp_path):
    store = load_alias_store(engine)
    store.add("Sudimara", "36.71.06.1002", "Ciledug")
    store.save()
    path = tmp_path / "aliases.csv"
    path.write_text("alias,kecamatan,kode\nSudimara,Ciledug,36.71.06.1001\nNerogtog,,36.71.07.1001\n",
                    encoding="utf-8")
    assert adopt_alias_file(engine, path) == 1
    assert adopt_alias_file(engine, path) == 0       # once
    assert adopt_alias_file(engine, tmp_path / "none.csv") == 0
    loaded = load_alias_store(engine)
    assert loaded.lookup("Sudimara", "Ciledug") == "36.71.06.1002"   # the database wins
    assert loaded.lookup("Nerogtog") == "36.71.07.1001"


def test_one_confirm_claim_per_upload_across_servers(engine):
    from geoapp.store.uploads import CLAIM_STALE_S, UploadShelf

    one, two = UploadShelf(engine), UploadShelf(engine)    # two servers
    assert one.put("a" * 32, "ana", b"x;y\n1;2\n", "{}")
    assert not two.put("a" * 32, "budi", b"other", "{}")   # a token is never overwritten
    assert one.claim("a" * 32, now=1000.0)
    assert not two.claim("a" * 32, now=1001.0)             # the other confirm waits (409)
    assert two.claim("a" * 32, now=1000.0 + CLAIM_STALE_S + 1)   # a dead server's claim
    two.release("a" * 32)
    assert one.claim("a" * 32) and two.data("a" * 32) == b"x;y\n1;2\n"
    assert not one.claim("b" * 32)                         # no such upload


def test_the_working_area_is_recorded_and_the_last_start_wins(engine):
    from geoapp.store.app_settings import record_wilayah, recorded_wilayah

    assert recorded_wilayah(engine) is None                 # a fresh instance: none
    record_wilayah(engine, "36")
    record_wilayah(engine, "36")
    assert recorded_wilayah(engine) == "36"
    record_wilayah(engine, "ID")
    assert recorded_wilayah(engine) == "ID"
