"""The page registry: dashboard.py builds st.navigation from it.

Domain pages are generated from the catalog, one per domain, so a domain added to
data/catalog appears here with no code change.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Callable
from pathlib import Path
from types import CodeType

import streamlit as st

from indicators.base.escape import for_markdown
from indicators.base.i18n import Lang, _
from ui.streamlit_private import in_script_run, page_source, requested_page_name

# Paths a reader is likely to type or keep from an older link (the legacy pages/ file names
# among them), and the page each means: they show that page at the address typed.
ALIASES = {
    "home": "",  # the overview's own address is /
    "index": "",
    "dashboard": "",
    "tasks": "task-list",
    "task": "task-list",
    "actions": "task-list",
    "regions": "provinces",
    "province": "provinces",
    "map": "provinces",
    "method": "methodology",
    "methods": "methodology",
    "upload": "data-upload",
    "uploads": "data-upload",
    "edit": "data-edit",
    "correct": "data-edit",
    "history": "upload-history",
    "undo": "upload-history",
    "reviews": "review",
    "audit": "review",
    "account": "accounts",
    "pack": "briefing-pack",
    "briefing": "briefing-pack",
    "export": "briefing-pack",
    "exports": "briefing-pack",
}
# What st.Page accepts as a url_path (one segment); a longer path never reaches the script
# (serve.py's NestedPaths sends it to the overview, naming it: MISSING_PATH).
_ONE_SEGMENT = re.compile(r"^[A-Za-z0-9_.~-]{1,80}$")
# Unknown paths asked for in a session, served on every later run too: a rerun of such a
# page (a widget, Back) names it, and a page not in the navigation would fall back to the
# overview at / with a new history entry, which Back would undo, and so on.
_MAX_UNKNOWN = 20


# The query key naming a path of two or more segments (/overview/x) that serve.py sent to
# the overview: such a path never reaches a page (serve.NestedPaths).
MISSING_PATH = "missing"


class Keys:
    UNKNOWN_PATHS = "nav.unknown_paths"  # the unknown one-segment paths this session asked for


def _overview_alias() -> None:
    from pages import overview

    overview.render()


@functools.cache
def _compiled(path: str) -> CodeType:
    return compile(Path(path).read_text(encoding="utf-8"), path, "exec")


def _in_place(page: st.Page) -> Callable[[], None]:
    """What `page` draws, for a hidden page at another address. Not st.switch_page: that
    adds a browser history entry, so Back would land on the alias, which would send the
    reader forward again. A page file runs as Streamlit runs it (as __main__); a function
    page is that function. st.Page has no public name for either (ui.streamlit_private); should it
    go, the alias redirects as it used to (Back then needs two steps)."""
    source = page_source(page)
    if source is None:

        def go() -> None:
            st.switch_page(page, query_params=st.query_params.to_dict())

        return go
    if callable(source):
        return source
    path = str(source)

    def run() -> None:
        module = types.ModuleType("__main__")
        module.__file__ = path
        exec(_compiled(path), module.__dict__)

    run.__name__ = f"as_{page.url_path or 'home'}"
    return run


def _no_such_page(path: str, lang: Lang) -> None:
    # '_', '~' (and in a nested path anything) would be read as Markdown
    shown = for_markdown(path[:200])
    st.info(_("nav.unknown_path", lang, path=shown), icon=":material/info:")


def _unknown(path: str) -> Callable[[], None]:
    """The overview, under a line saying the path asked for is no page."""

    def run() -> None:
        from pages import overview
        from ui.common import lang

        _no_such_page(path, lang())
        overview.render()

    run.__name__ = "unknown_path"
    return run


def requested_path() -> str | None:
    """The path a fresh page load asks for ('tasks' for /tasks), or None on a run that names
    its page itself (a click in the navigation, a rerun). Streamlit answers a path it does
    not know with an English-only "Page not found" dialog and has no public way to ask for
    the path before st.navigation, so this reads its page manager, and gives None (the
    dialog, as before) should that change."""
    return requested_page_name()


def redirects(
    sections: dict[str, list[st.Page]], home: st.Page, asked: str | None
) -> list[st.Page]:
    """Hidden pages for the likely paths (ALIASES), a domain's id alone (/scale) and any
    other unknown one-segment path this session asked for (the overview, saying so): each
    shows its page at the address typed, never Streamlit's English dialog."""
    if not in_script_run():
        # Bare mode (the upload worker's process re-runs dashboard.py as __main__): st.Page
        # builds no page there, and no address is asked for.
        return []
    by_path = {p.url_path: p for pages in sections.values() for p in pages}
    targets: dict[str, st.Page | None] = {
        path.removeprefix("domain-"): page
        for path, page in by_path.items()
        if path.startswith("domain-")
    }
    targets.update({alias: by_path.get(target) for alias, target in ALIASES.items()})
    out = [
        st.Page(_in_place(page), title=page.title, url_path=alias, visibility="hidden")
        for alias, page in targets.items()
        if alias not in by_path and page is not None
    ]
    known = set(by_path) | set(targets) | {"overview"}
    unknown: tuple[str, ...] = st.session_state.get(Keys.UNKNOWN_PATHS, ())
    if asked and asked not in known and _ONE_SEGMENT.match(asked) and asked not in unknown:
        unknown = (*unknown, asked)[-_MAX_UNKNOWN:]
        st.session_state[Keys.UNKNOWN_PATHS] = unknown
    out += [
        st.Page(_unknown(path), title=home.title, url_path=path, visibility="hidden")
        for path in unknown
        if path not in known
    ]
    return out


def missing_path_notice(page: st.Page, lang: Lang) -> None:
    """On the overview, the line saying a nested path sent here is no page."""
    path = st.query_params.get(MISSING_PATH)
    if path and page.url_path == "":
        _no_such_page(path, lang)


def build(lang: Lang) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}

    # --- officials' views -------------------------------------------------------------
    from pages.views_nav import domain_sections

    home = st.Page(
        "pages/overview.py",
        title=_("nav.overview", lang),
        # Served at / only; this name is never an address, so /home is free for an alias.
        url_path="overview-home",
        default=True,
        icon=":material/dashboard:",
    )
    sections[_("nav.section.views", lang)] = [
        home,
        # The default page answers at "/" only (its own path is reserved but not served):
        # a pasted or bookmarked /overview link lands here instead of on Streamlit's
        # English "Page not found" dialog.
        st.Page(
            _overview_alias, title=_("nav.overview", lang), url_path="overview", visibility="hidden"
        ),
        st.Page(
            "pages/regions.py",
            title=_("nav.regions", lang),
            url_path="provinces",
            icon=":material/grid_view:",
        ),
        st.Page(
            "pages/tasks.py",
            title=_("nav.tasks", lang),
            url_path="task-list",
            icon=":material/checklist:",
        ),
        st.Page(
            "pages/method.py",
            title=_("nav.method", lang),
            url_path="methodology",
            icon=":material/functions:",
        ),
    ]
    sections.update(domain_sections(lang))  # one page per catalog domain

    # --- planners' data entry ---------------------------------------------------------
    sections[_("nav.section.planners", lang)] = [
        st.Page(
            "pages/upload.py",
            title=_("nav.upload", lang),
            url_path="data-upload",
            icon=":material/upload_file:",
        ),
        st.Page(
            "pages/edit.py",
            title=_("nav.edit", lang),
            url_path="data-edit",
            icon=":material/edit_note:",
        ),
        st.Page(
            "pages/history.py",
            title=_("nav.history", lang),
            url_path="upload-history",
            icon=":material/history:",
        ),
        st.Page(
            "pages/review.py",
            title=_("nav.review", lang),
            url_path="review",
            icon=":material/fact_check:",
        ),
        st.Page(
            "pages/accounts.py",
            title=_("nav.accounts", lang),
            url_path="accounts",
            icon=":material/manage_accounts:",
        ),
    ]

    # --- presenters' exports ----------------------------------------------------------
    sections[_("nav.section.exports", lang)] = [
        st.Page(
            "pages/export.py",
            title=_("nav.export_pack", lang),
            url_path="briefing-pack",
            icon=":material/slideshow:",
        ),
    ]

    # Hidden: other addresses a reader may type, each opening its page (never the English
    # "Page not found" dialog for a one-segment path).
    sections[_("nav.section.views", lang)] += redirects(sections, home, requested_path())
    return {name: pages for name, pages in sections.items() if pages}
