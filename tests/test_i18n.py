"""Language strings both ways: every label is used somewhere, every label used exists.

Read from the source with ``ast``, across every module of the app (indicators/, pages/,
dashboard.py, serve.py). A key counts as used when it appears as a string anywhere, or when
an f-string starts with its prefix (``f"status.{s}"`` uses every ``status.*`` key).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from indicators.base.i18n import ONE, _, labels
from tests.support import ROOT

SOURCES = sorted(
    [
        *ROOT.glob("indicators/**/*.py"),
        *ROOT.glob("pages/**/*.py"),
        *ROOT.glob("ui/**/*.py"),
        ROOT / "dashboard.py",
        ROOT / "serve.py",
    ]
)


@cache
def _trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in SOURCES}


def _strings(tree: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _prefixes(tree: ast.AST) -> set[str]:
    """Constant heads of f-strings that look like a key's start (``"status."``)."""
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.JoinedStr) and n.values and isinstance(n.values[0], ast.Constant):
            head = n.values[0].value
            if isinstance(head, str) and head.endswith(".") and " " not in head:
                out.add(head)
    return out


def _label_calls(tree: ast.AST) -> list[ast.expr]:
    """The first argument of every ``_(...)`` call."""
    return [
        n.args[0]
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" and n.args
    ]


def _keys_in(arg: ast.expr) -> tuple[set[str], set[str]]:
    """Literal keys and f-string prefixes an argument of ``_()`` can take.

    ``_("a" if x else "b")`` and ``_({"code": "key"}.get(c, "key"))`` name keys too.
    """
    # Not a dictionary's own keys (codes, not labels), nor the pieces of an f-string,
    skip = {id(k) for n in ast.walk(arg) if isinstance(n, ast.Dict) for k in n.keys}
    skip |= {id(v) for n in ast.walk(arg) if isinstance(n, ast.JoinedStr) for v in ast.walk(n)}
    # nor what a conditional compares with: `_("a" if kind == "undo" else "b")`
    skip |= {id(c) for n in ast.walk(arg) if isinstance(n, ast.IfExp) for c in ast.walk(n.test)}
    literal = {
        n.value
        for n in ast.walk(arg)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
    }
    return literal, _prefixes(arg)


def test_the_sources_are_found():
    names = {p.name for p in SOURCES}
    assert {"dashboard.py", "trajectory.py", "pack_pdf.py", "upload.py", "display.py"} <= names


def test_every_label_is_used_somewhere():
    trees = _trees()
    strings = set().union(*(_strings(t) for t in trees.values()))
    prefixes = set().union(*(_prefixes(t) for t in trees.values()))
    unused = sorted(
        k
        for k in labels()
        # a ".one" twin is used wherever its key is (i18n._ picks it for n=1)
        if (base := k.removesuffix(ONE)) not in strings
        and not any(base.startswith(p) for p in prefixes)
    )
    assert not unused, f"labels no module uses (delete them): {unused}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_label_a_module_asks_for_exists(path):
    table = labels()
    for arg in _label_calls(_trees()[path]):
        literal, prefixes = _keys_in(arg)
        for key in literal:
            assert key in table, f"{path.relative_to(ROOT)} line {arg.lineno}: no label {key!r}"
        for prefix in prefixes:
            assert any(k.startswith(prefix) for k in table), (
                f"{path.relative_to(ROOT)} line {arg.lineno}: no label starts {prefix!r}"
            )


def test_every_label_has_both_languages():
    empty = sorted(k for k, v in labels().items() if not (v["zh"].strip() and v["en"].strip()))
    assert not empty, f"labels missing a language: {empty}"


def test_a_count_of_one_reads_in_the_singular_in_english_and_unchanged_in_chinese():
    from indicators.domain.wording import amount_text, value_with_unit

    assert _("views.tasks.count", "en", n=1) == "1 task"
    assert _("views.tasks.count", "en", n=2) == "2 tasks"
    assert _("views.tasks.count", "zh", n=1) == "共 1 项任务"
    assert amount_text(-1.0, "%", "en") == "1 percentage point"
    assert amount_text(1.004, "%", "en") == "1 percentage point"  # written as 1
    assert amount_text(0.57, "%", "en") == "0.57 percentage points"
    assert amount_text(1.0, "%", "zh") == "1 个百分点"
    assert value_with_unit(1, "个", "en") == "1 project"
    assert value_with_unit(100, "个", "en") == "100 projects"
    assert value_with_unit(1, "个", "zh") == "1 个"


def test_every_label_file_parses_to_exactly_its_three_columns() -> None:
    """roles.csv had a Chinese label with an unquoted comma: its English column held the
    rest of the Chinese, so an English page showed '不能由您撤销'."""
    import csv

    for path in sorted((ROOT / "indicators" / "base" / "i18n").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == ["key", "zh", "en"], path.name
        bad = [n for n, row in enumerate(rows, start=1) if len(row) != 3]
        assert not bad, (path.name, bad)
    assert _("history.undo_outside_regions", "en").startswith("This upload holds figures")
