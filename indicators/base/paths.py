"""Where the project's files live. The database (a DuckDB path or a PostgreSQL URL) can be
overridden with INDICATORS_DB."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
CATALOG_DIR = DATA_DIR / "catalog"
ACTUALS_DIR = DATA_DIR / "actuals"
SOURCES_DIR = DATA_DIR / "sources"


def default_db_path() -> Path:
    return Path(os.environ.get("INDICATORS_DB", DATA_DIR / "indicators.duckdb"))


def default_db_location() -> str:
    """$INDICATORS_DB as given (a DuckDB path or a postgresql:// URL), else the default file."""
    return os.environ.get("INDICATORS_DB") or str(DATA_DIR / "indicators.duckdb")
