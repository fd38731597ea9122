from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from streamlit.testing.v1 import AppTest

from indicators.base.catalog import Catalog, load_catalog
from indicators.commands.build import build_database
from indicators.store import Store
from indicators.store.engines import dispose
from tests.pgserver import PgServer, start_server, stop_server
from tests.support import StartDashboard

# Tiers (unit / browser / serial), applied from what each test uses: see tests/tiers.py.
pytest_plugins = ["tests.tiers"]

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 23)
BACKENDS = ("duckdb", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module that sets BOTH_BACKENDS = True runs each of its store tests on DuckDB and
    on PostgreSQL; every other module stays on DuckDB."""
    if "backend" in metafunc.fixturenames and getattr(metafunc.module, "BOTH_BACKENDS", False):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "duckdb")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def _built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.duckdb"
    build_database(Store(path))
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real throwaway PostgreSQL server for the whole session. Under CI it must start;
    elsewhere a machine without PostgreSQL skips the PostgreSQL half of the tests."""
    try:
        server = start_server()
    except RuntimeError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no PostgreSQL server: {exc}")
    try:
        yield server
    finally:
        stop_server(server)


_db_numbers = itertools.count(1)


def _admin(server: PgServer, sql: str) -> None:
    with psycopg.connect(server.url(), autocommit=True) as con:
        con.execute(sql)


@pytest.fixture(scope="session")
def _built_pg(pg_server: PgServer) -> str:
    """Built once; each test gets a copy (CREATE DATABASE … TEMPLATE, a file copy)."""
    _admin(pg_server, "CREATE DATABASE built")
    url = pg_server.url("built")
    build_database(Store(url))
    dispose(url)  # a template must have no open connections
    return "built"


def new_pg_store(server: PgServer, template: str | None) -> Store:
    name = f"t{next(_db_numbers)}"
    _admin(server, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return Store(server.url(name))


def drop_pg_store(server: PgServer, store: Store) -> None:
    dispose(store.location)
    name = store.location.rsplit("/", 1)[1]
    _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the database built from data/ (catalog + published figures)."""
    if backend == "duckdb":
        path = tmp_path / "indicators.duckdb"
        shutil.copy(request.getfixturevalue("_built_db"), path)
        yield Store(path)
        return
    server = request.getfixturevalue("pg_server")
    s = new_pg_store(server, request.getfixturevalue("_built_pg"))
    yield s
    drop_pg_store(server, s)


@pytest.fixture
def empty_store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Catalog only, no actuals: what a new install looks like before any figure."""
    if backend == "duckdb":
        s = Store(tmp_path / "empty.duckdb")
        build_database(s, actuals_dir=tmp_path / "no-actuals")
        yield s
        return
    server = request.getfixturevalue("pg_server")
    s = new_pg_store(server, None)
    build_database(s, actuals_dir=tmp_path / "no-actuals")
    yield s
    drop_pg_store(server, s)


@pytest.fixture
def blank_location(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a new store can go: a DuckDB path not yet created, or an empty database."""
    if backend == "duckdb":
        yield str(tmp_path / "new.duckdb")
        return
    server = request.getfixturevalue("pg_server")
    s = new_pg_store(server, None)
    yield s.location
    drop_pg_store(server, s)


@pytest.fixture
def dashboard(monkeypatch: pytest.MonkeyPatch) -> StartDashboard:
    """Start the whole app (dashboard.py) in Streamlit's AppTest on a given store.

    ``dashboard(store.path, lang="en", years="2015-2020")`` runs it once and returns it;
    ``run=False`` returns it unrun (to switch page first); ``lang=None`` leaves the
    language to the app's default.
    """

    def start(
        db: Path | str,
        *,
        lang: str | None = "zh",
        run: bool = True,
        timeout: float = 60,
        **params: str,
    ) -> AppTest:
        monkeypatch.setenv("INDICATORS_DB", str(db))
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
        at.query_params.update({**({"lang": lang} if lang else {}), **params})
        return at.run() if run else at

    return start
