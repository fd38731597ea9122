"""Test tiers, derived from what each test uses so a new test lands in its tier unmarked.

- ``unit``: pure (no database file or server, no app, no subprocess, no browser). Applied
  here to every test that uses none of ``NOT_UNIT_FIXTURES``, whose module imports none of
  ``NOT_UNIT_NAMES`` and that carries no ``browser``/``serial``/``integration`` mark.
  ``make test-unit`` runs them.
- ``browser``: needs Debian's chromium (Playwright, or kaleido's static export). Applied to a
  test whose own code names one of ``PLAYWRIGHT_NAMES``, and to every test of a module that
  imports one of ``KALEIDO_NAMES`` (its helpers export figures); left out of ``make test-fast``.
- ``serial``: set by hand on a test that must not share the machine (kill and timing tests,
  two servers at once); ``make test`` runs it after the parallel run.

Rules by name could drift from what a test really does, so the classification is checked
while the tests run, in every tier: a ``unit`` test that starts a process, opens a network
connection or runs the app, and a test not marked ``browser`` that renders through
chromium (kaleido, or ``tests.support.browser_page``), fail with a message saying which mark
to add. A misfiled test therefore breaks the run instead of slowing the unit tier or failing
only on a machine without chromium.
"""

from __future__ import annotations

import inspect
import re
import socket
import subprocess
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests import support

# Fixtures (anywhere in a test's fixture closure) that build or serve a database or the app.
NOT_UNIT_FIXTURES = frozenset(
    {"store", "empty_store", "blank_location", "_built_db", "_built_pg", "pg_server", "dashboard"}
)
# Names whose import into a test module says its tests start processes or run the app.
NOT_UNIT_NAMES = frozenset({"subprocess", "AppTest", "PgServer", "start_server", "serve_app"})
# Names that, in a test's own code, say it drives chromium through Playwright.
PLAYWRIGHT_NAMES = re.compile(r"\b(browser_page|sync_playwright)\b")
# Names, or modules of names, whose import into a test module says its tests export figures
# through kaleido and chromium (often from the module's helpers, not the test's own code).
KALEIDO_NAMES = frozenset({"figure_bytes"})
KALEIDO_MODULES = ("indicators.export.static",)

MARKERS = (
    "unit: pure test, no database/app/process/browser (applied by tests/tiers.py)",
    "browser: needs Debian's chromium: Playwright or a kaleido export (applied by tests/tiers.py)",
    "serial: must not run beside other tests (kills, timings, two servers); run alone",
    "integration: not pure though no fixture shows it (a helper starts a process)",
)


class TierError(AssertionError):
    pass


def _imports_any(
    module: ModuleType | None, names: frozenset[str], prefixes: tuple[str, ...]
) -> bool:
    if module is None:
        return False
    for name, value in vars(module).items():
        if name in names:
            return True
        origin = getattr(value, "__module__", None) or getattr(value, "__name__", None)
        if isinstance(origin, str) and origin.startswith(prefixes):
            return True
    return False


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)


def _drives_a_browser(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    try:
        return function is not None and bool(PLAYWRIGHT_NAMES.search(inspect.getsource(function)))
    except (OSError, TypeError):
        return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        if _drives_a_browser(item) or _imports_any(module, KALEIDO_NAMES, KALEIDO_MODULES):
            item.add_marker(pytest.mark.browser)
        marked = {m.name for m in item.iter_markers()}
        fixtures = set(getattr(item, "fixturenames", ()))
        if (
            marked.isdisjoint({"browser", "serial", "integration"})
            and fixtures.isdisjoint(NOT_UNIT_FIXTURES)
            and not _imports_any(module, NOT_UNIT_NAMES, ())
        ):
            item.add_marker(pytest.mark.unit)


def _refuse(what: str, mark: str) -> Any:
    def refuse(*args: object, **kwargs: object) -> Any:
        raise TierError(
            f"this test {what}, which its tier does not allow: mark it "
            f"@pytest.mark.{mark} (or pytestmark = pytest.mark.{mark} for the module); "
            "the tier rules are in tests/tiers.py"
        )

    return refuse


@pytest.fixture(autouse=True)
def _tier_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hold each test to its tier (see the module docstring)."""
    node = request.node
    if node.get_closest_marker("unit") is not None:
        monkeypatch.setattr(
            subprocess.Popen, "_execute_child", _refuse("started a process", "integration")
        )
        monkeypatch.setattr(
            socket.socket, "connect", _refuse("opened a network connection", "integration")
        )
        from streamlit.testing.v1 import AppTest

        monkeypatch.setattr(AppTest, "_run", _refuse("ran the app in AppTest", "integration"))
    if node.get_closest_marker("browser") is None:
        import kaleido

        for name in ("start_sync_server", "calc_fig_sync"):
            monkeypatch.setattr(kaleido, name, _refuse("rendered through chromium", "browser"))
        monkeypatch.setattr(support, "BROWSER_REFUSED", _refuse("opened chromium", "browser"))
    yield
