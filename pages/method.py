"""How % achieved, growth, projections and statuses are computed, citing both documents."""

from __future__ import annotations

import streamlit as st

from indicators.base.i18n import _
from indicators.base.sources import shipped_citations
from indicators.domain.method import citations, sections
from ui.common import lang, snapshot


def render() -> None:
    lg = lang()
    snap = snapshot()
    st.title(_("views.method.title", lg))
    st.markdown(_("views.method.intro", lg))
    for section in sections(lg):
        st.subheader(section.heading)
        st.markdown(section.body)
        for formula in section.formulas:
            st.latex(formula)
    st.subheader(_("views.method.sources", lg))
    for cite in citations(snap.catalog, lg):
        st.markdown(f"- {cite}")
    st.subheader(_("views.method.shipped", lg))
    for cite in shipped_citations(lg):
        st.markdown(f"- {cite}")


render()
