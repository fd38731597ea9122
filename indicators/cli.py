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

from .store import StoreError

COMMAND_MODULES = (
    "indicators.commands.db",
    "indicators.commands.ingest",
    "indicators.commands.planners",
    "indicators.commands.review",
    "indicators.commands.export",
    "indicators.commands.transfer",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m indicators",
        description="Track the targets of Guofa 2017 No. 40 and Guofa 2015 No. 40.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing more was done", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("INDICATORS_DEBUG"):
            traceback.print_exc()
        first = (str(exc).splitlines() or [""])[0][:200]
        print(f"internal error ({type(exc).__name__}: {first}); this is a bug, not your input. "
              "Run again with INDICATORS_DEBUG=1 for the details.", file=sys.stderr)
        return INTERNAL_ERROR


INTERNAL_ERROR = 3
