"""ingest, undo, uploads: the planners' data entry for scripts.

`ingest` runs the same parsing, validation and preview as the upload page and commits in
one transaction. Exit 0: stored (or a clean dry run); 1: the file was rejected, was uploaded
before, or the database is busy; 2: usage (bad arguments, no such file).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indicators.base.i18n import LANGS, Lang
from indicators.commands import add_db_option, cli_user
from indicators.commands.site import rebuild_site_after
from indicators.domain.review_policy import submits_for_review

if TYPE_CHECKING:
    from indicators.base.catalog import Catalog
    from indicators.domain.auth import Account
    from indicators.ingest import Checked
    from indicators.store import Store, Upload

# The ingest machinery (pandas, pyarrow, DuckDB) is imported by the commands that run, not
# by `--help` or the parser: start-up is part of every scripted ingest.


def __getattr__(name: str) -> Any:
    # `Store` stays a name of this module (tests substitute it) but is imported on first use.
    if name == "Store":
        from indicators.store import Store

        globals()["Store"] = Store
        return Store
    raise AttributeError(name)


def _open(db: Path | None) -> Store:
    return sys.modules[__name__].Store(db)


SHOWN_CHANGES = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="validate a CSV/XLSX of actual figures and store it")
    p.add_argument("file", type=Path, help="CSV (UTF-8, GBK/GB18030; , tab ;) or XLSX")
    add_db_option(p)
    p.add_argument("--dry-run", action="store_true", help="validate and preview; store nothing")
    p.add_argument("--user", default=None, help="who is uploading (default: cli:$USER)")
    p.add_argument("--layout", choices=("auto", "long", "wide"), default="auto")
    p.add_argument(
        "--sheet",
        default=None,
        help="XLSX sheet (default: the first; '*': every sheet that can be read)",
    )
    p.add_argument("--encoding", default=None, help="CSV encoding (default: detect)")
    p.add_argument(
        "--region",
        default=None,
        help="region for a sheet with no region column (name or GB/T 2260 code)",
    )
    p.add_argument(
        "--indicator", default=None, help="indicator for a sheet with no indicator column"
    )
    p.add_argument(
        "--shares-as-fractions",
        action="store_true",
        help="confirm that shares are written as fractions (0.98 = 98 %%)",
    )
    p.add_argument(
        "--allow-duplicate",
        action="store_true",
        help="store a file even if the same file was uploaded before",
    )
    p.add_argument(
        "--max-mb",
        type=float,
        default=None,
        help="file size limit in MB (default $INDICATORS_MAX_UPLOAD_MB or 50)",
    )
    p.add_argument("--note", default=None, help="a note kept with the upload")
    p.add_argument("--lang", choices=LANGS, default="zh", help="language of the messages")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("undo", help="undo an upload: its figures are retired, old ones return")
    p.add_argument("upload_id", type=int)
    add_db_option(p)
    p.add_argument("--user", default=None, help="who is undoing (default: cli:$USER)")
    p.add_argument("--note", default=None)
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("uploads", help="list uploads, newest first")
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="one JSON object per upload")
    p.set_defaults(func=cmd_uploads)


def _describe(upload: Upload) -> str:
    return (
        f"upload {upload.id} ({upload.file_name or upload.kind}, "
        f"{upload.created_at:%Y-%m-%d %H:%M}, {upload.user_name})"
    )


def uploader(store: Store, given: str | None) -> tuple[str, Account | None] | None:
    """Who the command line writes as. With review on, NAME must be an account that may
    upload; with review off it runs with the server owner's rights, whatever NAME is (a known
    account keeps its regions). None: refused, the reason printed."""
    from indicators.domain.auth import Accounts

    user = cli_user(given)
    account = Accounts(store).get(user)
    if submits_for_review(store) and (account is None or not account.may_upload):
        print(
            f"refused: review is on, so --user must name an enabled planner or admin "
            f"account; {user!r} is not one",
            file=sys.stderr,
        )
        return None
    return user, account


def _print_reading(name: str, checked: Checked, catalog: Catalog, lang: Lang) -> None:
    """How the file was read: format, encoding or sheet, layout; for a yearbook-shaped sheet
    its header row, unit, and the rows set aside and why."""
    from indicators.ingest.display import ignored_table, read_details
    from indicators.ingest.report import format_table

    info = checked.info
    if info is not None:
        how = "detected" if info.encoding_detected else "chosen"
        detail = (
            f"encoding {info.encoding} ({how}), delimiter {info.delimiter}"
            if info.format == "csv"
            else f"sheet {info.sheet!r} of {list(info.sheets)}"
        )
        print(f"{name}: {info.format}, {detail}, layout {checked.layout or '?'}")
    for line in read_details(checked, catalog, lang):
        print(f"  {line}")
    ignored = ignored_table(checked, lang)
    if not ignored.empty:
        print(format_table(ignored))


def cmd_ingest(args: argparse.Namespace) -> int:
    from indicators.ingest.worker import prestart

    # The worker's fork server boots (and imports the pipeline) while this process imports.
    prestart()
    from indicators.ingest import (
        Checked,
        DuplicateUpload,
        Options,
        Problem,
        commit,
        preview,
        problems_frame,
    )
    from indicators.ingest.display import figure_text
    from indicators.ingest.read import max_upload_bytes
    from indicators.ingest.report import format_table
    from indicators.ingest.scope import outside_scope
    from indicators.ingest.worker import check_file_bounded

    lang: Lang = args.lang
    if not args.file.is_file():
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return 2
    store = _open(args.db)
    from indicators.domain.auth import Accounts

    # One opening of the database and one read of its catalog for the whole command;
    # released before the file is parsed.
    with store.session():
        # A dry run stores nothing, so anyone may check a file (a known account's regions
        # apply).
        who = (
            (cli_user(args.user), Accounts(store).get(cli_user(args.user)))
            if args.dry_run
            else uploader(store, args.user)
        )
        catalog = store.catalog()
    if who is None:
        return 1
    user, account = who
    options = Options(
        layout=args.layout,
        sheet=args.sheet,
        encoding=args.encoding,
        region=args.region,
        indicator=args.indicator,
        shares_as_fractions=args.shares_as_fractions,
        max_bytes=(max_upload_bytes() if args.max_mb is None else int(args.max_mb * 1024 * 1024)),
        today=date.today(),
    )
    size = args.file.stat().st_size
    if size > options.max_bytes:
        # Refused unread: the check would say the same after loading it all into memory.
        checked = Checked.rejected(
            args.file.name,
            None,
            [
                Problem(
                    "too_large",
                    params={
                        "size": f"{size / 1024 / 1024:.1f}",
                        "limit": f"{options.max_bytes / 1024 / 1024:g}",
                    },
                )
            ],
        )
    else:
        # Parsed in a worker process with a deadline: a hostile file is refused, not endured.
        checked = check_file_bounded(args.file.read_bytes(), args.file.name, catalog, options)
    if account is not None:
        checked = outside_scope(checked, account, catalog, lang)
    _print_reading(args.file.name, checked, catalog, lang)
    if not checked.ok:
        print(f"rejected: {checked.n_problems} problem(s); nothing was stored", file=sys.stderr)
        print(format_table(problems_frame(checked.problems, lang)))
        if checked.n_problems > len(checked.problems):
            print(f"... and {checked.n_problems - len(checked.problems)} more")
        return 1
    pv = preview(store, checked)
    print(
        f"preview: {pv.new} new, {pv.changed} changed, {pv.unchanged} unchanged "
        f"({checked.table.num_rows} rows)"
    )
    changed = pv.rows[pv.rows["change"] == "changed"]
    for rec in changed.head(SHOWN_CHANGES).itertuples(index=False):
        # A missing qualifier is NaN here, which printed as "nan3.9".
        old = figure_text(rec.old_value, rec.old_qualifier)
        new = figure_text(rec.value, rec.qualifier)
        print(
            f"  row {rec.excel_row}: {rec.indicator_id} {rec.region_code} {rec.period}: "
            f"{old} -> {new} {rec.unit}"
        )
    if pv.changed > SHOWN_CHANGES:
        print(f"  ... and {pv.changed - SHOWN_CHANGES} more changes")
    if pv.duplicate_of is not None:
        print(f"this file was already uploaded as {_describe(pv.duplicate_of)}")
    if args.dry_run:
        print("dry run: nothing was stored")
        return 0
    try:
        up = commit(store, checked, user=user, note=args.note, allow_duplicate=args.allow_duplicate)
    except DuplicateUpload as exc:
        print(
            f"refused: the same file was already uploaded as {_describe(exc.upload)}; "
            "use --allow-duplicate to store it again",
            file=sys.stderr,
        )
        return 1
    print(
        f"stored as upload {up.id}: {up.rows_new} new, {up.rows_changed} changed, "
        f"{up.rows_unchanged} unchanged"
    )
    if up.state == "submitted":
        print(f"submitted for review: officials see it once a reviewer approves upload {up.id}")
    rebuild_site_after(store, up)
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    store = _open(args.db)
    who = uploader(store, args.user)
    if who is None:
        return 1
    from indicators.domain.auth import may_undo

    target = store.upload(args.upload_id)
    user, account = who
    if not may_undo(store, account, args.upload_id):
        print(
            f"refused: upload {args.upload_id} holds figures outside the regions of {user!r}",
            file=sys.stderr,
        )
        return 1
    up = store.undo_upload(
        args.upload_id, user=user, note=args.note, review=submits_for_review(store)
    )
    if up.state == "submitted":
        print(f"undo of {_describe(target)} submitted for review as upload {up.id}")
        return 0
    print(
        f"undid {_describe(target)} as upload {up.id}: {up.rows_total} figure(s) retired; "
        "the values they replaced are current again"
    )
    rebuild_site_after(store, up)
    return 0


UPLOAD_COLUMNS = (
    "id",
    "kind",
    "file_name",
    "sha256",
    "user_name",
    "created_at",
    "rows_total",
    "rows_new",
    "rows_changed",
    "rows_unchanged",
    "undoes",
    "undone_by",
    "state",
)


def cmd_uploads(args: argparse.Namespace) -> int:
    import pandas as pd

    from indicators.ingest.report import format_table

    ups = _open(args.db).uploads()
    records = [{c: getattr(u, c) for c in UPLOAD_COLUMNS} for u in ups]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1, default=str))
        return 0
    frame = pd.DataFrame(records, columns=list(UPLOAD_COLUMNS))
    frame["sha256"] = frame["sha256"].map(lambda s: s[:12] if isinstance(s, str) else "")
    frame["created_at"] = frame["created_at"].map(lambda t: f"{t:%Y-%m-%d %H:%M:%S}")
    for c in ("undoes", "undone_by"):
        frame[c] = frame[c].map(lambda v: "" if v is None or pd.isna(v) else str(int(v)))
    print(format_table(frame.fillna("")))
    return 0
