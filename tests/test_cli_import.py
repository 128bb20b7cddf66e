"""``geoapp import`` says what a file adds, replaces and keeps before it stores it.
Tiny inline CSV files."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from geoapp.cli.main import main
from geoapp.store import active_dataset
from geoapp.store.years import year_counts
from geoapp.web import create_app

TWO_YEARS = ("Tahun,Kelurahan,Kecamatan,Jumlah Kelompok\n2020,Sukarasa,Tangerang,3\n"
             "2021,Sukaasih,Tangerang,2\n")
ONE_YEAR = "Kelurahan,Kecamatan,Jumlah Kelompok\nSukarasa,Tangerang,5\nCikokol,Tangerang,0\n"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    for name in ("GEOAPP_INSTANCE", "GEOAPP_DATABASE", "GEOAPP_MAX_CONTENT_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "instance"


def run(instance, tmp_path, text, name, *args, stdin=None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["--lang", "en", "import", "umkm", str(path),
                                     "--instance", str(instance), *args], input=stdin,
                              catch_exceptions=False)


def counts(instance):
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    with app.extensions["geoapp_db"]["sessions"]() as session:
        return year_counts(session, active_dataset(session, "umkm").id)


def test_import_says_the_plan_and_keeps_other_years(instance, tmp_path):
    first = run(instance, tmp_path, TWO_YEARS, "umkm.csv", "--yes")
    assert first.exit_code == 0, first.output
    assert "adds 2020 (1 rows), 2021 (1 rows); replaces nothing; keeps nothing." in first.output
    dry = run(instance, tmp_path, ONE_YEAR, "umkm_2022.csv", "--dry-run")
    assert "adds 2022 (2 rows); replaces nothing; keeps 2020 (1 rows), 2021 (1 rows)." \
        in dry.output and "Dry run: nothing was stored." in dry.output
    assert counts(instance) == {"2020": 1, "2021": 1}
    refused = run(instance, tmp_path, ONE_YEAR, "umkm_2022.csv", stdin="n\n")
    assert "Nothing was stored." in refused.output
    stored = run(instance, tmp_path, ONE_YEAR, "umkm.csv", "--year", "2022", stdin="y\n")
    assert "Stored as version 2 of umkm; it is now active." in stored.output
    assert "added 2022 (2 rows); replaced nothing; kept 2020 (1 rows), 2021 (1 rows)." \
        in stored.output
    assert counts(instance) == {"2020": 1, "2021": 1, "2022": 2}
    again = run(instance, tmp_path, ONE_YEAR, "umkm_2021.csv", "--dry-run")
    assert "replaces 2021 (1 rows, now 2)" in again.output
    assert "will be replaced" in again.output


def test_import_refuses_a_bad_year(instance, tmp_path):
    result = run(instance, tmp_path, ONE_YEAR, "umkm.csv", "--year", "two")
    assert result.exit_code == 2 and "'two'" in result.output
