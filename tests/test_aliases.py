"""The alias store: user aliases, built-in aliases, atomic save and reload."""

from pathlib import Path

import pandas as pd
import pytest

from geoapp.core.errors import GeoappError
from geoapp.matching.aliases import AliasStore
from geoapp.matching.gazetteer import Gazetteer
from geoapp.matching.matcher import match_rows

DATA = Path(__file__).parent / "data" / "matching"


def test_missing_file_gives_empty_store(tmp_path):
    store = AliasStore.load(tmp_path / "nope.csv")
    assert len(store) == 0
    assert store.lookup("Kampung Baru") is None


def test_add_save_reload(tmp_path):
    path = tmp_path / "sub" / "aliases.csv"
    store = AliasStore.load(path)
    store.add("Kp. Sawah Lebak", "3671011001")
    store.add("Gg. Mawar", "36.71.05.1005", kecamatan="Cipondoh")
    store.save()
    text = path.read_text("utf-8")
    assert text.splitlines()[0] == "alias,kecamatan,kode"
    assert not list(path.parent.glob("*.tmp"))
    again = AliasStore.load(path)
    assert again.lookup("KP SAWAH LEBAK") == "36.71.01.1001"
    assert again.lookup("gg mawar", kecamatan="Kec. Cipondoh") == "36.71.05.1005"
    assert again.lookup("gg mawar", kecamatan="Karawaci") is None


def test_add_replaces_same_alias(tmp_path):
    store = AliasStore.load(tmp_path / "a.csv")
    store.add("Sawah", "36.71.01.1001")
    store.add("SAWAH", "36.71.01.1002")
    assert len(store) == 1
    assert store.lookup("sawah") == "36.71.01.1002"


def test_user_alias_before_builtin(tmp_path):
    store = AliasStore.load(tmp_path / "a.csv")
    assert store.lookup("Nerogtog") == "36.71.11.1003"      # built-in
    store.add("Nerogtog", "36.71.11.1004")
    assert store.lookup("Nerogtog") == "36.71.11.1004"


@pytest.mark.parametrize("name, kode", [("", "36.71.01.1001"), ("x" * 300, "36.71.01.1001"),
                                        ("Sawah", "36.71.01"), ("Sawah", "abc")])
def test_add_rejects_bad_input(tmp_path, name, kode):
    store = AliasStore.load(tmp_path / "a.csv")
    with pytest.raises(GeoappError):
        store.add(name, kode)


def test_save_without_path():
    with pytest.raises(GeoappError) as err:
        AliasStore.load(None).save()
    assert err.value.status == 400


def test_untrusted_file_rows_skipped():
    store = AliasStore.load(DATA / "aliases_messy.csv")
    assert store.lookup("Kampung Sawah") == "36.71.01.1001"
    assert store.lookup("=cmd") == "36.71.01.1002"
    assert store.skipped == 2


def test_bad_header_is_a_user_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,kode\nA,36.71.01.1001\n", "utf-8")
    with pytest.raises(GeoappError) as err:
        AliasStore.load(path)
    assert "alias,kecamatan,kode" in err.value.text("en")


def test_formula_cells_neutralised(tmp_path):
    path = tmp_path / "a.csv"
    store = AliasStore.load(path)
    store.add("=Sawah", "36.71.01.1001")
    store.save()
    assert "'=Sawah" in path.read_text("utf-8")
    assert AliasStore.load(path).lookup("Sawah") == "36.71.01.1001"


def test_alias_used_by_matcher_after_reload(tmp_path):
    gaz = Gazetteer.from_frame(pd.DataFrame({
        "kode": ["36.71.01.1001", "36.71.01.1002"], "nama": ["Sukarasa", "Sukaasih"],
        "nama_kecamatan": ["Tangerang", "Tangerang"]}))
    path = tmp_path / "aliases.csv"
    store = AliasStore.load(path)
    before = match_rows(kode=None, kelurahan=["Kampung Sawah"], kecamatan=None, lat=None,
                        lon=None, exclude=None, gazetteer=gaz, aliases=store)
    assert before.status[0] == "unmatched"
    store.add("Kampung Sawah", "36.71.01.1002")
    store.save()
    after = match_rows(kode=None, kelurahan=["Kampung Sawa", "Kampung  SAWAH"], kecamatan=None,
                       lat=None, lon=None, exclude=None, gazetteer=gaz,
                       aliases=AliasStore.load(path))
    assert list(after.kode) == [None, "36.71.01.1002"]
    assert after.method[1] == "alias"
