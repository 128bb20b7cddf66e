"""Where geoapp's bundled files are: templates and the default boundary set.

In a source checkout they are the top-level ``templates/`` and ``data/boundaries/``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = PACKAGE_DIR.parent


def templates_dir() -> Path:
    """The folder of the web app's Jinja templates."""
    return REPO_ROOT / "templates"


def boundaries_dir() -> Path:
    """The folder of the shipped Kota Tangerang boundary files."""
    return REPO_ROOT / "data" / "boundaries"
