"""Run the app with several worker processes (gunicorn, pre-fork) on POSIX systems."""

from __future__ import annotations

from typing import Any

from flask import Flask


def serve_with_gunicorn(app: Flask, *, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``app`` with gunicorn: ``workers`` processes of ``threads`` threads each.

    The app (and its first-start bootstrap) is created once in the master; every worker
    drops the inherited database connections right after the fork.
    """
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):
        def load_config(self) -> None:
            settings: dict[str, Any] = {
                "bind": f"{host}:{port}", "workers": workers, "threads": threads,
                "worker_class": "gthread", "post_fork": _post_fork, "accesslog": None,
                "preload_app": True, "timeout": 120,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    def _post_fork(_server: Any, _worker: Any) -> None:
        app.extensions["geoapp_db"]["engine"].dispose(close=False)

    _Server().run()
