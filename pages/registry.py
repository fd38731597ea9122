"""The page registry: dashboard.py builds st.navigation from it.

Domain pages are generated from the catalog, one per domain, so a domain added to
data/catalog appears here with no code change.
"""

from __future__ import annotations

import streamlit as st

from indicators.i18n import Lang, _


def build(lang: Lang) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}

    # --- officials' views -------------------------------------------------------------
    sections[_("nav.section.views", lang)] = [
        st.Page("pages/overview.py", title=_("nav.overview", lang), url_path="overview",
                default=True),
    ]

    # --- planners' data entry ---------------------------------------------------------

    # --- presenters' exports ----------------------------------------------------------

    return {name: pages for name, pages in sections.items() if pages}
