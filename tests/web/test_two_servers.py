"""Issue #10 for real: two ``geoapp serve`` processes on their own ports and instance
folders, one database (a SQLite file; marked ``postgres``, a PostgreSQL schema). A planner logs in and uploads on one server and confirms on
the other over HTTP (one browser cookie jar, as behind a load balancer); the first server
then serves the new version. Nothing is shared but the database."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from postgres import pg_url  # noqa: F401  (fixture)

from geoapp.store import set_password
from geoapp.web import create_app
from geoapp.web.db import get_db

DATA = Path(__file__).resolve().parent.parent / "data" / "upload" / "messy_umkm.csv"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEOAPP_")}
    env.update({"GEOAPP_DATABASE_URL": url, "GEOAPP_LOAD_SAMPLE_DATA": "false",
                "GEOAPP_CREATE_DEFAULT_PLANNER": "false", "PYTHONPATH": os.pathsep.join(sys.path)})
    return env


def wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"geoapp serve stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/auth/login", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    pytest.fail(f"geoapp serve on {base} did not answer within {START_TIMEOUT_S} s")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def two_servers(tmp_path, database):
    url = database
    app = create_app({"INSTANCE_PATH": str(tmp_path / "setup"), "DATABASE_URL": url,
                      "LOAD_SAMPLE_DATA": False, "CREATE_DEFAULT_PLANNER": False})
    with app.app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
    app.extensions["geoapp_db"]["engine"].dispose()
    servers = []
    try:
        for name in ("a", "b"):
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "geoapp", "serve", "--port", str(port),
                 "--threads", "2", "--instance", str(tmp_path / name)],
                env=server_env(url), cwd=tmp_path, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE)
            servers.append((f"http://127.0.0.1:{port}", process))
        for base, process in servers:
            wait_until_up(base, process)
        yield [base for base, _ in servers]
    finally:
        for _, process in servers:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


class Browser:
    """One cookie jar for both servers (cookies are per host, not per port)."""

    def __init__(self) -> None:
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, url: str) -> tuple[int, str, str]:
        with self.opener.open(url, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode("utf-8")

    def post(self, url: str, body: bytes, content_type: str) -> tuple[int, str, str]:
        request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
        with self.opener.open(request, timeout=120) as response:   # redirects followed
            return response.status, response.geturl(), response.read().decode("utf-8")

    def csrf(self, page_url: str) -> str:
        return CSRF.search(self.get(page_url)[2]).group(1)

    def post_form(self, url: str, fields: dict[str, str], page_url: str):
        fields = {**fields, "csrf_token": self.csrf(page_url)}
        return self.post(url, urllib.parse.urlencode(fields).encode(),
                         "application/x-www-form-urlencoded")

    def post_file(self, url: str, fields: dict[str, str], data: bytes, name: str):
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                 .encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                     + data + f"\r\n--{boundary}--\r\n".encode())
        return self.post(url, b"".join(parts), f"multipart/form-data; boundary={boundary}")


def test_upload_on_one_server_and_confirm_on_the_other(two_servers):
    first, second = two_servers
    browser = Browser()
    status, landed, _ = browser.post_form(f"{first}/auth/login", {
        "username": "perencana", "password": "rahasia-123"}, f"{first}/auth/login")
    assert status == 200 and "/auth/login" not in landed
    status, landed, _ = browser.post_file(f"{first}/data/upload", {
        "program": "umkm", "title": "UMKM 2020",
        "csrf_token": browser.csrf(f"{first}/data/upload")}, DATA.read_bytes(), DATA.name)
    token = landed.rsplit("/", 1)[-1]
    assert status == 200 and re.fullmatch(r"[0-9a-f]{32}", token), landed
    status, _, html = browser.get(f"{second}/data/upload/{token}")   # the other server
    assert status == 200 and "messy_umkm.csv" in html
    status, landed, html = browser.post_form(f"{second}/data/upload/{token}/confirm", {},
                                             f"{second}/data/upload/{token}")
    assert status == 200 and "/data/versions" in landed, landed
    assert "UMKM 2020" in html
    listing = json.loads(browser.get(f"{first}/api/datasets")[2])
    items = listing if isinstance(listing, list) else listing["datasets"]
    assert [(d["version"], d["state"]) for d in items if d["program"] == "umkm"] == [(1, "active")]
