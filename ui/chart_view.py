"""A chart on a page: its title, summary and source as text around the plot.

Plotly draws text as SVG, which neither wraps on a phone nor reaches a screen reader, so
on screen the figure's own title, summary sentence (the chart's text alternative) and
source line are written by Streamlit; the exported picture keeps them inside (slides).
The mode bar is hidden: its eight English-labelled buttons were tab stops, and the
downloads sit under every chart.
"""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go
import streamlit as st

from indicators.base.escape import for_markdown
from indicators.base.i18n import Lang
from indicators.present.chart_parts import on_screen
from ui.common import memo_on
from ui.downloads import figure_downloads

PLOTLY_CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False}


def _copy_and_texts(fig: go.Figure) -> tuple[go.Figure | None, dict[str, str]]:
    screen, texts = on_screen(fig)
    return (None if screen is fig else screen), texts


def show_chart(fig: go.Figure, name: str, lg: Lang, *, downloads: bool = True) -> None:
    """``fig`` (a finished figure) with its texts as page text, then its downloads.
    ``name`` is unique on the page: the chart's key and the download file stem."""
    # Copying the figure validates every property (~15 ms): done once per figure. A figure
    # without page texts is shown as it is (None here, so the memo does not hold it).
    copy, texts = memo_on(fig, "on_screen", lambda: _copy_and_texts(fig))
    screen = fig if copy is None else copy
    if texts.get("title"):
        st.markdown(
            f"<div role='heading' aria-level='4' style='font-weight:600;"
            f"font-size:1.05rem;margin-bottom:-0.4rem'>{escape(texts['title'])}</div>",
            unsafe_allow_html=True,
        )
    # Subtitle and source carry uploaded text (a source, a unit): inert as Markdown.
    if texts.get("subtitle"):
        st.caption(for_markdown(texts["subtitle"]))
    st.plotly_chart(screen, width="stretch", key=f"chart-{name}", config=PLOTLY_CONFIG)
    if texts.get("source"):
        st.caption(for_markdown(texts["source"]))
    if downloads:
        figure_downloads(fig, name, lg)
