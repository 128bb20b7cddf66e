"""The matcher index of a large boundary set, kept on disk between runs.

Building the index of the 83,253 national desa (name keys of every desa and kecamatan)
takes about 2.7 s; reading it back takes about 0.3 s. A set of at least ``MIN_ROWS``
kelurahan is built once per boundary file (its identity: path, modification time, size)
and per version of the code that makes the keys, then read from ``core.resources.cache_dir``.
A missing, unreadable or stale cache file is rebuilt; a cache folder that cannot be
written only costs the build. Geometry is not cached: it comes from the boundary frame.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from geoapp import __version__
from geoapp.core.resources import cache_dir
from geoapp.matching.gazetteer import Gazetteer

MIN_ROWS = 5000
FORMAT = 1                       # bump when the cached object's shape changes
_KEY_SOURCES = ("matching/gazetteer.py", "values/names.py", "values/codes.py")


def _code_fingerprint() -> str:
    """A hash of the modules whose code decides the index's keys."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{__version__}|{FORMAT}".encode())
    for name in _KEY_SOURCES:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def cache_file(identity: tuple) -> Path:
    """The cache file of a boundary set's index (``identity``: path, mtime, size...)."""
    key = hashlib.sha256(f"{identity!r}|{_code_fingerprint()}".encode()).hexdigest()[:32]
    return cache_dir() / f"gazetteer-{key}.pickle"


def _read(path: Path, frame: pd.DataFrame) -> Gazetteer | None:
    try:
        with path.open("rb") as f:
            found = pickle.load(f)       # noqa: S301 - geoapp's own file in the user's cache
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            TypeError, ValueError):
        return None
    if not isinstance(found, Gazetteer) or found.source_order is None \
            or len(found.source_order) != len(frame):
        return None
    geometry = np.asarray(frame.geometry.values, dtype=object)[found.source_order]
    return replace(found, geometry=geometry)


def _write(path: Path, gaz: Gazetteer) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(replace(gaz, geometry=None), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)           # readers see the old file or the whole new one
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass


def cached_gazetteer(identity: tuple, frame: pd.DataFrame,
                     build: Callable[[pd.DataFrame], Gazetteer]) -> Gazetteer:
    """The index of ``frame``: read from the cache when it holds this set's, else built
    with ``build`` (and kept for the next run when the set is large)."""
    if len(frame) < MIN_ROWS:
        return build(frame)
    path = cache_file(identity)
    found = _read(path, frame)
    if found is not None:
        return found
    gaz = build(frame)
    _write(path, gaz)
    return gaz
