"""The package layout as the design says (docs/ARCHITECTURE.md), checked on the source with ast.

The import graph of geoapp/ counts every import, including those inside functions.
(a) no import cycles between modules, nor between subpackages;
(b) rooms, lowest first: a module imports only its own room or lower rooms;
(c) only geoapp/web and geoapp/cli import Flask (flask, flask_*) or werkzeug;
(d) no module over 400 lines and no function over 60 lines;
(e) the top level of geoapp/ holds only entry points, every subpackage is in a room.
Each check is a function returning its problems, and each is shown to find a planted problem.
"""

from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "geoapp"

# (b) Rooms, lowest first. A module may import modules of its own room or of a lower room.
ROOMS: tuple[tuple[str, frozenset[str]], ...] = (
    ("base", frozenset({"core", "values"})),
    ("data", frozenset({"io", "matching", "store", "maps", "sample"})),
    ("services", frozenset({"imports", "figures", "places", "ogc"})),
    ("front ends", frozenset({"cli", "web"})),
)
# Modules directly in geoapp/: the package itself (GDAL safety settings, __version__) is
# imported by everything; ``python -m geoapp`` is a front end.
TOP_LEVEL = {"geoapp": "base", "geoapp.__main__": "front ends"}

# (b) Imports that go up a room: (importer, imported) -> reason. Empty: there are none.
LAYER_ALLOWLIST: dict[tuple[str, str], str] = {}

# (c) Framework imports outside web/cli: (importer, imported module) -> reason.
FRAMEWORKS = ("flask", "werkzeug")
FRAMEWORK_ROOMS = frozenset({"cli", "web", "geoapp.__main__"})
FRAMEWORK_ALLOWLIST: dict[tuple[str, str], str] = {
    ("geoapp.store.users", "werkzeug.security"):
        "password hashing only (no app or request); existing databases hold werkzeug-format hashes",
}

# (d) Size limits.
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
SIZE_ALLOWLIST: dict[str, str] = {}  # module or "module:function" -> reason (permanent)

# (e) What may sit directly in geoapp/ as Python files.
ENTRY_POINT_FILES = frozenset({"__init__.py", "__main__.py"})


# --------------------------------------------------------------------------- the graph


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool


@dataclass
class Graph:
    package_dir: Path
    modules: dict[str, Module]
    internal: dict[str, set[str]]   # module -> modules of the package it imports
    external: dict[str, set[str]]   # module -> other dotted module names it imports


def find_modules(package_dir: Path) -> dict[str, Module]:
    """Every module below ``package_dir`` by dotted name (a package by its own name)."""
    found = {}
    root = package_dir.parent
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        found[name] = Module(name, path, is_package)
    return found


def _known(name: str, modules: dict[str, Module]) -> str | None:
    """``name`` or its nearest enclosing module of the package (None when outside)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _from_base(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.name.split(".")
    base = parts if module.is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: Module, modules: dict[str, Module]) -> tuple[set[str], set[str]]:
    internal: set[str] = set()
    external: set[str] = set()
    root = module.name.split(".")[0]
    for node in ast.walk(ast.parse(module.path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(module, node)
            # ``from pkg import sub`` imports the submodule when there is one.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                       for a in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] == root:
                known = _known(target, modules)
                if known and known != module.name:
                    internal.add(known)
            else:
                external.add(target)
    return internal, external


def build_graph(package_dir: Path) -> Graph:
    modules = find_modules(package_dir)
    graph = Graph(package_dir, modules, {}, {})
    for name, module in modules.items():
        graph.internal[name], graph.external[name] = _imports(module, modules)
    return graph


# --------------------------------------------------------------------------- (a) cycles


def _shortest_cycle(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    """The shortest path start -> ... -> start, or None."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start] if node != start else [start, start]
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    return None


def find_cycles(edges: dict[str, set[str]]) -> list[str]:
    """A shortest cycle through each node not in a cycle reported before, as ``a -> b -> a``."""
    cycles: list[str] = []
    covered: set[str] = set()
    for start in sorted(edges):
        if start in covered:
            continue
        cycle = _shortest_cycle(start, edges)
        if cycle:
            covered.update(cycle)
            cycles.append(" -> ".join(cycle))
    return cycles


def subpackage_of(graph: Graph, name: str) -> str:
    """The subpackage (``io``) holding a module; a module directly in geoapp/ stands for itself."""
    rel = graph.modules[name].path.relative_to(graph.package_dir)
    return rel.parts[0] if len(rel.parts) > 1 else name


def package_edges(graph: Graph) -> dict[str, set[str]]:
    """Subpackage -> the other subpackages it imports."""
    edges: dict[str, set[str]] = {}
    for importer, targets in graph.internal.items():
        mine = subpackage_of(graph, importer)
        theirs = {subpackage_of(graph, t) for t in targets}
        edges.setdefault(mine, set()).update(theirs - {mine})
    return edges


# --------------------------------------------------------------------------- (b), (c)


def room_of(name: str) -> str | None:
    if name in TOP_LEVEL:
        return TOP_LEVEL[name]
    sub = name.split(".")[1] if "." in name else None
    return next((room for room, packages in ROOMS if sub in packages), None)


def layer_violations(graph: Graph) -> dict[tuple[str, str], str]:
    """Imports from a lower room into a higher one: (importer, imported) -> rooms."""
    rank = {room: i for i, (room, _) in enumerate(ROOMS)}
    found = {}
    for importer, targets in graph.internal.items():
        for target in targets:
            low, high = room_of(importer), room_of(target)
            if low is None or high is None:
                continue  # reported by the top-level check
            if rank[high] > rank[low]:
                found[(importer, target)] = f"{low} imports {high}"
    return found


def framework_imports(graph: Graph) -> set[tuple[str, str]]:
    """(module, framework module) for every Flask/werkzeug import outside web and cli."""
    found = set()
    for importer, targets in graph.external.items():
        if subpackage_of(graph, importer) in FRAMEWORK_ROOMS:
            continue
        for target in targets:
            top = target.split(".")[0]
            if top in FRAMEWORKS or top.startswith("flask_"):
                found.add((importer, target))
    return found


# --------------------------------------------------------------------------- (d), (e)


def _functions(tree: ast.AST, prefix: str = ""):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{node.name}"
            yield name, node.end_lineno - node.lineno + 1
            yield from _functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def oversized(graph: Graph) -> dict[str, int]:
    """Modules over MAX_MODULE_LINES and ``module:function`` over MAX_FUNCTION_LINES."""
    found = {}
    for name, module in graph.modules.items():
        text = module.path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            found[name] = lines
        for function, length in _functions(ast.parse(text)):
            if length > MAX_FUNCTION_LINES:
                found[f"{name}:{function}"] = length
    return found


def top_level_problems(package_dir: Path) -> list[str]:
    """Python files in geoapp/ that are not entry points; subpackages in no room."""
    problems = [f"{p.name} is not an entry point: move it into a subpackage"
                for p in sorted(package_dir.glob("*.py")) if p.name not in ENTRY_POINT_FILES]
    declared = set().union(*(packages for _, packages in ROOMS))
    for folder in sorted(p for p in package_dir.iterdir() if p.is_dir()):
        has_code = any(folder.rglob("*.py"))
        if has_code and folder.name not in declared:
            problems.append(f"subpackage {folder.name} is in no room of ROOMS")
    return problems


# --------------------------------------------------------------------------- the checks


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph(PACKAGE_DIR)


def test_graph_sees_function_local_imports(graph):
    # cli.main imports its command modules at the top; match_commands imports the
    # pipeline only inside its commands: both must be edges.
    assert "geoapp.cli.match_commands" in graph.internal["geoapp.cli.main"]
    assert "geoapp.imports.pipeline" in graph.internal["geoapp.cli.match_commands"]


def test_no_import_cycles_between_modules(graph):
    cycles = find_cycles(graph.internal)
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_no_import_cycles_between_subpackages(graph):
    cycles = find_cycles(package_edges(graph))
    assert cycles == [], "subpackage cycles:\n" + "\n".join(cycles)


def test_modules_import_only_their_own_or_lower_rooms(graph):
    found = layer_violations(graph)
    unexplained = [f"{a} -> {b} ({why})" for (a, b), why in sorted(found.items())
                   if (a, b) not in LAYER_ALLOWLIST]
    assert unexplained == [], "imports into a higher room:\n" + "\n".join(unexplained)
    assert sorted(set(LAYER_ALLOWLIST) - set(found)) == [], "stale LAYER_ALLOWLIST entries"


def test_only_web_and_cli_import_flask_or_werkzeug(graph):
    found = framework_imports(graph)
    assert sorted(found - set(FRAMEWORK_ALLOWLIST)) == []
    assert sorted(set(FRAMEWORK_ALLOWLIST) - found) == [], "stale FRAMEWORK_ALLOWLIST entries"


def test_modules_and_functions_stay_small(graph):
    found = oversized(graph)
    allowed = SIZE_ALLOWLIST
    too_big = [f"{name}: {lines} lines" for name, lines in sorted(found.items())
               if name not in allowed]
    assert too_big == [], "split these:\n" + "\n".join(too_big)
    assert sorted(set(allowed) - set(found)) == [], "stale size allowlist entries: remove them"


def test_top_level_holds_only_entry_points():
    assert top_level_problems(PACKAGE_DIR) == []


def test_allowlists_give_a_reason():
    for allowlist in (LAYER_ALLOWLIST, FRAMEWORK_ALLOWLIST, SIZE_ALLOWLIST):
        assert all(isinstance(why, str) and len(why) > 10 for why in allowlist.values())


# --------------------------------------------------------------------------- each check can fail


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / "geoapp" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "geoapp"


BAD_PACKAGE = {
    "__init__.py": "",
    "helpers.py": "X = 1\n",                                    # (e) not an entry point
    "core/__init__.py": "",
    "core/a.py": "def f():\n    from geoapp.core import b\n",   # (a) cycle, function-local
    "core/b.py": "from . import a\n",
    "core/c.py": "from geoapp.web.views import page\n",         # (b) base imports front ends
    "store/__init__.py": "",
    "store/d.py": "from flask import g\nimport werkzeug.utils\n",  # (c) frameworks
    "web/__init__.py": "from flask import Flask\n",
    "web/views.py": "def page():\n" + "    x = 1\n" * 60,       # (d) function of 61 lines
    "web/big.py": "X = 1\n" * 401,                               # (d) module of 401 lines
    "extras/__init__.py": "",                                    # (e) subpackage in no room
}


def test_the_checks_find_planted_problems(tmp_path):
    package = _write(tmp_path, BAD_PACKAGE)
    bad = build_graph(package)
    assert find_cycles(bad.internal) == ["geoapp.core.a -> geoapp.core.b -> geoapp.core.a"]
    assert layer_violations(bad) == {("geoapp.core.c", "geoapp.web.views"): "base imports front ends"}
    assert framework_imports(bad) == {("geoapp.store.d", "flask"), ("geoapp.store.d", "werkzeug.utils")}
    assert oversized(bad) == {"geoapp.web.big": 401, "geoapp.web.views:page": 61}
    assert top_level_problems(package) == [
        "helpers.py is not an entry point: move it into a subpackage",
        "subpackage extras is in no room of ROOMS",
    ]


def test_subpackage_cycle_is_found_without_a_module_cycle(tmp_path):
    package = _write(tmp_path, {
        "__init__.py": "", "io/__init__.py": "", "matching/__init__.py": "",
        "io/reader.py": "from geoapp.matching import names\n",
        "matching/names.py": "", "matching/guard.py": "from geoapp.io import export\n",
        "io/export.py": "",
    })
    bad = build_graph(package)
    assert find_cycles(bad.internal) == []
    assert find_cycles(package_edges(bad)) == ["io -> matching -> io"]
