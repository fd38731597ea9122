"""The page registry: dashboard.py builds st.navigation from it.

Domain pages are generated from the catalog, one per domain, so a domain added to
data/catalog appears here with no code change.
"""

from __future__ import annotations

import streamlit as st

from indicators.i18n import Lang, _


def _overview_alias() -> None:
    from pages import overview

    overview.render()


def build(lang: Lang) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}

    # --- officials' views -------------------------------------------------------------
    from pages.views_nav import domain_sections

    sections[_("nav.section.views", lang)] = [
        st.Page(
            "pages/overview.py",
            title=_("nav.overview", lang),
            url_path="home",
            default=True,
            icon=":material/dashboard:",
        ),
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

    return {name: pages for name, pages in sections.items() if pages}
