"""``python -m geoapp`` is the same command line as the ``geoapp`` console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from geoapp.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_python_m_geoapp_runs_the_cli(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.pop("GEOAPP_LANG", None)
    done = subprocess.run([sys.executable, "-m", "geoapp", "--help"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: geoapp [OPTIONS] COMMAND [ARGS]...")
    assert "Tampilkan pesan ini lalu keluar." in done.stdout  # help in Indonesian by default
    listed = done.stdout.split("Commands:")[1].split()
    assert set(main.commands) <= set(listed)
