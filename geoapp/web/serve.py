"""Run geoapp with waitress (production WSGI) and the first-start bootstrap."""

from __future__ import annotations

from typing import Any

from flask import Flask

from geoapp.store import ensure_default_planner
from geoapp.web.startup import check_boundaries


def bootstrap(app: Flask) -> dict[str, Any]:
    """First-start work: database (created by create_app), default planner, sample data.

    Returns what happened; ``planner`` holds (username, password) only when the
    account was just created, so the caller can print it once.
    """
    with app.app_context():
        sessions = app.extensions["geoapp_db"]["sessions"]
        with sessions() as session:
            planner = None
            if app.config.get("CREATE_DEFAULT_PLANNER"):
                planner = ensure_default_planner(session)
            sample = load_sample_data(app, session) if app.config.get("LOAD_SAMPLE_DATA") else None
    return {"database": app.config["DATABASE"], "planner": planner, "sample": sample}


def load_sample_data(app: Flask, session) -> dict[str, Any]:
    """Import the labelled sample data once, when no dataset exists yet."""
    from pathlib import Path

    from geoapp.imports.staging import import_sample_data
    from geoapp.sample import write_sample_data
    from geoapp.store import list_datasets

    if list_datasets(session):
        return {"loaded": 0, "skipped": "datasets already present"}
    folder = Path(app.instance_path) / "sample"
    write_sample_data(folder)
    datasets = import_sample_data(session, folder)
    return {"loaded": len(datasets), "folder": str(folder)}


def credentials_banner(planner: tuple[str, str]) -> str:
    username, password = planner
    return (
        "\n=== geoapp: planner account created (shown only this once) ===\n"
        f"    username: {username}\n    password: {password}\n"
        "    Change it with the CLI (set-password).\n"
    )


def serve_app(app: Flask, *, host: str, port: int, threads: int = 8, workers: int = 1) -> None:
    """Serve with waitress (one process) or, with workers > 1, gunicorn (pre-fork)."""
    if workers > 1:
        from geoapp.web.workers import serve_with_gunicorn

        serve_with_gunicorn(app, host=host, port=port, workers=workers, threads=threads)
        return
    import waitress

    waitress.serve(app, host=host, port=port, threads=threads)


def serve(
    host: str = "127.0.0.1", port: int = 5000, threads: int = 8, instance: str | None = None,
    workers: int = 1,
) -> None:
    """Create the app (instance folder, database), bootstrap, then serve it."""
    from geoapp.store.backup import hold_instance_lock
    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": instance} if instance else None)
    check_boundaries(app.config, default=True)
    app.extensions["geoapp_lock"] = hold_instance_lock(app.instance_path)  # see geoapp.store.backup
    info = bootstrap(app)
    if info["planner"]:
        print(credentials_banner(info["planner"]), flush=True)
    print(f"geoapp: http://{host}:{port}/  (instance {app.instance_path})", flush=True)
    serve_app(app, host=host, port=port, threads=threads, workers=workers)
