"""Build hook: pack the top-level ``templates/`` and ``data/boundaries/`` into the wheel.

They stay where they are in the source tree (the source of truth); ``build_py`` copies
them into the build as ``geoapp/_bundled/templates`` and ``geoapp/_bundled/boundaries``,
where ``geoapp.core.resources`` finds them in an installed copy. Editable installs read
the source tree directly and get no copy. All metadata lives in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {"templates": ROOT / "templates", "boundaries": ROOT / "data" / "boundaries"}


class BuildWithBundledFiles(build_py):
    """``build_py`` that also copies the bundled folders into ``geoapp/_bundled``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "geoapp" / "_bundled"
        for name, source in BUNDLED.items():
            if not source.is_dir():
                raise SystemExit(f"setup.py: {source} is missing; it must ship in the wheel")
            shutil.copytree(source, target / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithBundledFiles})
