"""Building a site from a store, and rebuilding it when figures are published.

Configuration, read from the environment so the app, the CLI and cron agree:
  INDICATORS_SITE_DIR  where the site is rebuilt after every publication (unset: never)
  INDICATORS_SITE_URL  the site's public address (absolute hreflang and canonical links;
                       the app links to it)
  INDICATORS_APP_URL   the Streamlit app's address (every site page links to it)
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from indicators.domain.snapshot import load_snapshot
from indicators.store import Store, Upload

from .build import SiteOptions, check_replaceable, publish, site_files

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    out: Path
    pages: int
    files: int
    bytes: int
    seconds: float


def options_from_env(as_known: date | None = None, base_url: str | None = None) -> SiteOptions:
    return SiteOptions(
        as_known=as_known,
        base_url=base_url or os.environ.get("INDICATORS_SITE_URL") or None,
        app_url=os.environ.get("INDICATORS_APP_URL") or None,
    )


def site_dir() -> Path | None:
    value = os.environ.get("INDICATORS_SITE_DIR", "").strip()
    return Path(value) if value else None


def build_site(store: Store, out: Path, options: SiteOptions | None = None) -> BuildReport:
    """The published figures as a site in `out` ("as known on D": judged on that day)."""
    started = time.perf_counter()
    options = options or options_from_env()
    check_replaceable(Path(os.path.abspath(out)))  # before the work, not only after it
    snap = load_snapshot(store, as_of=options.as_known)
    versions = store.published_versions(
        sorted({t.id for t in snap.catalog.targets.values()}),
        sorted({str(r) for r in snap.actuals["region_code"]}),
    )
    files = site_files(snap, options, versions)
    publish(files, out)
    return BuildReport(
        out=out,
        pages=sum(1 for f in files if f.endswith(".html")),
        files=len(files) + 1,  # and plotly.min.js, copied in place
        bytes=sum(len(b) for b in files.values()),
        seconds=time.perf_counter() - started,
    )


def _rebuild(store: Store, out: Path) -> BuildReport | None:
    try:
        report = build_site(store, out)
    except Exception as exc:  # the figures are published whatever happens to the site
        log.exception("site rebuild into %s failed", out)
        print(
            f"warning: the public site in {out} was not rebuilt ({exc}); "
            "the previous site is still served",
            file=sys.stderr,
        )
        return None
    log.info("site rebuilt into %s in %.1f s", out, report.seconds)
    return report


def rebuild_after(
    store: Store, upload: Upload | None, *, background: bool = False
) -> BuildReport | threading.Thread | None:
    """After an upload, approval or undo that published figures (or, `upload` None, a task
    or goal status set, which shows at once): rebuild the configured site. In the app
    (`background`) the reviewer does not wait for it; a command does."""
    out = site_dir()
    if out is None or (upload is not None and upload.state != "published"):
        return None
    if background:
        worker = threading.Thread(target=_rebuild, args=(store, out), daemon=True)
        worker.start()
        return worker
    return _rebuild(store, out)
