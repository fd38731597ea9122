"""copy-store, backup and restore: whole stores between backends, and to and from Parquet."""

from __future__ import annotations

import argparse
from pathlib import Path

from indicators.commands import add_db_option, cli_user
from indicators.store import SCHEMA_VERSION, Store
from indicators.store.transfer import Moved, backup, copy_store, restore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("copy-store", help="copy a whole store (DuckDB <-> PostgreSQL)")
    p.add_argument("--from", dest="source", required=True, metavar="PATH_OR_URL")
    p.add_argument("--to", dest="target", required=True, metavar="PATH_OR_URL")
    p.add_argument(
        "--replace", action="store_true", help="overwrite a target that already holds uploads"
    )
    p.set_defaults(func=cmd_copy_store)

    p = sub.add_parser("backup", help="write every table as Parquet plus a manifest")
    p.add_argument("out", type=Path, help="a new (or empty) folder")
    add_db_option(p)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="load a backup folder into a store")
    p.add_argument("folder", type=Path)
    add_db_option(p)
    p.add_argument(
        "--replace", action="store_true", help="overwrite a store that already holds uploads"
    )
    p.add_argument(
        "--accept-broken-audit",
        metavar="REASON",
        help="restore a backup whose audit log does not verify; the reason is logged",
    )
    p.add_argument("--user", help="who restores (default: cli:<operating-system user>)")
    p.set_defaults(func=cmd_restore)


def _report(moved: Moved, what: str) -> int:
    print(f"{what}: " + ", ".join(f"{t} {n}" for t, n in moved.counts.items()))
    print(f"content sha256 source {moved.source_hash}")
    print(f"content sha256 target {moved.target_hash}")
    if not moved.ok:
        print("error: the target's content differs from the source", flush=True)
        return 1
    print("verified: same rows, same content")
    return 0


def cmd_copy_store(args: argparse.Namespace) -> int:
    source, target = Store(args.source), Store(args.target)
    moved = copy_store(source, target, replace=args.replace, user=cli_user())
    return _report(moved, f"copied {source.label} -> {target.label}")


def cmd_backup(args: argparse.Namespace) -> int:
    store = Store(args.db)
    manifest = backup(store, args.out)
    tables = manifest["tables"]
    assert isinstance(tables, dict)
    print(
        f"backed up {store.label} to {args.out}: "
        + ", ".join(f"{t} {e['rows']}" for t, e in tables.items())
    )
    print(f"content sha256 {manifest['content_sha256']}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    store = Store(args.db)
    moved = restore(
        args.folder,
        store,
        replace=args.replace,
        user=cli_user(args.user),
        accept_broken_audit=args.accept_broken_audit,
    )
    if moved.ok and moved.schema_version < SCHEMA_VERSION:
        from indicators.commands.build import refresh_catalog

        refresh_catalog(store)
    return _report(moved, f"restored {args.folder} into {store.label}")
