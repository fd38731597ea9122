"""The page registry: dashboard.py builds st.navigation from it.

Domain pages are generated from the catalog, one per domain, so a domain added to
data/catalog appears here with no code change.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from indicators.i18n import Lang, _

# Paths a reader is likely to type or keep from an older link (the legacy pages/ file names
# among them), and the page each means: they open that page, under its own address.
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
# What st.Page accepts as a url_path (one segment); a longer unknown path keeps
# Streamlit's own dialog.
_ONE_SEGMENT = re.compile(r"^[A-Za-z0-9_.~-]{1,80}$")


class Keys:
    UNKNOWN_PATH = "nav.unknown_path"  # the unknown path this session was just sent away from


def _overview_alias() -> None:
    from pages import overview

    overview.render()


def _go_to(page: st.Page, unknown: str | None = None) -> Callable[[], None]:
    """A hidden page that opens `page` at its own address, keeping the query string (the
    language, filters). `unknown`: the path asked for, said on arrival."""

    def go() -> None:
        if unknown is not None:
            st.session_state[Keys.UNKNOWN_PATH] = unknown
        st.switch_page(page, query_params=st.query_params.to_dict())

    go.__name__ = f"to_{page.url_path or 'home'}"
    return go


def requested_path() -> str | None:
    """The path a fresh page load asks for ('tasks' for /tasks), or None on a run that names
    its page itself (a click in the navigation, a rerun). Streamlit answers a path it does
    not know with an English-only "Page not found" dialog and has no public way to ask for
    the path before st.navigation, so this reads its page manager, and gives None (the
    dialog, as before) should that change."""
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    if manager is None or getattr(manager, "intended_page_script_hash", None):
        return None
    name = getattr(manager, "intended_page_name", None)
    return name if isinstance(name, str) and name else None


def redirects(
    sections: dict[str, list[st.Page]], home: st.Page, asked: str | None
) -> list[st.Page]:
    """Hidden pages for the likely paths (ALIASES) and, on a fresh load of any other
    unknown one-segment path, one that opens the overview and says so: never Streamlit's
    English dialog. A domain's id alone (/scale) opens its page."""
    if get_script_run_ctx() is None:
        # Bare mode (the upload worker's process re-runs dashboard.py as __main__): st.Page
        # builds no page there, and no address is asked for.
        return []
    by_path = {p.url_path: p for pages in sections.values() for p in pages}
    out = [
        st.Page(
            _go_to(by_path[target]),
            title=by_path[target].title,
            url_path=alias,
            visibility="hidden",
        )
        for alias, target in ALIASES.items()
        if alias not in by_path and target in by_path
    ]
    known = set(by_path) | set(ALIASES) | {"overview"}
    if asked and asked not in known and _ONE_SEGMENT.match(asked):
        domain = by_path.get(f"domain-{asked}")
        target, unknown = (domain, None) if domain is not None else (home, asked)
        out.append(
            st.Page(
                _go_to(target, unknown), title=target.title, url_path=asked, visibility="hidden"
            )
        )
    return out


def unknown_path_notice(lang: Lang) -> None:
    """Said once on the overview a mistyped address was sent to."""
    path = st.session_state.pop(Keys.UNKNOWN_PATH, None)
    if path:
        st.info(_("nav.unknown_path", lang, path=path), icon=":material/info:")


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
