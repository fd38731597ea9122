"""Command-line commands; see ``indicators.commands.cli``."""

from __future__ import annotations

import argparse
import getpass


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        metavar="PATH_OR_URL",
        help="DuckDB file or postgresql://user@host:port/dbname URL "
        "(default: $INDICATORS_DB or data/indicators.duckdb)",
    )


def cli_user(given: str | None = None) -> str:
    """Who a command acts as: the name given, else ``cli:`` and the operating-system user."""
    return given or f"cli:{getpass.getuser()}"
