"""Entry point: `streamlit run dashboard.py`. Navigation comes from pages/registry.py."""

from __future__ import annotations

import streamlit as st

from indicators.store import StoreError
from pages import registry
from pages.common import language_switch, store_error

st.set_page_config(page_title="目标监测 · Target tracker", layout="wide")
lang = language_switch()
# expanded: Streamlit's own "View N more" link is English-only; show every page instead.
page = st.navigation(registry.build(lang), expanded=True)
try:
    page.run()
except StoreError as exc:
    # A damaged, read-only or missing database, or a full disk: one line saying what to
    # do, never a traceback (any other fault shows no details: see .streamlit/config.toml).
    store_error(exc)
