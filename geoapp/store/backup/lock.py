"""The instance lock a running server holds, so a restore never replaces it underfoot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LOCK_FILE = "server.lock"


@contextmanager
def instance_lock(instance: str | Path) -> Iterator[bool]:
    """Hold the instance's server lock while the block runs; yields False if it is taken.

    The server holds it for its whole life; the kernel releases it when the process
    dies (even by SIGKILL), so a crashed server never blocks a restore.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: cannot tell, assume free
        yield True
        return
    path = Path(instance) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def hold_instance_lock(instance: str | Path) -> Any:
    """Take the server lock for the life of the process; return the open handle (or None)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return None
    path = Path(instance) / LOCK_FILE
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def is_running(instance: str | Path) -> bool:
    """True when a server currently holds the instance lock."""
    if not Path(instance).is_dir():
        return False
    with instance_lock(instance) as free:
        return not free
