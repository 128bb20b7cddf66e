"""Review picks must never create wrong automatic matches (alias_allowed and friends)."""

from __future__ import annotations

import pytest

from geoapp.imports.decisions import (
    alias_allowed,
    apply_decisions,
    apply_review_choice,
    rows_alias,
    save_aliases,
)
from geoapp.imports.pipeline import run_match
from geoapp.matching.aliases import AliasStore

SUKARASA = "36.71.01.1001"
CIKOKOL = "36.71.01.1005"
SUDIMARA_BARAT = "36.71.06.1002"
NEROKTOG = "36.71.07.1001"  # not among any row's suggestions below

# row: 0 code vs name conflict, 1 fuzzy Cikokoll alone, 2 ambiguous name without kecamatan,
# 3 ambiguous name with kecamatan, 4 point in Sukarasa vs name Cikokoll, 5 no name,
# 6 ambiguous misspelling with kecamatan
CSV = b"""kode,kelurahan,kecamatan,latitude,longitude,jumlah
36.71.01.1001,Cikokoll,Tangerang,,,1
,Cikokoll,Tangerang,,,1
,Sudimara,,,,1
,Sudimara,Ciledug,,,1
,Cikokoll,Tangerang,-6.17188,106.63172,1
36.71.01.1001,,Ciledug,,,1
,Sudimra,Ciledug,,,1
"""


@pytest.fixture(scope="module")
def run():
    out = run_match(CSV, "rows.csv")
    assert list(out.result.status) == ["review", "matched", "review", "review", "review",
                                       "review", "review"]
    return out


def reason(run, i, kode):
    ok, why = alias_allowed(run, i, kode)
    return ok, None if why is None else why.key


def test_code_conflict_pick_saves_no_alias(run, tmp_path):
    assert reason(run, 0, SUKARASA) == (False, "review.no_alias_kode")
    assert reason(run, 0, CIKOKOL) == (False, "review.no_alias_kode")
    decision = apply_review_choice(run, "pick", [0], SUKARASA, None, "perencana")
    assert decision.alias is None and "36.71.01.1001" in decision.alias_note().text("en")
    decided = apply_decisions(run, [decision])
    assert (decided.result.status[0], decided.result.kode[0]) == ("matched", SUKARASA)
    assert decided.result.method[0] == "nama"
    assert decided.result.note[0] == "dikonfirmasi oleh perencana"
    store = AliasStore.load(tmp_path / "aliases.csv")
    assert save_aliases(decided, [decision], store) == 0
    assert store.lookup("Cikokoll", "Tangerang") is None
    again = run_match(CSV, "rows.csv", aliases=store)
    assert (again.result.kode[1], again.result.method[1]) == (CIKOKOL, "fuzzy")


def test_point_in_another_kelurahan_saves_no_alias(run):
    assert reason(run, 4, CIKOKOL) == (False, "review.no_alias_point")
    # the point's own kelurahan is not a candidate of the name either
    assert reason(run, 4, SUKARASA) == (False, "review.no_alias_candidate")


def test_ambiguous_name_needs_a_kecamatan(run):
    assert reason(run, 2, SUDIMARA_BARAT) == (False, "review.no_alias_ambiguous")
    assert reason(run, 3, SUDIMARA_BARAT) == (True, None)
    assert rows_alias(run, [3], SUDIMARA_BARAT) == (("Sudimara", "Ciledug"), None)
    assert reason(run, 6, SUDIMARA_BARAT) == (True, None)


def test_chosen_kelurahan_must_be_a_candidate_of_the_name(run):
    assert reason(run, 3, NEROKTOG) == (False, "review.no_alias_kecamatan")
    assert reason(run, 3, CIKOKOL) == (False, "review.no_alias_kecamatan")
    assert reason(run, 2, NEROKTOG) == (False, "review.no_alias_candidate")


def test_row_without_a_name_saves_no_alias(run):
    assert reason(run, 5, SUKARASA) == (False, "review.no_alias_no_name")


def test_rows_with_different_spellings_save_no_alias(run):
    spelling, why = rows_alias(run, [3, 6], SUDIMARA_BARAT)
    assert spelling is None and why.key == "review.no_alias_mixed"
    decision = apply_review_choice(run, "pick", [3, 6], SUDIMARA_BARAT, None, "u")
    assert decision.alias is None and decision.no_alias == "review.no_alias_mixed"


def test_allowed_pick_is_saved_scoped_only_at_save_time(run, tmp_path):
    path = tmp_path / "aliases.csv"
    store = AliasStore.load(path)
    decision = apply_review_choice(run, "pick", [3], SUDIMARA_BARAT, None, "u")
    assert decision.alias == ["Sudimara", "Ciledug"] and not path.exists()
    decided = apply_decisions(run, [decision])
    assert decided.result.method[3] == "alias"
    assert save_aliases(decided, [decision], store) == 1
    saved = AliasStore.load(path)
    assert saved.lookup("Sudimara", "Ciledug") == SUDIMARA_BARAT
    assert saved.lookup("Sudimara") is None          # never city-wide for an ambiguous name


def test_save_aliases_skips_decisions_that_were_not_applied(run, tmp_path):
    store = AliasStore.load(tmp_path / "aliases.csv")
    decision = apply_review_choice(run, "pick", [3], SUDIMARA_BARAT, None, "u")
    assert save_aliases(run, [decision], store) == 0   # the run does not hold the pick
    assert not (tmp_path / "aliases.csv").exists()
