"""The one-way flow data/ -> indicators/ -> ui/ -> pages/, kept by tools: import-linter's
layers and no-circles contracts (pyproject.toml) and ruff's banned imports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False
    )


def _copy_tree(tmp_path: Path) -> Path:
    for name in ("indicators", "ui", "pages"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_its_import_contracts():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_the_contracts_refuse_an_arrow_up_and_a_circle(tmp_path):
    tree = _copy_tree(tmp_path)
    (tree / "indicators" / "base" / "up.py").write_text("import indicators.domain.metrics\n")
    session = tree / "ui" / "session.py"
    session.write_text(session.read_text() + "\nimport ui.common  # noqa\n")
    result = _lint_imports(tree)
    assert result.returncode == 1
    assert "indicators.base is not allowed to import indicators.domain" in result.stdout
    assert "No cycles are allowed in ui." in result.stdout


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
