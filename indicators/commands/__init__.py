"""Command-line commands; see ``indicators.cli``."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None,
        help="DuckDB file (default: $INDICATORS_DB or data/indicators.duckdb)",
    )
