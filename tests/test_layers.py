"""The one-way flow data/ -> indicators/ -> pages/, kept by tools: ruff's banned imports
and an import graph with no circles."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

PACKAGE = ROOT / "indicators"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Modules of indicators/ that ``path`` imports anywhere (top level or in a function)."""
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != here:
                out.add(name)
    return out


def import_graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    graph = {_module_name(f): _imports(f, modules) for f in files}
    # A package's __init__ importing its own modules is how packages work, not a circle.
    return {m: {d for d in deps if not d.startswith(m + ".")} for m, deps in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                found.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_indicators_has_no_import_circles():
    assert cycles(import_graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def _ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_tree_keeps_its_layers():
    result = _ruff("--select", "TID251", ".", cwd=ROOT)
    assert result.returncode == 0, result.stdout


def test_ruff_refuses_streamlit_in_the_core_and_a_driver_in_the_pages(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "indicators").mkdir()
    (tmp_path / "pages").mkdir()
    shutil.copy(ROOT / "pages" / "ruff.toml", tmp_path / "pages" / "ruff.toml")
    (tmp_path / "indicators" / "bad.py").write_text("import streamlit as st\n\nst.write(1)\n")
    (tmp_path / "pages" / "bad.py").write_text(
        "import duckdb\nimport streamlit as st\n\nst.write(duckdb.sql('select 1'))\n"
    )
    result = _ruff("--select", "TID251", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "indicators/bad.py" in result.stdout and "`streamlit` is banned" in result.stdout
    assert "`duckdb` is banned" in result.stdout
    assert "pages/bad.py:2" not in result.stdout  # streamlit is fine in pages/
