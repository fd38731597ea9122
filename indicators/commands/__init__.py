"""Command-line commands; see ``indicators.cli``."""

from __future__ import annotations

import argparse


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        metavar="PATH_OR_URL",
        help="DuckDB file or postgresql://user@host:port/dbname URL "
        "(default: $INDICATORS_DB or data/indicators.duckdb)",
    )
