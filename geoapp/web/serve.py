"""Run geoapp with waitress (production WSGI) and the first-start bootstrap."""

from __future__ import annotations

from typing import Any

from flask import Flask

from geoapp.store import ensure_default_planner


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
    """Hook for the labelled sample-data import (filled in by the pipeline owner).

    Tolerant: when the pipeline or sample data module is missing it reports that
    and the app still starts.
    """
    try:
        import geoapp.pipeline  # noqa: F401
        import geoapp.sample_data  # noqa: F401
    except ImportError as exc:
        return {"loaded": 0, "skipped": f"pipeline not available ({exc.name})"}
    return {"loaded": 0, "skipped": "sample import not wired yet"}


def credentials_banner(planner: tuple[str, str]) -> str:
    username, password = planner
    return (
        "\n=== geoapp: planner account created (shown only this once) ===\n"
        f"    username: {username}\n    password: {password}\n"
        "    Change it with the CLI (set-password).\n"
    )


def serve(
    host: str = "127.0.0.1", port: int = 5000, threads: int = 8, instance: str | None = None
) -> None:
    """Create the app (instance folder, database), bootstrap, then serve with waitress."""
    import waitress

    from geoapp.web import create_app

    app = create_app({"INSTANCE_PATH": instance} if instance else None)
    info = bootstrap(app)
    if info["planner"]:
        print(credentials_banner(info["planner"]), flush=True)
    print(f"geoapp: http://{host}:{port}/  (instance {app.instance_path})", flush=True)
    waitress.serve(app, host=host, port=port, threads=threads)
