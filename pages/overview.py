"""Home page: every target with its latest actual and status."""

from __future__ import annotations

import streamlit as st

from indicators.figures import pct_achieved_bar
from indicators.i18n import _
from indicators.tables import targets_table
from pages.common import lang, snapshot


def render() -> None:
    lg = lang()
    snap = snapshot()
    st.title(_("app.title", lg))
    st.caption(_("app.subtitle", lg))
    s = snap.summary
    st.caption(_("overview.as_of", lg, period=s["newest_period"] or "–",
                 when=f"{s['last_upload_at']:%Y-%m-%d %H:%M}" if s["last_upload_at"] else "–"))
    st.subheader(_("overview.targets", lg))
    st.dataframe(targets_table(snap, lg).drop(columns=["id"]), hide_index=True,
                 width="stretch")
    st.plotly_chart(pct_achieved_bar(snap, lg), width="stretch")


render()
