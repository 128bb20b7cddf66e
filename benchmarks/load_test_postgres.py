"""Load test, many-users setup: two app processes on one PostgreSQL/PostGIS database.

    .venv/bin/python benchmarks/load_test.py --postgres postgresql+psycopg://geoapp@127.0.0.1:54329/geoapp_test

What it does (all on 127.0.0.1; in the database it only touches a schema of its own,
``geoapp_load_<random>``, dropped at the end):

1. imports the sample data and a planner account into that schema (``init_db``: the
   migrations, as ``geoapp db upgrade``);
2. starts TWO app processes on two ports (each as ``geoapp serve``: one waitress process,
   or gunicorn with ``--workers`` > 1), each on its own instance folder, sharing the
   database and the ``SECRET_KEY`` (and no folder: uploads in progress live in the
   database): what two servers behind nginx share (README, *Running for many users*);
3. runs ``users`` simulated users for ``seconds``, the users spread evenly over both
   servers; readers do what they do in ``load_test.py`` (map page, layers, profiles,
   finder); one in sixteen is a planner who, in a loop, uploads a small CSV on one server
   and opens its preview and confirms it on the OTHER, then reads the version list on the
   first, which must already list a version newer than before the upload (no cache delay;
   otherwise it counts as an error);
4. prints p50/p95/p99 per request kind and requests/s; the confirmed versions are
   reconciled: both servers list the same versions, one per confirm plus the sample one.
Exit code 1 when any request failed or the reconciliation differs.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import secrets
import tempfile
import time
import uuid
from pathlib import Path

from load_test import (
    _UPLOAD_TOKEN,
    HOST,
    PLANNER_EVERY,
    UPLOAD_CSV,
    Client,
    build_instance,
    csrf_of,
    discover,
    form,
    free_port,
    login,
    multipart,
    reader_step,
    report,
    run_users,
    start_server,
    stop_server,
    wait_ready,
)

_DATASET_ID = re.compile(r"/data/versions")


def schema_url(url: str) -> tuple[str, str]:
    """Create a fresh schema on the database of ``url``; returns (its name, a URL using it)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    schema = f"geoapp_load_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema},public"})
    return schema, scoped.render_as_string(hide_password=False)


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    engine.dispose()


def umkm_versions(port: int) -> list[int]:
    """The ids of the umkm versions a server lists (active or not)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("GET", "/api/datasets")
    listed = json.loads(conn.getresponse().read())["datasets"]
    conn.close()
    return sorted(d["id"] for d in listed if d["program"] == "umkm")


class Planner:
    """A planner logged in once, with one connection to each server (shared cookies)."""

    def __init__(self, first: Client, second: Client) -> None:
        self.first, self.second = first, second
        second.cookies = first.cookies
        login(first)
        self.confirmed: list[float] = []

    def step(self, _client: Client, rng: random.Random) -> None:
        a, b = (self.first, self.second) if rng.random() < 0.5 else (self.second, self.first)
        newest_before = max(self.umkm_ids(a), default=0)
        _, html, _ = a.request("upload", "GET", "/data/upload")
        fields = {"csrf_token": csrf_of(html), "program": "umkm",
                  "title": f"Uji beban {rng.randrange(10**6)}"}
        body, ctype = multipart(fields, "uji_beban.csv", UPLOAD_CSV)
        status, _, headers = a.request("upload", "POST", "/data/upload", body,
                                       {"Content-Type": ctype}, ok=(302, 303))
        match = _UPLOAD_TOKEN.search(headers.get("Location", "")) if status in (302, 303) else None
        if not match:
            return
        token = match.group(1)
        _, html, _ = b.request("upload_preview", "GET", f"/data/upload/{token}")
        body, form_headers = form({"csrf_token": csrf_of(html) or fields["csrf_token"]})
        status, _, headers = b.request("confirm", "POST", f"/data/upload/{token}/confirm",
                                       body, form_headers, ok=(302, 303))
        if status in (302, 303) and _DATASET_ID.search(headers.get("Location", "")):
            self.confirmed.append(time.monotonic())
            if max(self.umkm_ids(a), default=0) <= newest_before:   # the other server
                a.stats.record("versions_other", 0.0, "the version confirmed on one server "
                               "is not listed by the other")
        elif status in (302, 303):
            a.stats.record("confirm", 0.0, f"confirm went to {headers.get('Location')}")

    @staticmethod
    def umkm_ids(client: Client) -> list[int]:
        """The umkm version ids listed by the client's server (timed as ``versions_other``)."""
        status, data, _ = client.request("versions_other", "GET", "/api/datasets")
        listed = json.loads(data)["datasets"] if status == 200 else []
        return [d["id"] for d in listed if d["program"] == "umkm"]


def run(url: str, seconds: float = 60, users: int = 64, threads: int = 8,
        workers: int = 1) -> dict:
    """Two servers on one PostgreSQL database under the mixed load; returns the figures."""
    schema, scoped = schema_url(url)
    procs = []
    try:
        with tempfile.TemporaryDirectory(prefix="geoapp-load-pg-") as tmp:
            folder = Path(tmp)
            print(f"building the sample data in schema {schema} ...", flush=True)
            first = build_instance(folder, database=scoped)
            second = folder / "instance-b"
            second.mkdir()
            (folder / "static").mkdir()
            shared = {"GEOAPP_DATABASE_URL": scoped, "GEOAPP_SECRET_KEY": secrets.token_hex(32)}
            ports = [free_port(), free_port()]
            for instance, port in zip((first, second), ports, strict=True):
                procs.append(start_server(instance, port, threads, folder / "static", workers,
                                          env=shared))
            for port, proc in zip(ports, procs, strict=True):
                wait_ready(port, proc)
            return _load(ports, users, seconds, workers, threads)
    finally:
        for proc in procs:
            stop_server(proc)
        drop_schema(url, schema)


def _load(ports: list[int], users: int, seconds: float, workers: int, threads: int) -> dict:
    targets = discover(ports[0])
    before = umkm_versions(ports[0])
    planners: list[Planner] = []
    kind = f"gunicorn, {workers} workers" if workers > 1 else "waitress, 1 process"
    print(f"2 servers ({kind} each, {threads} threads) on ports {ports}, one PostgreSQL; "
          f"{users} users for {seconds:g} s", flush=True)

    def step_for(index: int, client: Client):
        if index % PLANNER_EVERY == PLANNER_EVERY - 1:
            other = Client(ports[(index + 1) % len(ports)], client.stats)
            planner = Planner(client, other)
            planners.append(planner)
            return planner.step
        return lambda c, rng: reader_step(c, targets, rng)

    stats, elapsed = run_users(ports, users, seconds, 10**9, step_for)
    figures = {"mixed": report("two servers, one PostgreSQL", stats, elapsed)}
    confirms = sum(len(p.confirmed) for p in planners)
    lists = [umkm_versions(port) for port in ports]
    reconciled = lists[0] == lists[1] and len(lists[0]) == len(before) + confirms
    print(f"\nconfirmed versions during the run: {confirms}; umkm versions listed: "
          f"{len(lists[0])} on one server, {len(lists[1])} on the other "
          f"(before: {len(before)}) -> {'reconciled' if reconciled else 'DIFFERENT'}")
    figures["confirms"], figures["reconciled"] = confirms, reconciled
    return figures
