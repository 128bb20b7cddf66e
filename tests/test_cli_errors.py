"""Every geoapp command ends a failure with one clear message and a non-zero exit, never a traceback.

``CASES`` holds one failing invocation per command (a file where a folder is needed, a
port already in use, a bad option value...). The test enumerates ``main.commands`` (and
the commands of its groups), so a new command without a failing case here fails it.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from geoapp.cli.main import main

REPO = Path(__file__).resolve().parents[1]
REVIEW_CSV = "Kelurahan,Kecamatan,Jumlah\nSudimara,Ciledug,1\nCikokol,Tangerang,2\n"


@dataclass
class Workspace:
    """Files a failing command needs: good input, a plain file used as a folder, a busy port."""

    root: Path
    port: int

    @property
    def csv(self) -> str:
        return str(self.root / "in.csv")

    @property
    def instance(self) -> str:
        return str(self.root / "inst")

    def under_file(self, name: str) -> str:
        """A path whose parent folder is in fact a file: nothing can be written there."""
        return str(self.root / "blocker" / name)


@pytest.fixture
def work(tmp_path) -> Iterator[Workspace]:
    (tmp_path / "in.csv").write_text(REVIEW_CSV, encoding="utf-8")
    (tmp_path / "blocker").write_text("a file, not a folder\n", encoding="utf-8")
    inst = tmp_path / "inst"
    inst.mkdir()
    (inst / "config.toml").write_text("LOAD_SAMPLE_DATA = false\nCREATE_DEFAULT_PLANNER = false\n",
                                      encoding="utf-8")
    sqlite3.connect(inst / "geoapp.sqlite3").close()       # something to back up
    busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        yield Workspace(tmp_path, busy.getsockname()[1])
    finally:
        busy.close()


@dataclass(frozen=True)
class Case:
    args: Callable[[Workspace], list[str]]
    expect: Callable[[Workspace], str]      # a text the English message must contain
    ours: bool = True                       # False: click's own usage error (English only)
    stdin: str | None = None


CASES: dict[str, Case] = {
    "match": Case(lambda w: ["match", w.csv, "-o", w.under_file("out.csv")],
                  lambda w: "blocker"),
    "aggregate": Case(lambda w: ["aggregate", w.csv, "-o", w.under_file("layer.geojson")],
                      lambda w: "blocker"),
    "review": Case(lambda w: ["review", w.csv, "--aliases", w.under_file("aliases.csv")],
                   lambda w: "blocker", stdin="1\n"),
    "alias add": Case(lambda w: ["alias", "add", "Sudimara", "36.71.01.1001", "--aliases",
                                 w.under_file("aliases.csv")], lambda w: "blocker"),
    "import": Case(lambda w: ["import", w.under_file("umkm.csv"), "--program", "umkm",
                              "--instance", w.instance, "--dry-run"], lambda w: "blocker"),
    "sample-data": Case(lambda w: ["sample-data", w.under_file("sample")], lambda w: "blocker"),
    "serve": Case(lambda w: ["serve", "--port", str(w.port), "--instance", w.instance],
                  lambda w: f"{w.port}"),
    "settings": Case(lambda w: ["settings", "--format", "yaml"], lambda w: "--format",
                     ours=False),
    "set-password": Case(lambda w: ["set-password", "ana", "--instance", w.under_file("inst"),
                                    "--password", "rahasia-panjang-1"], lambda w: "blocker"),
    "backup": Case(lambda w: ["backup", w.under_file("b.zip"), "--instance", w.instance],
                   lambda w: "blocker"),
    "render": Case(lambda w: ["render", "-o", w.under_file("peta.pdf"), "--instance",
                              w.instance], lambda w: "no program has an active dataset"),
    "restore": Case(lambda w: ["restore", str(w.root / "in.csv"), "--instance",
                               w.under_file("inst")], lambda w: "blocker"),
    "db upgrade": Case(lambda w: ["db", "upgrade", "--instance", w.under_file("inst")],
                       lambda w: "blocker"),
}


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    """'match', 'alias add', ...: every runnable command under ``group``."""
    out = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out += command_paths(command, f"{prefix}{name} ")
        else:
            out.append(f"{prefix}{name}")
    return out


def test_every_command_has_a_failing_case():
    assert sorted(command_paths(main)) == sorted(CASES), \
        "add a failing invocation to CASES for every new command"


def run(work: Workspace, name: str, lang: str):
    case = CASES[name]
    result = CliRunner().invoke(main, ["--lang", lang, *case.args(work)], input=case.stdin)
    return case, result


ON_SQLITE_ONLY = {"db upgrade": "the failing case is a SQLite file under a file; a "
                                "PostgreSQL URL does not use the instance folder"}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.sqlite_only(reason=ON_SQLITE_ONLY[n]))
    if n in ON_SQLITE_ONLY else n for n in sorted(CASES)])
def test_command_failure_is_one_clear_message(work, name, monkeypatch):
    monkeypatch.setattr("waitress.serve",
                        lambda *a, **k: pytest.fail("the server must not start on a busy port"))
    case, english = run(work, name, "en")
    assert english.exit_code != 0, english.output
    # anything but SystemExit means an exception escaped the command (a traceback for users)
    assert isinstance(english.exception, SystemExit), repr(english.exception)
    assert "Traceback" not in english.output
    assert "Error: " in english.output and case.expect(work) in english.output, english.output
    _, indonesian = run(work, name, "id")
    assert indonesian.exit_code == english.exit_code
    assert isinstance(indonesian.exception, SystemExit), repr(indonesian.exception)
    if case.ours:
        assert "Galat: " in indonesian.output and indonesian.output != english.output


def _real_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GEOAPP_LANG": "en", "PYTHONPATH": str(REPO)}
    env.pop("GEOAPP_INSTANCE", None)
    return subprocess.run([sys.executable, "-c", "from geoapp.cli.main import main; main()",
                           *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_real_serve_on_a_busy_port_says_so(work):
    done = _real_cli("serve", "--port", str(work.port), "--instance", work.instance, cwd=work.root)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    assert f"port {work.port}" in done.stderr.lower() and "--port" in done.stderr, done.stderr


def test_real_set_password_on_an_impossible_instance_says_so(work):
    done = _real_cli("set-password", "ana", "--instance", work.under_file("inst"),
                     "--password", "rahasia-panjang-1", cwd=work.root)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    assert "blocker" in done.stderr, done.stderr
@pytest.mark.parametrize("port", ["0", "70000", "-1", "٣", "²", "80x"])
def test_serve_port_out_of_range_is_a_clear_error(work, port, monkeypatch):
    monkeypatch.setattr("waitress.serve", lambda *a, **k: pytest.fail("must not start"))
    result = CliRunner().invoke(main, ["--lang", "en", "serve", "--port", port, "--instance",
                                       work.instance])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "--port" in result.output and "65535" in result.output, result.output


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_command_has_help(name):
    """--help of every command renders (option types included), without the error handler."""
    result = CliRunner().invoke(main, ["--lang", "en", *name.split(), "--help"])
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "Usage:" in result.output and "Error" not in result.output
