"""Run geoapp with waitress (production WSGI) and the first-start bootstrap."""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from geoapp.core.errors import GeoappError
from geoapp.core.i18n import Msg
from geoapp.store import ensure_default_planner
from geoapp.web.startup import check_boundaries

PORT_IN_USE = Msg(
    "serve.port_in_use",
    "Port {port} on {host} is already in use by another program. Choose another port with "
    "--port (for example --port 8080), or stop the other program first.",
)
PORT_DENIED = Msg(
    "serve.port_denied",
    "Port {port} on {host} may not be used by this user ({reason}): ports below 1024 need "
    "administrator rights. Choose a port from 1024 to 65535 with --port.",
)
BAD_HOST = Msg(
    "serve.bad_host",
    "Cannot serve on the address {host} ({reason}). Check --host: for example 127.0.0.1 "
    "(this computer only) or 0.0.0.0 (every network of this computer).",
)
_ADDRESS_ERRNOS = (errno.EADDRINUSE, errno.EACCES, errno.EPERM, errno.EADDRNOTAVAIL)


def address_error(exc: OSError, host: str, port: int) -> GeoappError:
    """The clear message for a failure to listen on ``host:port``."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EADDRINUSE:
        return GeoappError(PORT_IN_USE, 409, port=port, host=host)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return GeoappError(PORT_DENIED, 403, port=port, host=host, reason=reason)
    return GeoappError(BAD_HOST, 400, host=host, reason=reason)


def check_address(host: str, port: int) -> None:
    """Stop before any start-up work when the server could not listen on ``host:port``.

    Binds (and closes) a socket the way waitress will; the server's own bind is still
    checked too (``serve``), since another program may take the port in between.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except (OSError, UnicodeError) as exc:
        raise GeoappError(BAD_HOST, 400, host=host, reason=str(exc)) from None
    with socket.socket(family, kind, proto) as probe:
        if os.name == "posix":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise address_error(exc, host, port) from None


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
            sample = (load_sample_data(app, session)
                      if app.config.get("LOAD_SAMPLE_DATA") and sample_area(app) else None)
    from geoapp.store.engine import database_url, shown_url

    database = shown_url(database_url(app.config))
    return {"database": database.removeprefix("sqlite:///"), "planner": planner, "sample": sample}


def sample_area(app: Flask) -> bool:
    """Whether the app's boundary set is one the sample data belongs to (not a national area:
    the sample data is Kota Tangerang's, 36.71)."""
    from geoapp.web.boundary_set import boundary_files

    return not boundary_files(app).wilayah


def load_sample_data(app: Flask, session) -> dict[str, Any]:
    """Import the labelled sample data once, when no dataset exists yet."""

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


def keep_recorded_area(app: Flask) -> str | None:
    """Serve the working area this instance recorded on its last start (``geoapp serve
    --wilayah 36.74`` once, then plain ``geoapp serve``) rather than the default, unless a
    WILAYAH or BOUNDARIES setting is written (config.toml, environment). Returns the code
    when it switched to it."""
    from geoapp.core.settings import environment_value, read_config_file
    from geoapp.store.app_settings import recorded_wilayah
    from geoapp.web.boundary_set import boundary_files, use_wilayah

    if app.config.get("BOUNDARIES") or environment_value("WILAYAH") is not None \
            or "WILAYAH" in read_config_file(Path(app.instance_path)):
        return None
    recorded = recorded_wilayah(app.extensions["geoapp_db"]["engine"])
    if not recorded or recorded == boundary_files(app).area:
        return None
    use_wilayah(app, recorded)
    return recorded


def serve(
    host: str = "127.0.0.1", port: int = 5000, threads: int = 8, instance: str | None = None,
    workers: int = 1, wilayah: str | None = None, announce: Callable[..., None] | None = None,
) -> None:
    """Create the app (instance folder, database), bootstrap, then serve it.

    ``wilayah`` overrides the WILAYAH setting for this run (a working area code or ``ID``);
    the instance records it as its working area (``geoapp import`` uses it; a later start
    without it serves it again: ``keep_recorded_area``). ``announce``
    (the CLI's, in the user's language) prints the start-up banner: called with
    ``planner`` ((username, password) when just created, else None), ``url``, ``instance``
    and ``recorded_area`` (the code kept from the last start, else None); without it the banner is printed in English.
    """
    from geoapp.store.backup import hold_instance_lock
    from geoapp.web import create_app
    from geoapp.web.boundary_set import record_working_area

    config: dict[str, Any] = {"INSTANCE_PATH": instance} if instance else {}
    if wilayah:
        config["WILAYAH"] = wilayah
    app = create_app(config or None)
    kept = None if wilayah else keep_recorded_area(app)
    check_boundaries(app.config, default=True)
    check_address(host, port)
    app.extensions["geoapp_lock"] = hold_instance_lock(app.instance_path)  # see geoapp.store.backup
    record_working_area(app)              # 'geoapp import' on this instance matches against it
    info = bootstrap(app)
    if announce is not None:
        announce(planner=info["planner"], url=f"http://{host}:{port}/", instance=app.instance_path,
                 recorded_area=kept)
    else:
        if info["planner"]:
            print(credentials_banner(info["planner"]), flush=True)
        if kept:
            print(f"geoapp: working area {kept}, recorded by this instance", flush=True)
        print(f"geoapp: http://{host}:{port}/  (instance {app.instance_path})", flush=True)
    try:
        serve_app(app, host=host, port=port, threads=threads, workers=workers)
    except OSError as exc:
        if exc.errno not in _ADDRESS_ERRNOS:
            raise
        raise address_error(exc, host, port) from None
