"""The package's shape, checked: module sizes, one home for file I/O and for the environment, no import
circles, the extractor independent of the scorer, the dashboard free of streamlit-less logic leaks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "incidents"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 450

# Calls that open, read or write files. Outside store/ only the Chromium printer may touch files (the
# temporary HTML page it prints and the PDF it writes), and config may look at folders.
FILE_CALLS = re.compile(r"(?<![\w.])open\(|(?<!articles)\.read_text\(|\.read_bytes\(|\.write_text\(|\.write_bytes\(|"
                        r"\bpd\.read_csv\(|json\.load\(|\.to_csv\([^)]*(?:path|file|out)|read_feather|write_feather|"
                        r"\.iterdir\(|\.glob\(")
FILE_IO_ALLOWED = {"store", "export/render.py", "config.py"}


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def _allowed(rel: str, allowed: set[str]) -> bool:
    return rel in allowed or rel.split("/")[0] in allowed


def test_no_module_is_over_the_size_limit_and_each_says_what_it_owns():
    for path in MODULES:
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= MAX_LINES, f"{_rel(path)} has {lines} lines (limit {MAX_LINES})"
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and doc.strip(), f"{_rel(path)} has no docstring saying what it owns"


def test_only_store_opens_files():
    offenders = []
    for path in MODULES:
        rel = _rel(path)
        if _allowed(rel, FILE_IO_ALLOWED):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if FILE_CALLS.search(code):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, "file I/O outside incidents/store/:\n" + "\n".join(offenders)


def test_only_config_reads_the_environment():
    offenders = []
    for path in MODULES:
        if _rel(path) == "config.py":
            continue
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(r"os\.environ|os\.getenv|getenv\(", line.split("#", 1)[0]):
                offenders.append(f"{_rel(path)}:{n}: {line.strip()}")
    assert not offenders, "environment read outside incidents/config.py:\n" + "\n".join(offenders)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every incidents.* module this file imports, at module level or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("incidents")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("incidents"):
                continue
            out.add(mod)
            for a in node.names:  # `from . import x` imports the submodule x
                out.add(f"{mod}.{a.name}")
    known = {_module_name(p) for p in MODULES}
    resolved = set()
    for m in out:
        while m and m not in known:
            m = m.rsplit(".", 1)[0] if "." in m else ""
        if m and m != name:
            resolved.add(m)
    return resolved


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in MODULES}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _without_package_faces(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's __init__ that only re-exports its own submodules is not a dependency of them:
    a submodule importing a sibling through the package face would otherwise look like a circle."""
    return {m: {d for d in deps if not (m.startswith(d + ".") and d in graph)} for m, deps in graph.items()}


def test_no_import_circle_between_modules():
    cycle = _cycle(_without_package_faces(_graph()))
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_the_circle_check_can_fail():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_extraction_never_imports_the_scorer():
    graph = _graph()
    for module, deps in graph.items():
        if module.startswith("incidents.extract"):
            assert "incidents.evaluate" not in deps, module


@pytest.mark.parametrize("layer, forbidden", [
    ("incidents.store", ("incidents.check", "incidents.dataset", "incidents.view", "incidents.charts",
                         "incidents.export", "incidents.curate", "incidents.extract", "incidents.cli")),
    ("incidents.charts", ("incidents.store.files", "incidents.store.transaction", "incidents.curate",
                          "incidents.export", "incidents.cli")),
    ("incidents.view", ("incidents.export", "incidents.curate", "incidents.cli")),
    # the query layer's SQL is text only: no engine, no store, no pandas-side code
    ("incidents.view.sql", ("incidents.store", "incidents.view.index", "incidents.view.views", "incidents.dataset")),
    ("incidents.check", ("incidents.view", "incidents.charts", "incidents.export", "incidents.curate",
                         "incidents.extract", "incidents.cli")),
])
def test_layers_point_one_way(layer, forbidden):
    for module, deps in _graph().items():
        if module == layer or module.startswith(layer + "."):
            bad = sorted(d for d in deps if any(d == f or d.startswith(f + ".") for f in forbidden))
            assert not bad, f"{module} imports {bad}"


def test_importing_the_package_is_cheap():
    import subprocess
    import sys

    code = "import sys, incidents, incidents.cli; print(sorted(m for m in ('pandas', 'pandera', 'shapely', 'plotly') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]", f"`import incidents` loads {out.stdout.strip()}"
