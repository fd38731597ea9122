"""Two app replicas on one PostgreSQL store: a commit made through the command line shows on
the second replica at its next page load, with no restart."""

from __future__ import annotations

import subprocess
import sys

import pytest

from indicators.store import Store
from tests.conftest import drop_pg_store, new_pg_store
from tests.pgserver import PgServer
from tests.support import ROOT, browser_page, screenshot, serve_app, wait_for_app

# Two app servers and a PostgreSQL store at once: heavy enough to starve a test beside it.
pytestmark = [pytest.mark.browser, pytest.mark.serial]


def _as_of(page: object) -> str:
    return page.get_by_text("Data as of").first.inner_text()


def test_a_cli_commit_shows_on_the_second_replica_without_a_restart(
    pg_server: PgServer,
    request: pytest.FixtureRequest,
    tmp_path,
) -> None:
    store: Store = new_pg_store(pg_server, request.getfixturevalue("_built_pg"))
    try:
        with (
            serve_app(store.location) as one,
            serve_app(store.location) as two,
            browser_page() as page,
        ):
            page.goto(f"{one}/?lang=en")
            wait_for_app(page)
            assert "Data as of 2021" in _as_of(page)
            page.goto(f"{two}/?lang=en")
            wait_for_app(page)
            assert "Data as of 2021" in _as_of(page)

            csv = tmp_path / "new.csv"
            csv.write_text(
                "indicator,region,period,value\ninfo_consumption_scale,000000,2023,7.6\n",
                encoding="utf-8",
            )
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "indicators",
                    "ingest",
                    str(csv),
                    "--db",
                    store.location,
                    "--user",
                    "planner-a",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, done.stderr

            page.reload()
            wait_for_app(page)
            assert "Data as of 2023" in _as_of(page)
            screenshot(page, "replica-two-after-cli-commit")
            page.goto(f"{one}/?lang=en")
            wait_for_app(page)
            assert "Data as of 2023" in _as_of(page)
    finally:
        drop_pg_store(pg_server, store)
