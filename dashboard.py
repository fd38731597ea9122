"""Entry point: `streamlit run dashboard.py`. Builds the navigation from the page registry."""

from __future__ import annotations

import streamlit as st

from indicators.i18n import _
from pages.common import lang, language_switch

st.set_page_config(page_title="目标监测 · Target tracker", layout="wide")
language_switch()
lg = lang()

PAGES = [
    st.Page("pages/overview.py", title=_("nav.overview", lg), url_path="overview", default=True),
]

st.navigation(PAGES).run()
