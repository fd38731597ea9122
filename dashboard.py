"""Entry point: `streamlit run dashboard.py`. Navigation comes from pages/registry.py."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from indicators.base.i18n import _
from indicators.store import StoreError
from pages import registry
from ui import preview
from ui.a11y import page_script
from ui.common import lang as current_lang
from ui.common import language_switch, store_error
from ui.site import site_link

# The browser tab and the page's declared language follow the chosen language.
st.set_page_config(page_title=_("app.title", current_lang()), layout="wide")
lang = language_switch()
site_link(lang)
with st.sidebar:
    # Streamlit has no setting for <html lang>, its own words or a chart's accessible name:
    # a zero-height component does it in the page (ui/a11y.py), out of the tab order.
    components.html(page_script(lang), height=0)
# expanded: Streamlit's own "View N more" link is English-only; show every page instead.
page = st.navigation(registry.build(lang), expanded=True)
try:
    preview.banner(lang)  # a planner's or reviewer's preview: said on every page
    registry.missing_path_notice(page, lang)  # /overview/x was sent to the overview
    page.run()
except StoreError as exc:
    # A damaged, read-only or missing database, or a full disk: one line saying what to
    # do, never a traceback (any other fault shows no details: see .streamlit/config.toml).
    store_error(exc)
