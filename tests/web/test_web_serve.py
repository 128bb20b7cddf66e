"""First-start bootstrap and the waitress entry point."""

from __future__ import annotations

from pathlib import Path

from geoapp.store import authenticate
from geoapp.web import serve as serve_module


def test_bootstrap_creates_planner_once(app):
    info = serve_module.bootstrap(app)
    username, password = info["planner"]
    database = info["database"]   # the SQLite file, or on PostgreSQL the database URL
    assert Path(database).is_file() if "://" not in database else database.startswith("postgres")
    with app.app_context():
        from geoapp.web.db import get_db

        assert authenticate(get_db(), username, password) is not None
    assert serve_module.bootstrap(app)["planner"] is None


def test_bootstrap_imports_labelled_sample_data_once(app):
    app.config["LOAD_SAMPLE_DATA"] = True
    info = serve_module.bootstrap(app)
    assert info["sample"]["loaded"] == 7
    with app.app_context():
        from geoapp.store import active_dataset
        from geoapp.web.db import get_db

        umkm = active_dataset(get_db(), "umkm")
        assert umkm.sample and "data contoh" in umkm.title   # the one wording: "Data contoh"
        assert umkm.matched_count > 0
    assert serve_module.bootstrap(app)["sample"]["loaded"] == 0


def test_serve_prints_credentials_once_and_runs_waitress(tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr("waitress.serve", lambda app, **kw: calls.append(kw))
    monkeypatch.setenv("GEOAPP_LOAD_SAMPLE_DATA", "false")
    serve_module.serve(port=5099, threads=2, instance=str(tmp_path / "inst"))
    first = capsys.readouterr().out
    assert "password:" in first and calls == [{"host": "127.0.0.1", "port": 5099, "threads": 2}]
    serve_module.serve(port=5099, threads=2, instance=str(tmp_path / "inst"))
    assert "password:" not in capsys.readouterr().out
