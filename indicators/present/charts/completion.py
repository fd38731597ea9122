"""The whole set at a glance: % achieved per target (the completion chart)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.base.catalog import Lang
from indicators.base.i18n import _
from indicators.base.status import DISPLAY_ORDER, STATUS_COLOURS, ink_on
from indicators.domain.snapshot import Snapshot
from indicators.domain.wording import pct_text, status_label
from indicators.present.chart_parts import (
    MUTED,
    TARGET_COLOUR,
    finish,
    no_data_figure,
    rows_drawn,
    source_line,
    target_rows,
)
from indicators.present.charts.common import PCT_LABEL_INSIDE

# --- the whole set ------------------------------------------------------------------------


def pct_achieved_bar(snap: Snapshot, lang: Lang) -> go.Figure:
    """% achieved of every quantitative target with figures, coloured by status."""
    cat = snap.catalog
    items = [
        (cat.targets[tid], p) for tid, p in snap.national.items() if p.pct_achieved is not None
    ]
    targets = [t for t, _p in items]
    title = _("fig.pct_achieved.title", lang)
    if not items:
        return no_data_figure(
            title,
            _("views.no_data", lang),
            source_line(snap, list(cat.headline_targets), lang, snap.actuals.iloc[0:0]),
            lang,
        )
    fig = go.Figure()
    for status in DISPLAY_ORDER:
        group = [(t, p) for t, p in items if p.status == status]
        if not group:
            continue
        fig.add_trace(
            go.Bar(
                x=[min(p.pct_achieved or 0, 150) for _t, p in group],
                y=[t.name(lang) for t, _p in group],
                orientation="h",
                name=_(f"status.{status}", lang),
                marker_color=STATUS_COLOURS[status],
                # an unverified bar is an old figure: its date beside it
                text=[
                    f"{pct_text(p)} · {status_label(p, lang)}"
                    + (f" ({p.latest_period})" if p.status == "unverified" else "")
                    for _t, p in group
                ],
                # Labels at the start of a long bar, past the end of a short one: never where
                # the 100 % line crosses.
                textposition=[
                    "inside" if (p.pct_achieved or 0) >= PCT_LABEL_INSIDE else "outside"
                    for _t, p in group
                ],
                insidetextanchor="start",
                insidetextfont={"color": ink_on(STATUS_COLOURS[status])},
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra></extra>",
            )
        )
    fig.add_vline(x=100, line_dash="dash", line_color=TARGET_COLOUR)
    fig.add_annotation(
        x=100,
        y=1,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=_("fig.pct_achieved.line", lang),
        font={"size": 11, "color": MUTED},
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=[t.name(lang) for t in targets], autorange="reversed"
    )
    drawn = pd.concat([rows_drawn(target_rows(snap, t), [p.latest_period]) for t, p in items])
    return finish(
        fig,
        title=title,
        source=source_line(snap, targets, lang, drawn),
        height=100 + 36 * len(items),
        lang=lang,
        x_title=_("col.pct_achieved", lang),
        legend=True,
    )
