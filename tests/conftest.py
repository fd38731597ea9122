from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from indicators.build import build_database
from indicators.catalog import Catalog, load_catalog
from indicators.store import Store

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def _built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.duckdb"
    build_database(Store(path))
    return path


@pytest.fixture
def store(_built_db: Path, tmp_path: Path) -> Store:
    """A fresh copy of the database built from data/ (catalog + published figures)."""
    path = tmp_path / "indicators.duckdb"
    shutil.copy(_built_db, path)
    return Store(path)


@pytest.fixture
def empty_store(tmp_path: Path) -> Store:
    """Catalog only, no actuals: what a new install looks like before any figure."""
    s = Store(tmp_path / "empty.duckdb")
    build_database(s, actuals_dir=tmp_path / "no-actuals")
    return s
