"""publish-site: the public static site and its open data, from the store (cron may run it);
and the rebuild after figures are published from the command line (review approve, ingest
or undo with review off) into $INDICATORS_SITE_DIR."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from indicators.commands import add_db_option

if TYPE_CHECKING:
    from indicators.store import Store, Upload


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "publish-site",
        help="write the public static site (zh and en pages, open data) into a folder",
    )
    p.add_argument("out", type=Path, metavar="OUT", help="the site's folder (replaced as a whole)")
    p.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="the site as known on this date (YYYY-MM-DD); every page says so",
    )
    p.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="the site's public address, for absolute language links "
        "(default: $INDICATORS_SITE_URL)",
    )
    add_db_option(p)
    p.set_defaults(func=cmd_publish_site)


def cmd_publish_site(args: argparse.Namespace) -> int:
    # Imported here: other commands never load the site's chart libraries.
    from indicators.site import SiteError, build_site, options_from_env
    from indicators.store import Store

    try:
        report = build_site(Store(args.db), args.out, options_from_env(args.as_of, args.base_url))
    except SiteError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"refused: cannot write the site in {args.out}: {exc.strerror or exc}", file=sys.stderr
        )
        return 1
    print(
        f"site in {report.out}: {report.pages} pages, {report.files} files "
        f"({report.bytes / 1e6:.1f} MB besides plotly.min.js) in {report.seconds:.1f} s"
    )
    return 0


def rebuild_site_after(store: Store, upload: Upload) -> None:
    """After a command published figures: rebuild $INDICATORS_SITE_DIR, if set."""
    if upload.state != "published" or not os.environ.get("INDICATORS_SITE_DIR", "").strip():
        return
    from indicators.site import rebuild_after

    report = rebuild_after(store, upload)
    if report is not None:
        print(f"public site rebuilt in {os.environ['INDICATORS_SITE_DIR']}")
