"""Plotly figure builders. Pure functions of metrics and labels; no Streamlit."""

from __future__ import annotations

import plotly.graph_objects as go

from .catalog import Lang
from .i18n import _
from .snapshot import Snapshot

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
STATUS_COLOURS = {
    "achieved": "#009E73",
    "on_track": "#56B4E9",
    "moderate": "#E69F00",
    "limited": "#D55E00",
    "deterioration": "#CC79A7",
    "no_data": "#BBBBBB",
    "no_target": "#DDDDDD",
}
FONT_FAMILY = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif"


def pct_achieved_bar(snap: Snapshot, lang: Lang) -> go.Figure:
    """% achieved of every quantitative target with figures, coloured by status."""
    cat = snap.catalog
    items = [(cat.targets[tid], p) for tid, p in snap.national.items()
             if p.pct_achieved is not None]
    fig = go.Figure(go.Bar(
        x=[min(p.pct_achieved, 150) for _t, p in items],
        y=[t.name(lang) for t, _p in items],
        orientation="h",
        marker_color=[STATUS_COLOURS[p.status] for _t, p in items],
        text=[f"{p.pct_achieved:.0f}%" for _t, p in items],
        textposition="auto",
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    fig.add_vline(x=100, line_dash="dash", line_color="#333")
    fig.update_layout(
        title=_("fig.pct_achieved.title", lang),
        xaxis_title=_("col.pct_achieved", lang),
        yaxis={"autorange": "reversed"},
        font={"family": FONT_FAMILY},
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        height=80 + 40 * max(len(items), 1),
    )
    return fig
