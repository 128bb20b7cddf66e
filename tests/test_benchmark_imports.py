"""The benchmarks are not run by the suite (they take minutes), so this checks that every
geoapp name a benchmark imports still exists: a rename must not leave one that fails at
its first line."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).parent.parent / "benchmarks").glob("*.py"))


def _geoapp_imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [(node.module, alias.name) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("geoapp")
            for alias in node.names]


def _exists(module: str, name: str) -> bool:
    if hasattr(importlib.import_module(module), name):
        return True
    try:                                   # ``from geoapp.x import submodule``
        importlib.import_module(f"{module}.{name}")
    except ImportError:
        return False
    return True


def test_there_are_benchmarks():
    assert len(BENCHMARKS) >= 10


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_every_geoapp_name_a_benchmark_imports_exists(path):
    missing = [f"{module}.{name}" for module, name in _geoapp_imports(path)
               if not _exists(module, name)]
    assert missing == [], f"{path.name} imports names geoapp no longer has: {missing}"
