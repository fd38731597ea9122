"""`python -m indicators COMMAND`: each command lives in a module of ``indicators.commands``
with a ``register(subparsers)`` function, so adding a command touches one list only.
Exit codes: 0 done, 1 refused (bad input, busy, damaged or read-only database, full disk),
2 usage error, 3 a fault of ours (a bug): one line, the traceback only with INDICATORS_DEBUG=1.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

# Which module registers each command: a command imports its own module only, so `ingest`
# never loads plotly, reportlab or python-pptx (tests/test_cli.py checks this list). The
# order is --help's.
COMMANDS = {
    "init-db": "indicators.commands.db",
    "status": "indicators.commands.db",
    "ingest": "indicators.commands.ingest",
    "undo": "indicators.commands.ingest",
    "uploads": "indicators.commands.ingest",
    "add-planner": "indicators.commands.planners",
    "ensure-planner": "indicators.commands.planners",
    "review": "indicators.commands.review",
    "audit": "indicators.commands.review",
    "export-figure": "indicators.commands.export",
    "export-pack": "indicators.commands.export",
    "copy-store": "indicators.commands.transfer",
    "backup": "indicators.commands.transfer",
    "restore": "indicators.commands.transfer",
    "publish-site": "indicators.commands.site",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser, or only the module of `command` when it is a known one."""
    parser = argparse.ArgumentParser(
        prog="python -m indicators",
        description="Track the targets of Guofa 2017 No. 40 and Guofa 2015 No. 40.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in (COMMANDS[command],) if command in COMMANDS else COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    try:
        _audit_as_os_user(True)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted: nothing more was done", file=sys.stderr)
        return 130
    except Exception as exc:
        # Imported only now: a command starts without the database driver (see COMMANDS),
        # and a StoreError was raised from an imported store.
        from indicators.base.catalog import CatalogError
        from indicators.store import StoreError

        # A catalog or shipped data file an editor broke: its own message names the place.
        if isinstance(exc, StoreError | CatalogError):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if os.environ.get("INDICATORS_DEBUG"):
            traceback.print_exc()
        first = (str(exc).splitlines() or [""])[0][:200]
        print(
            f"internal error ({type(exc).__name__}: {first}); this is a bug, not your input. "
            "Run again with INDICATORS_DEBUG=1 for the details.",
            file=sys.stderr,
        )
        return INTERNAL_ERROR
    finally:
        _audit_as_os_user(False)  # main() is also called in-process (tests)


INTERNAL_ERROR = 3


def _audit_as_os_user(on: bool) -> None:
    """Every entry a command writes names the operating-system user beside --user, which
    anyone may type (imported only when a command runs: --help loads no database)."""
    import getpass

    from indicators.store.audit import set_process_client

    set_process_client(f"os:{getpass.getuser()}" if on else None)
