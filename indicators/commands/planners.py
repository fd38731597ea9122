"""add-planner and ensure-planner: the accounts allowed to write, review and manage."""

from __future__ import annotations

import argparse
import getpass
import sys

from indicators.commands import add_db_option, cli_user
from indicators.domain.auth import (
    FIRST_ADMIN,
    ROLES,
    Accounts,
    AuthError,
    ensure_first_admin,
    random_password,
)
from indicators.domain.signin import link_identity
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
    p.add_argument(
        "--oidc-subject",
        metavar="SUB",
        help="single sign-on: the identity provider's subject that signs in as NAME",
    )
    p.add_argument(
        "--email",
        metavar="ADDRESS",
        help="single sign-on: the provider-verified e-mail address that signs in as NAME",
    )
    add_db_option(p)
    p.set_defaults(func=cmd_add_planner)

    p = sub.add_parser(
        "ensure-planner", help=f"create the admin account {FIRST_ADMIN!r} if there is no account"
    )
    add_db_option(p)
    p.set_defaults(func=cmd_ensure_planner)


def cmd_add_planner(args: argparse.Namespace) -> int:
    sso = [(k, v) for k, v in (("subject", args.oidc_subject), ("email", args.email)) if v]
    accounts = Accounts(Store(args.db))
    if sso and not args.replace and accounts.get(args.name) is not None:
        return _link(accounts, args.name, sso)  # an existing account, now also by SSO
    if sso and not args.password_stdin:
        # Signs in through the identity provider only: a password nobody knows.
        return _add(accounts, args, random_password(), sso)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 1
    return _add(accounts, args, password, sso)


def _add(
    accounts: Accounts, args: argparse.Namespace, password: str, sso: list[tuple[str, str]]
) -> int:
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
    return _link(accounts, account.name, sso) if sso else 0


def _link(accounts: Accounts, name: str, sso: list[tuple[str, str]]) -> int:
    try:
        for kind, value in sso:
            kept = link_identity(accounts, name, kind, value, by=cli_user())  # type: ignore[arg-type]
            print(f"single sign-on: {kind} {kept!r} signs in as {name!r}")
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
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
