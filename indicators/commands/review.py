"""review list|approve|reject|mode, and audit: the review step and its record."""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from indicators.commands import add_db_option, cli_user
from indicators.commands.site import rebuild_site_after
from indicators.domain.review import ReviewRefused, decide
from indicators.domain.review_policy import review_mode
from indicators.export.data import inert_frame
from indicators.ingest.report import format_table
from indicators.store import Store

REVIEW_COLUMNS = (
    "id",
    "kind",
    "file_name",
    "user_name",
    "created_at",
    "rows_total",
    "rows_new",
    "rows_changed",
    "undoes",
    "note",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help="list, approve or reject submitted uploads")
    rsub = p.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    q = rsub.add_parser("list", help="uploads waiting for review")
    q.add_argument("--json", action="store_true")
    add_db_option(q)
    q.set_defaults(func=cmd_list)
    for action in ("approve", "reject"):
        q = rsub.add_parser(action, help=f"{action} a submitted upload")
        q.add_argument("upload_id", type=int, metavar="ID")
        q.add_argument("--user", required=True, help="the reviewer's account name")
        q.add_argument("--reason", required=action == "reject", help="why (the planner sees it)")
        add_db_option(q)
        q.set_defaults(func=cmd_decide, approve=action == "approve")
    q = rsub.add_parser(
        "mode", help="show or set review: on, off, or auto (on when more than one account exists)"
    )
    q.add_argument("mode", nargs="?", choices=("on", "off", "auto"))
    add_db_option(q)
    q.set_defaults(func=cmd_mode)

    p = sub.add_parser("audit", help="print the audit log (newest first) as CSV")
    add_db_option(p)
    p.add_argument(
        "--verify",
        action="store_true",
        help="check every entry's hash chain instead; exit 1 naming the first broken entry",
    )
    p.set_defaults(func=cmd_audit)


def cmd_list(args: argparse.Namespace) -> int:
    ups = Store(args.db).submitted_uploads()
    records = [{c: getattr(u, c) for c in REVIEW_COLUMNS} for u in ups]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1, default=str))
    elif records:
        print(format_table(pd.DataFrame(records).astype(str)))
    else:
        print("no upload is waiting for review")
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    store = Store(args.db)
    try:
        up = decide(store, args.upload_id, args.user, approve=args.approve, reason=args.reason)
    except ReviewRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    print(f"upload {up.id} {up.state} by {up.reviewer}")
    rebuild_site_after(store, up)
    return 0


def cmd_mode(args: argparse.Namespace) -> int:
    store = Store(args.db)
    if args.mode:
        store.set_review_mode(args.mode, user=cli_user())
    setting, on = review_mode(store)
    print(f"review {setting} ({'on' if on else 'off'} now)")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    if args.verify:
        entries, head, broken = Store(args.db).audit_chain()
        if broken is not None:
            print(f"audit log broken at entry {broken[0]}: {broken[1]}", file=sys.stderr)
            return 1
        print(f"audit log verified: {entries} entries, newest hash {head or '-'}")
        return 0
    # Names come from strangers (a failed sign-in logs the name typed): no formula leaves.
    log = inert_frame(Store(args.db).audit_log())
    sys.stdout.write(log.to_csv(index=False))
    return 0
