"""Where geoapp's bundled files are: the web templates, the default boundary set, the instance.

The top-level ``templates/`` and ``data/boundaries/`` of the source tree are the source
of truth. Building a wheel copies them into the package as ``geoapp/_bundled/templates``
and ``geoapp/_bundled/boundaries`` (see ``setup.py``); an installed copy finds them there
through ``importlib.resources``, a source checkout (or editable install) falls back to the
top-level folders.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = PACKAGE_DIR.parent
BUNDLED = "_bundled"
INSTANCE_ENV = "GEOAPP_INSTANCE"
INSTANCE_DIR = "instance"
CACHE_ENV = "GEOAPP_CACHE_DIR"


def bundled_dir(name: str, checkout: Path) -> Path:
    """The packaged folder ``geoapp/_bundled/<name>`` when present, else ``checkout``."""
    packaged = files("geoapp").joinpath(BUNDLED, name)
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return checkout


def templates_dir() -> Path:
    """The folder of the web app's Jinja templates."""
    return bundled_dir("templates", REPO_ROOT / "templates")


def boundaries_dir() -> Path:
    """The folder of the shipped Kota Tangerang boundary files."""
    return bundled_dir("boundaries", REPO_ROOT / "data" / "boundaries")


def national_dir() -> Path:
    """The folder of the shipped national data (gazetteer, desa polygons, outlines)."""
    return PACKAGE_DIR / "data" / "national"


def instance_dir(config: Mapping[str, Any] | None = None) -> Path:
    """INSTANCE_PATH of ``config``, else $GEOAPP_INSTANCE, else ``./instance`` of the working directory."""
    chosen = (config or {}).get("INSTANCE_PATH") or os.environ.get(INSTANCE_ENV)
    return Path(chosen or INSTANCE_DIR).resolve()


def cache_dir() -> Path:
    """Where geoapp keeps what it can rebuild (the national matcher index): $GEOAPP_CACHE_DIR,
    else ``$XDG_CACHE_HOME/geoapp``, else ``~/.cache/geoapp``."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "geoapp"
