"""Entry point: `streamlit run dashboard.py`. Navigation comes from pages/registry.py."""

from __future__ import annotations

import streamlit as st

from pages import registry
from pages.common import language_switch

st.set_page_config(page_title="目标监测 · Target tracker", layout="wide")
lang = language_switch()
# expanded: Streamlit's own "View N more" link is English-only; show every page instead.
st.navigation(registry.build(lang), expanded=True).run()
