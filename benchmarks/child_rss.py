"""Run one benchmark step in a child process and return its result with its peak memory.

The peak is the child's own ``ru_maxrss`` (from ``os.wait4``), so each step's figure
covers everything that process held, not only what tracemalloc sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def run_child(args: list[str], env: dict[str, str] | None = None) -> tuple[dict, float]:
    """Run ``python <args>``; the child prints one JSON line last. (that JSON, peak GB)."""
    child = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE,
                             env={**os.environ, **(env or {})}, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"child {args} failed with exit code {child.returncode}")
    last = [line for line in out.splitlines() if line.startswith("{")][-1]
    return json.loads(last), usage.ru_maxrss / 1024 / 1024   # KiB -> GiB


def emit(result: dict) -> None:
    """Print the child's result as its last line."""
    print(json.dumps(result), flush=True)
