"""geoapp runs from an installed wheel: templates and boundaries ship inside the package.

Builds the wheel offline from a copy of the source tree, installs it into a fresh
virtual environment outside the checkout (dependencies come from the dev environment
through a ``.pth`` file, so no network is needed), then runs ``geoapp sample-data``,
``geoapp match`` and ``geoapp serve`` from a scratch working directory.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
NOT_SHIPPED = ("tests", "notebooks", "benchmarks", "fuzz", "instance", "build", "dist",
               "test-artifacts", "_bundled", "*.egg-info", "__pycache__", "*.pyc",
               ".*")  # .git, .venv, caches
SERVE_TIMEOUT = 240  # seconds: first start writes and imports the sample data
PROBE = """
import importlib.metadata, json, sys
import geoapp
from geoapp.core import resources
print(json.dumps({
    "geoapp": geoapp.__file__,
    "dist": str(importlib.metadata.distribution("geoapp").locate_file("geoapp/__init__.py")),
    "templates": str(resources.templates_dir()),
    "boundaries": str(resources.boundaries_dir()),
    "national": str(resources.national_dir()),
    "finders": [repr(f) for f in sys.meta_path],
}))
"""


def _run(args: list, *, cwd: Path, env: dict[str, str], timeout: int = 600):
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def _clean_env() -> dict[str, str]:
    """The environment without anything that points back at the checkout or an instance."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV") and not k.startswith("GEOAPP_")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _build_wheel(tmp: Path, env: dict[str, str]) -> Path:
    if int(version("setuptools").split(".")[0]) < 77:
        pytest.fail("building the wheel needs setuptools>=77 in the test environment: "
                    "install the test extras (pip install -e '.[test]', or python3 dev.py test)")
    source = tmp / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*NOT_SHIPPED))
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
          "--no-index", "--disable-pip-version-check", "-w", dist, source], cwd=tmp, env=env)
    (wheel,) = dist.glob("geoapp-*.whl")
    return wheel


def _fresh_venv(tmp: Path, wheel: Path, env: dict[str, str]) -> Path:
    """A new venv with the wheel installed, then the dev environment's packages visible."""
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp, env=env)
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index",
          "--disable-pip-version-check", wheel], cwd=tmp, env=env)
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp, env=env).stdout.strip())
    dev_sites = dict.fromkeys(p for p in sys.path if Path(p).name in ("site-packages", "dist-packages"))
    # Lines of a .pth file only extend sys.path: the .pth files in the dev site-packages
    # (among them the editable install's finder) are not run in the fresh venv.
    (site / "zz_dev_dependencies.pth").write_text("\n".join(dev_sites) + "\n")
    return venv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, deadline: float, server: subprocess.Popen) -> tuple[int, str]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(1)


def _serve_and_fetch(geoapp: Path, work: Path, env: dict[str, str]) -> tuple[int, str, str]:
    port = _free_port()
    log = work / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(geoapp), "serve", "--port", str(port)], cwd=work,
                                  env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            status, page = _get(f"http://127.0.0.1:{port}/", time.monotonic() + SERVE_TIMEOUT,
                                server)
        except Exception as exc:  # noqa: BLE001 - report the server's own output
            pytest.fail(f"geoapp serve did not answer: {exc!r}\n{log.read_text()}")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=30)
    return status, page, log.read_text()


def test_installed_wheel_runs_sample_match_and_serve(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    assert REPO not in tmp.resolve().parents, "the fresh environment must live outside the checkout"
    env = _clean_env()
    venv = _fresh_venv(tmp, _build_wheel(tmp, env), env)
    work = tmp / "work"
    work.mkdir()

    probe = json.loads(_run([venv / "bin" / "python", "-c", PROBE], cwd=work, env=env).stdout)
    for key in ("geoapp", "dist", "templates", "boundaries", "national"):
        assert Path(probe[key]).is_relative_to(venv), (key, probe[key])
    assert "_bundled" in Path(probe["templates"]).parts and "_bundled" in Path(probe["boundaries"]).parts
    assert Path(probe["templates"], "index.html").is_file()
    assert not any("editable" in finder.lower() for finder in probe["finders"]), probe["finders"]

    geoapp = venv / "bin" / "geoapp"
    _run([geoapp, "sample-data", "samples"], cwd=work, env=env)
    sample = sorted((work / "samples").glob("*.csv"))[0]
    matched = _run([geoapp, "--lang", "en", "match", sample, "-o", "matched.csv"], cwd=work, env=env)
    assert "Rows:" in matched.stdout and (work / "matched.csv").stat().st_size > 0
    for name in ("desa.parquet", "kecamatan.parquet", "kode_wilayah.parquet", "README.md"):
        assert Path(probe["national"], name).is_file(), name
    (work / "tangsel.csv").write_text("Kelurahan,Kecamatan\nCiater,Serpong\n", encoding="utf-8")
    other = _run([geoapp, "--lang", "en", "match", "tangsel.csv", "--wilayah", "36.74",
                  "-o", "tangsel_out.csv"], cwd=work, env=env)
    assert "1 matched" in other.stdout, other.stdout

    status, page, log = _serve_and_fetch(geoapp, work, env)
    assert status == 200 and "<html" in page.lower(), log
    assert (work / "instance" / "geoapp.sqlite3").is_file(), log
