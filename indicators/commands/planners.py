"""add-planner and ensure-planner: the accounts allowed to write, review and manage."""

from __future__ import annotations

import argparse
import getpass
import sys

from indicators.commands import add_db_option, cli_user
from indicators.domain.auth import FIRST_ADMIN, ROLES, Accounts, AuthError, ensure_first_admin
from indicators.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "add-planner", help="create an account (planner, reviewer or admin); prompts for a password"
    )
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, default="planner")
    p.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="CODE",
        help="GB/T 2260 code the account may write (repeat; default national)",
    )
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    p.add_argument(
        "--replace", action="store_true", help="set a new password, role and regions for NAME"
    )
    add_db_option(p)
    p.set_defaults(func=cmd_add_planner)

    p = sub.add_parser(
        "ensure-planner", help=f"create the admin account {FIRST_ADMIN!r} if there is no account"
    )
    add_db_option(p)
    p.set_defaults(func=cmd_ensure_planner)


def cmd_add_planner(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 1
    accounts = Accounts(Store(args.db))
    try:
        account = accounts.add(
            args.name,
            password,
            role=args.role,
            regions=args.region,
            replace=args.replace,
            by=cli_user(),
        )
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"{account.role} {account.name!r} (regions {', '.join(account.regions)}) saved in "
        f"{accounts.store.label}"
    )
    return 0


def cmd_ensure_planner(args: argparse.Namespace) -> int:
    accounts = Accounts(Store(args.db))
    password = ensure_first_admin(accounts)
    if password is None:
        return 0
    # Shown once, like a notebook server's token; only its hash is kept.
    print("=" * 64)
    print(f"  created admin account {FIRST_ADMIN!r} in {accounts.store.label}")
    print(f"  password: {password}")
    print(
        "  (shown once; change it with: python -m indicators add-planner "
        f"{FIRST_ADMIN} --role admin --replace)"
    )
    print("=" * 64)
    return 0
