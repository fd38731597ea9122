"""Build the whole static site in memory, then publish it into place in one swap.

A site is a folder: ``zh/`` and ``en/`` pages, ``assets/`` (one copy of plotly.min.js from
the installed plotly package, the stylesheet and a small script), ``data/`` and
``datapackage.json``. Every page is worked out before anything is written; the files go
to a new folder beside the target, which then takes the old one's place in one rename
(Linux ``renameat2(RENAME_EXCHANGE)``), so a reader sees the old site or the new one, never
half of either, and a build that fails leaves the old site as it was.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly

from indicators.base.catalog import Lang
from indicators.base.i18n import LANGS, _
from indicators.base.status import brightness
from indicators.domain.snapshot import Snapshot

from . import pages as site_pages
from .opendata import CATALOG_FIELDS, write_open_data
from .render import inline_markup, linked, render

ASSETS = Path(__file__).resolve().parent / "assets"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
MARKER = ".indicators-site"  # in every site's root: only such a folder is ever replaced
HREFLANG: dict[Lang, str] = {"zh": "zh-Hans", "en": "en"}

# The page's words: the app's own labels where the app says the same thing, site.* for
# what only the site says.
LABEL_KEYS = {
    "site_name": "app.title",
    "subtitle": "app.subtitle",
    "headline": "views.overview.headline",
    "legend": "views.legend",
    "legend_note": "views.legend.note",
    "targets": "overview.targets",
    "chart": "views.overview.chart",
    "link_method": "views.link_method",
    "no_targets": "views.no_targets",
    "no_figures": "views.domain.no_figures",
    "milestones": "views.domain.milestones",
    "checklist": "views.domain.checklist",
    "tasks": "views.domain.tasks",
    "open_tasks": "views.domain.open_tasks",
    "col_status": "col.status",
    "col_target_year": "col.target_year",
    "col_evidence": "views.col.evidence",
    "provinces": "views.domain.provinces",
    "task_summary": "views.tasks.summary",
    "progress": "views.domain.tab.progress",
    "domains": "site.nav.domains",
    "description": "site.description",
    "skip": "site.skip",
    "nav_label": "site.nav.label",
    "other_lang": "site.other_lang",
    "footer": "site.footer",
    "open_data": "site.open_data",
    "app": "site.app",
    "chart_data": "site.chart_data",
    "download": "site.download",
    "target_open": "site.target.open",
    "figures": "site.target.figures",
    "target_data": "site.target.data",
    "vintages": "site.data.vintages",
    "data_intro": "site.data.intro",
    "data_package": "site.data.package",
    "data_package_note": "site.data.package_note",
    "data_catalog": "site.data.catalog",
    "data_targets": "site.data.targets",
    "data_targets_note": "site.data.targets_note",
}


class SiteError(RuntimeError):
    """A site that cannot be built or put in place; the message says why and where."""


@dataclass(frozen=True)
class SiteOptions:
    as_known: date | None = None  # --as-of: every page says "as known on D"
    base_url: str | None = None  # the site's public address: absolute hreflang/canonical
    app_url: str | None = None  # the Streamlit app, linked from every page


def labels(lang: Lang) -> dict[str, str]:
    return {name: _(key, lang) for name, key in LABEL_KEYS.items()}


def _square(colour: str) -> tuple[str, str]:
    """The app's status chip: a coloured square, outlined grey when too light to see."""
    return ("□", "#666666") if brightness(colour) > 200 else ("■", colour)


def _data_page(snap: Snapshot, lang: Lang) -> site_pages.Page:
    targets = sorted(snap.catalog.targets.values(), key=lambda t: t.sort)
    return site_pages.Page(
        "data.html",
        "data.html",
        _("site.open_data", lang),
        {
            "catalog_files": list(CATALOG_FIELDS),
            "target_files": [
                (
                    t.name(lang),
                    site_pages.data_file(t.id, "csv"),
                    site_pages.data_file(t.id, "json"),
                    site_pages.data_file(f"{t.id}-vintages", "csv"),
                )
                for t in targets
            ],
        },
    )


def _nav(lang: Lang, current: str, app_url: str | None) -> list[dict[str, Any]]:
    items = [
        ("index.html", _("nav.overview", lang)),
        ("domains.html", _("site.nav.domains", lang)),
        ("provinces.html", _("nav.regions", lang)),
        ("tasks.html", _("nav.tasks", lang)),
        ("method.html", _("nav.method", lang)),
        ("data.html", _("site.open_data", lang)),
    ]
    out = [{"href": h, "label": label, "current": h == current} for h, label in items]
    if app_url:
        out.append({"href": app_url, "label": _("site.app", lang), "current": False})
    return out


def _href(options: SiteOptions, lang: Lang, name: str) -> str:
    if options.base_url:
        return f"{options.base_url.rstrip('/')}/{lang}/{name}"
    return f"../{lang}/{name}"


def page_html(
    snap: Snapshot, page: site_pages.Page, lang: Lang, options: SiteOptions, built: str
) -> str:
    other: Lang = "en" if lang == "zh" else "zh"
    alternates = [{"hreflang": HREFLANG[lg], "href": _href(options, lg, page.name)} for lg in LANGS]
    alternates.append({"hreflang": "x-default", "href": _href(options, "zh", page.name)})
    return render(
        page.template,
        **page.context,
        title=page.title,
        html_lang=HREFLANG[lang],
        L=labels(lang),
        root="../",
        alternates=alternates,
        canonical=_href(options, lang, page.name) if options.base_url else "",
        switch={"href": f"../{other}/{page.name}", "hreflang": HREFLANG[other]},
        nav=_nav(lang, page.name, options.app_url),
        as_of=snap.as_of_line(lang),
        as_known=_("site.as_known", lang, date=options.as_known.isoformat())
        if options.as_known
        else "",
        built=built,
        app_url=options.app_url or "",
        has_charts=bool(site_pages.charts_of(page)),
        square=_square,
        inline=inline_markup,
        linked=linked,
    )


def site_files(snap: Snapshot, options: SiteOptions, versions: pd.DataFrame) -> dict[str, bytes]:
    """Every file of the site (path → bytes), worked out in memory; `versions` are the
    published vintages of every series (Store.published_versions)."""
    files: dict[str, bytes] = {}
    now = datetime.now(UTC)
    for lang in LANGS:
        built = _("site.built", lang, when=f"{now:%Y-%m-%d %H:%M} UTC")
        for page in [*site_pages.all_pages(snap, lang, versions), _data_page(snap, lang)]:
            files[f"{lang}/{page.name}"] = page_html(snap, page, lang, options, built).encode()
    files["index.html"] = render(
        "root.html",
        L={lg: labels(lg) for lg in LANGS},
        langs=[(lg, HREFLANG[lg]) for lg in LANGS],
    ).encode()
    for asset in ASSETS.iterdir():
        files[f"assets/{asset.name}"] = asset.read_bytes()
    write_open_data(snap, files, options.as_known, versions)
    files[MARKER] = f"built {now.isoformat()}\n".encode()
    return files


# --- putting a built site in place --------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where the system cannot."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    res = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if res == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextmanager
def _lock(out: Path) -> Iterator[None]:
    """One build at a time per site (two approvals close together build one after the other)."""
    with open(out.parent / f".{out.name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def check_replaceable(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} is a file, not a folder: give a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SiteError(
            f"{out} holds files that publish-site did not write; refusing to replace it "
            "(give an empty or new folder)"
        )


def publish(files: dict[str, bytes], out: Path) -> None:
    """Write `files` beside `out`, then swap them into place; on any failure the previous
    site stays as it was and the half-written folder is removed."""
    out = Path(os.path.abspath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    with _lock(out):
        check_replaceable(out)
        # Under the lock no other build runs: a folder left by one that was killed is stale.
        for stale in out.parent.glob(f".{out.name}.new-*"):
            shutil.rmtree(stale, ignore_errors=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        try:
            for rel, data in files.items():
                path = stage / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            shutil.copyfile(PLOTLY_JS, stage / "assets" / "plotly.min.js")
            os.chmod(stage, 0o755)  # mkdtemp's 0700 would hide the site from the web server
            _swap(stage, out)
        finally:
            shutil.rmtree(stage, ignore_errors=True)  # after a swap: the old site


def _swap(stage: Path, out: Path) -> None:
    if not out.exists():
        os.rename(stage, out)
        return
    if _exchange(stage, out):
        return
    # No atomic exchange here (not Linux): the shortest window, old aside then new in.
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, old / "site")
    os.rename(stage, out)
    shutil.rmtree(old, ignore_errors=True)
