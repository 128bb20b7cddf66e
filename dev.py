#!/usr/bin/env python3
"""Set up geoapp in its own virtual environment, then run it or its tests.

    python3 dev.py run    # install (once) and start geoapp on its embedded defaults
    python3 dev.py test   # install (once) and run the whole test suite
    GEOAPP_DATABASE_URL=postgresql+psycopg://... GEOAPP_TEST_DATABASE=postgres python3 dev.py test
                          # the whole suite on PostgreSQL (.ci/postgres starts a throwaway one)

Only python3 (with venv and pip) is needed. The environment lives in ``.venv``
and is reinstalled when ``pyproject.toml`` changes. Both commands run in the repository
root, so ``run`` keeps its instance folder in ``./instance`` there.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".geoapp-install-stamp"


def _want_stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    """Create .venv and install geoapp with its test extras when needed."""
    if not (BIN / "python").exists():
        print("geoapp: creating virtual environment in .venv", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    if STAMP.exists() and STAMP.read_text() == _want_stamp():
        return
    print("geoapp: installing dependencies (first run takes a few minutes)", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.check_call(pip + ["--upgrade", "pip"])
    subprocess.check_call(pip + ["-e", f"{ROOT}[test]"])
    STAMP.write_text(_want_stamp())


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    ensure_venv()
    if argv[0] == "run":
        cmd = [str(BIN / "geoapp"), "serve", *argv[1:]]
    else:
        cmd = [str(BIN / "python"), "-m", "pytest", *argv[1:]]
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
