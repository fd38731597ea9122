"""add-planner and ensure-planner: the accounts allowed to write."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from ..auth import FIRST_PLANNER, Accounts, AuthError, ensure_first_planner


def _add_planners_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--planners", type=Path, default=None,
                   help="accounts file (default: $INDICATORS_PLANNERS or data/planners.toml)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("add-planner", help="create a planner account (prompts for a password)")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")
    p.add_argument("--replace", action="store_true", help="set a new password for NAME")
    _add_planners_option(p)
    p.set_defaults(func=cmd_add_planner)

    p = sub.add_parser("ensure-planner",
                       help=f"create the account {FIRST_PLANNER!r} if there is no account yet")
    _add_planners_option(p)
    p.set_defaults(func=cmd_ensure_planner)


def cmd_add_planner(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 1
    accounts = Accounts(args.planners)
    try:
        accounts.add(args.name, password, replace=args.replace)
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"planner {args.name!r} saved in {accounts.path}")
    return 0


def cmd_ensure_planner(args: argparse.Namespace) -> int:
    accounts = Accounts(args.planners)
    password = ensure_first_planner(accounts)
    if password is None:
        return 0
    # Shown once, like a notebook server's token; only its hash is kept.
    print("=" * 64)
    print(f"  created planner account {FIRST_PLANNER!r} in {accounts.path}")
    print(f"  password: {password}")
    print("  (shown once; change it with: python -m indicators add-planner "
          f"{FIRST_PLANNER} --replace)")
    print("=" * 64)
    return 0
