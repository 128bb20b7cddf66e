"""Load test: the production server (gunicorn, as ``geoapp serve --workers 2``) under a mix of readers and planners.

    .venv/bin/python benchmarks/load_test.py [--seconds 60] [--users 64] [--workers 2] [--threads 8]

What it does, all on 127.0.0.1 and in a temporary folder (nothing else is touched):

1. builds an instance with the seeded sample data and a planner account;
2. starts the production server like ``geoapp serve --workers 2``: gunicorn with 2 worker
   processes of ``threads`` threads (``--workers 1``: one waitress process), running
   the normal app plus one benchmark-only route ``/bench-static/<name>`` that serves a
   file from a temporary folder with Flask's ``send_from_directory``;
3. runs ``users`` simulated users for ``seconds`` (or until ``--max-requests``): readers
   load the map page, layer GeoJSON, kelurahan profiles and the kampung finder; one in
   sixteen is a planner who logs in, uploads a small CSV, opens the preview and discards it;
4. compares the cached layer endpoint with the same bytes served as a static file by the
   same server (each alone, same users, ``--compare-seconds`` each) and prints the ratio;
5. prints p50/p95/p99 latency per request kind, requests/s and the error count, then stops
   the server. Exit code 1 when any request failed.

``--postgres URL``: two app processes on one PostgreSQL database instead, with planners
uploading on one and confirming on the other (``load_test_postgres.py``).

Two workers on this 2-core machine: one process per core for the GIL-bound Flask work (each
worker keeps its own layer cache). The load generator is a small threaded ``http.client`` client
(stdlib only) with one keep-alive connection per user.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
PLANNER = ("bench_planner", "bench-password-123")
PLANNER_EVERY = 16
UPLOAD_CSV = (b"kelurahan;kecamatan;jumlah\nSukasari;Tangerang;3\nBabakan;Tangerang;5\n"
              b"Cikokol;Tangerang;2\n")
_CSRF = re.compile(r'name="csrf[-_]token" (?:content|value)="([^"]+)"')
_UPLOAD_TOKEN = re.compile(r"/data/upload/([0-9a-f]{32})")
REPO = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- server side

def build_instance(folder: Path, database: str | None = None) -> Path:
    """An instance folder with the sample data imported and the benchmark planner (in its
    SQLite file, or in the database of the URL ``database``, by default the one of
    GEOAPP_DATABASE_URL, which the server then uses too)."""
    sys.path.insert(0, str(REPO))
    from sqlalchemy.orm import Session

    from geoapp.imports.staging import import_sample_data
    from geoapp.sample import write_sample_data
    from geoapp.store import create_engine_for, init_db, set_password

    instance = folder / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    write_sample_data(folder / "sample")
    database = database or os.environ.get("GEOAPP_DATABASE_URL") or None
    engine = create_engine_for(database or instance / "geoapp.sqlite3")
    try:
        init_db(engine)
        with Session(engine) as session:
            import_sample_data(session, folder / "sample")
            set_password(session, *PLANNER, "planner")
    finally:
        engine.dispose()
    return instance


def run_server(instance: str, port: int, threads: int, static_dir: str, workers: int = 2) -> None:
    """(In the server process) the app + the benchmark static route, served by gunicorn
    with ``workers`` > 1 (as ``geoapp serve --workers N``), else by one waitress process."""
    import logging

    import waitress
    from flask import send_from_directory

    from geoapp.web import create_app
    from geoapp.web.serve import check_boundaries, serve_app

    # Every simulated user comes from 127.0.0.1, so the per-address rate limits (on, as in
    # production) are raised: otherwise the 30 uploads/hour of ONE address would be hit.
    app = create_app({"INSTANCE_PATH": instance, "LOAD_SAMPLE_DATA": False,
                      "CREATE_DEFAULT_PLANNER": False, "RATELIMIT_ENABLED": True,
                      "UPLOAD_RATE_LIMIT": "100000 per hour", "LOGIN_RATE_LIMIT": "1000 per minute",
                      "PREVIEW_RATE_LIMIT": "100000 per hour"})
    check_boundaries(app.config, default=True)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "queue depth" notes

    @app.get("/bench-static/<path:name>")
    def bench_static(name: str):
        return send_from_directory(static_dir, name, mimetype="application/geo+json")

    if workers > 1:
        serve_app(app, host=HOST, port=port, threads=threads, workers=workers)
    else:
        waitress.serve(app, host=HOST, port=port, threads=threads, connection_limit=256,
                       _quiet=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(instance: Path, port: int, threads: int, static_dir: Path,
                 workers: int = 2, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The server process; ``env``: GEOAPP_* settings for it (e.g. GEOAPP_DATABASE_URL)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    env.pop("GEOAPP_INSTANCE", None)
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", str(instance), str(port),
         str(threads), str(static_dir), str(workers)], env=env, cwd=REPO,
    )


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/api/status")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not become ready")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------- client side

@dataclass
class Stats:
    """Latencies per request kind and failures, shared by all users (lock-protected)."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.count += 1
            if error:
                self.errors.append(f"{kind}: {error}")


class Client:
    """One user's keep-alive connection with a cookie jar (only the names we get back)."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port, self.stats = port, stats
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, kind: str, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, ok: tuple[int, ...] = (200,)) -> tuple[int, bytes, dict]:
        sent = {"Connection": "keep-alive", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            self.stats.record(kind, time.perf_counter() - start, f"{type(exc).__name__} {path}")
            return 0, b"", {}
        elapsed = time.perf_counter() - start
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        error = None if response.status in ok else f"HTTP {response.status} {path}"
        self.stats.record(kind, elapsed, error)
        return response.status, data, dict(response.headers)

    def close(self) -> None:
        self.conn.close()


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def form(fields: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    from urllib.parse import urlencode

    return urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def csrf_of(html: bytes) -> str:
    match = _CSRF.search(html.decode("utf-8", "replace"))
    return match.group(1) if match else ""


@dataclass
class Targets:
    """URLs discovered once before the run."""

    layers: list[str]
    kelurahan: list[str]
    finder: bool


def discover(port: int) -> Targets:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/api/layers")
    catalogue = json.loads(conn.getresponse().read())
    entries = catalogue.get("layers", catalogue) if isinstance(catalogue, dict) else catalogue
    layers = [f"/api/layers/{e['key']}.geojson" for e in entries if isinstance(e, dict) and "key" in e]
    conn.request("GET", "/api/kelurahan")
    kel = json.loads(conn.getresponse().read()).get("kelurahan", [])
    kodes = [k["kode"] for k in kel if isinstance(k, dict) and "kode" in k][:30]
    conn.request("GET", "/kampung/data.json")
    response = conn.getresponse()
    response.read()
    conn.close()
    return Targets(layers or ["/api/layers/umkm.geojson"], kodes, response.status == 200)


def reader_step(client: Client, targets: Targets, rng: random.Random) -> None:
    roll = rng.random()
    if roll < 0.15:
        client.request("map_page", "GET", "/")
    elif roll < 0.55:
        client.request("layer_geojson", "GET", rng.choice(targets.layers))
    elif roll < 0.80 and targets.kelurahan:
        kode = rng.choice(targets.kelurahan)
        if rng.random() < 0.5:
            client.request("profile_page", "GET", f"/kelurahan/{kode}")
        else:
            client.request("profile_api", "GET", f"/api/kelurahan/{kode}")
    elif targets.finder:
        path = "/kampung/data.json" if rng.random() < 0.7 else "/kampung"
        client.request("finder", "GET", path)
    else:
        client.request("layer_geojson", "GET", rng.choice(targets.layers))


def login(client: Client) -> None:
    _, html, _ = client.request("login", "GET", "/auth/login")
    body, headers = form({"username": PLANNER[0], "password": PLANNER[1], "csrf_token": csrf_of(html)})
    client.request("login", "POST", "/auth/login", body, headers, ok=(302, 303))


def planner_step(client: Client, rng: random.Random) -> None:
    _, html, _ = client.request("upload", "GET", "/data/upload")
    fields = {"csrf_token": csrf_of(html), "program": "umkm", "title": f"Uji beban {rng.randrange(10**6)}"}
    body, ctype = multipart(fields, "uji_beban.csv", UPLOAD_CSV)
    status, _, headers = client.request("upload", "POST", "/data/upload", body,
                                        {"Content-Type": ctype}, ok=(302, 303))
    match = _UPLOAD_TOKEN.search(headers.get("Location", "")) if status in (302, 303) else None
    if not match:
        return
    token = match.group(1)
    _, html, _ = client.request("upload_preview", "GET", f"/data/upload/{token}")
    body, headers = form({"csrf_token": csrf_of(html) or fields["csrf_token"]})
    client.request("upload", "POST", f"/data/upload/{token}/discard", body, headers, ok=(302, 303))


def run_users(port: int | list[int], users: int, seconds: float, max_requests: int,
              step_for: callable, seed: int = 2020) -> tuple[Stats, float]:
    """Run ``users`` threads calling ``step_for(index)(client, rng)`` until time or count
    runs out; with a list of ports, user ``i`` talks to ``ports[i % len(ports)]``."""
    stats = Stats()
    deadline = time.monotonic() + seconds
    ports = port if isinstance(port, list) else [port]

    def user(index: int) -> None:
        rng, client = random.Random(seed + index), Client(ports[index % len(ports)], stats)
        step = step_for(index, client)
        try:
            while time.monotonic() < deadline and stats.count < max_requests:
                step(client, rng)
        finally:
            client.close()

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return stats, time.monotonic() - start


def mixed_steps(targets: Targets):
    def step_for(index: int, client: Client):
        if index % PLANNER_EVERY == PLANNER_EVERY - 1:
            login(client)
            return lambda c, rng: planner_step(c, rng)
        return lambda c, rng: reader_step(c, targets, rng)
    return step_for


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        v = values[0] if values else 0.0
        return v, v, v
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def report(title: str, stats: Stats, elapsed: float) -> dict:
    every = [v for values in stats.latencies.values() for v in values]
    p50, p95, p99 = percentiles(every)
    print(f"\n== {title}: {stats.count} requests in {elapsed:.1f} s = {stats.count / elapsed:.1f} req/s, "
          f"errors {len(stats.errors)}")
    print(f"{'kind':<16}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in sorted(stats.latencies.items()):
        a, b, c = percentiles(values)
        print(f"{kind:<16}{len(values):>7}{a * 1000:>9.1f}{b * 1000:>9.1f}{c * 1000:>9.1f}")
    print(f"{'ALL':<16}{len(every):>7}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{p99 * 1000:>9.1f}")
    for error in stats.errors[:10]:
        print(f"  error: {error}")
    return {"requests": stats.count, "rps": stats.count / elapsed, "errors": list(stats.errors),
            "p50": p50, "p95": p95, "p99": p99}


def compare_static(port: int, users: int, seconds: float, layer: str, static_dir: Path) -> dict:
    """Requests/s of the cached layer endpoint vs the same bytes as a static file."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("GET", layer)
    body = conn.getresponse().read()
    conn.close()
    (static_dir / "layer.geojson").write_bytes(body)
    results = {}
    for name, path in (("static", "/bench-static/layer.geojson"), ("layer", layer)):
        stats, elapsed = run_users(
            port, users, seconds, 10**9,
            lambda i, c, p=path, n=name: (lambda client, rng: client.request(n, "GET", p)))
        results[name] = report(f"{name} {path} ({len(body)} bytes)", stats, elapsed)
    ratio = results["layer"]["rps"] / max(results["static"]["rps"], 1e-9)
    print(f"\nlayer/static requests/s ratio: {ratio:.2f} (target >= 0.8)")
    return {**results, "ratio": ratio, "bytes": len(body)}


def run(seconds: float = 60, users: int = 64, threads: int = 8, max_requests: int = 1_000_000,
        workers: int = 2,
        compare_seconds: float = 10) -> dict:
    """The whole load test; returns the figures (also printed)."""
    with tempfile.TemporaryDirectory(prefix="geoapp-load-") as tmp:
        folder = Path(tmp)
        print("building the sample instance ...", flush=True)
        instance = build_instance(folder)
        static_dir = folder / "static"
        static_dir.mkdir()
        port = free_port()
        proc = start_server(instance, port, threads, static_dir, workers)
        try:
            wait_ready(port, proc)
            targets = discover(port)
            kind = f"gunicorn, {workers} workers" if workers > 1 else "waitress, 1 process"
            print(f"server: {kind}, {threads} threads each, http://{HOST}:{port}/ ; "
                  f"{users} users for {seconds:g} s", flush=True)
            stats, elapsed = run_users(port, users, seconds, max_requests, mixed_steps(targets))
            figures = {"mixed": report("mixed load", stats, elapsed)}
            if compare_seconds > 0:
                figures["compare"] = compare_static(port, users, compare_seconds,
                                                    targets.layers[0], static_dir)
        finally:
            stop_server(proc)
    return figures


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--serve":
        instance, port, threads, static_dir, workers = argv[1:6]
        run_server(instance, int(port), int(threads), static_dir, int(workers))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--threads", type=int, default=8, help="threads per worker process")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes per server (1 = waitress); default 2, "
                             "with --postgres 1 (each of the two servers)")
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--compare-seconds", type=float, default=10)
    parser.add_argument("--postgres", metavar="URL",
                        help="two app processes on this PostgreSQL/PostGIS database instead "
                             "(benchmarks/load_test_postgres.py; --workers per process, default 1)")
    args = parser.parse_args(argv)
    if args.postgres:
        import load_test_postgres

        figures = load_test_postgres.run(args.postgres, args.seconds, args.users, args.threads,
                                         args.workers or 1)
        return 0 if not figures["mixed"]["errors"] and figures["reconciled"] else 1
    figures = run(args.seconds, args.users, args.threads, args.max_requests, args.workers or 2,
                  args.compare_seconds)
    errors = len(figures["mixed"]["errors"]) + sum(
        len(figures.get("compare", {}).get(k, {}).get("errors", [])) for k in ("static", "layer"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
