"""One target's bullet: latest value against the target, and where the trend leads."""

from __future__ import annotations

import plotly.graph_objects as go

from indicators.base.catalog import NATIONAL, Lang
from indicators.base.i18n import _
from indicators.base.status import STATUS_COLOURS, ink_on
from indicators.domain.regional import progress_at
from indicators.domain.snapshot import Snapshot
from indicators.domain.wording import status_label, value_with_unit
from indicators.present.cards import derivation_of
from indicators.present.chart_parts import (
    MUTED,
    TARGET_COLOUR,
    finish,
    hover_for_rows,
    rows_drawn,
    source_line,
    target_rows,
)
from indicators.present.charts.common import _axis_title, _no_data, _region_suffix, subtitle

# --- one target ---------------------------------------------------------------------------


def bullet_chart(
    snap: Snapshot, target_id: str, lang: Lang, region_code: str = NATIONAL
) -> go.Figure:
    """Latest actual as a bar, against the target (black tick) and the baseline (grey tick)."""
    target = snap.catalog.targets[target_id]
    p = progress_at(snap, target_id, region_code)
    title = _("views.fig.bullet.title", lang, name=target.name(lang)) + _region_suffix(
        snap, region_code, lang
    )
    latest_value = p.latest_value
    if latest_value is None:
        return _no_data(snap, target, title, lang, 220)
    rows = target_rows(snap, target, region_code)
    status_name = status_label(p, lang)
    # a figure the tracker derived is not called an actual
    derived = derivation_of(target, p, lang) is not None
    legend_key = "views.fig.legend.derived" if derived else "views.fig.legend.latest"
    milestone = target.kind == "milestone"
    goal: float | None
    base: float | None
    if milestone:
        # An event either happened or not: the bar is % achieved, 0 or 100.
        actual, goal, base, unit = p.pct_achieved or 0.0, 100.0, None, "%"
        x_title = _("col.pct_achieved", lang)
        actual_label = value_with_unit(actual, unit, lang)
    else:
        actual, goal, base, unit = latest_value, p.target_value, p.baseline_value, p.unit
        x_title = _axis_title(target, lang)
        actual_label = value_with_unit(actual, unit, lang, p.latest_qualifier)
    latest_rows = rows[(rows["indicator_id"] == target.id) & (rows["period"] == p.latest_period)]
    hover = hover_for_rows(latest_rows, lang, target.unit)
    drawn = rows_drawn(rows, [p.latest_period])
    extent = max(abs(v) for v in (actual, goal or 0.0, base or 0.0)) * 1.18 or 1.0
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=[extent],
            y=[""],
            orientation="h",
            marker_color="#F1F1F1",
            width=0.8,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Bar(
            x=[actual],
            y=[""],
            orientation="h",
            width=0.4,
            marker={"color": STATUS_COLOURS[p.status], "line": {"color": "#333", "width": 1}},
            name=_(
                legend_key,
                lang,
                value=actual_label,
                period=p.latest_period or "–",
                status=status_name,
            ),
            text=[f"{actual_label} · {status_name}"],
            cliponaxis=False,
            # Inside a long bar, from its start: outside its end it runs off a phone screen.
            textposition="inside" if abs(actual) >= 0.4 * extent else "outside",
            insidetextanchor="start",
            # Ink by contrast with the bar (plotly's own pick put white on the green at 3.4:1).
            insidetextfont={"color": ink_on(STATUS_COLOURS[p.status])},
            hovertext=hover or [actual_label],
            hoverinfo="text",
        )
    )
    if goal is not None:
        fig.add_trace(
            go.Scatter(
                x=[goal],
                y=[""],
                mode="markers",
                marker={
                    "symbol": "line-ns",
                    "size": 44,
                    "line": {"width": 4, "color": TARGET_COLOUR},
                },
                name=_(
                    "views.fig.legend.target",
                    lang,
                    value=value_with_unit(goal, unit, lang),
                    year=target.target_year,
                ),
                hovertext=[
                    _(
                        "views.fig.legend.target",
                        lang,
                        value=value_with_unit(goal, unit, lang),
                        year=target.target_year,
                    )
                ],
                hoverinfo="text",
            )
        )
    if base is not None and p.baseline_period:
        # The document's baseline, or else where the series starts (the first actual).
        key = (
            "views.fig.legend.baseline"
            if p.baseline_source == "catalog"
            else "views.fig.legend.start"
        )
        label = _(key, lang, value=value_with_unit(base, unit, lang), period=p.baseline_period)
        fig.add_trace(
            go.Scatter(
                x=[base],
                y=[""],
                mode="markers",
                marker={"symbol": "line-ns", "size": 30, "line": {"width": 3, "color": MUTED}},
                name=label,
                hovertext=[label],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="overlay", bargap=0.1)
    fig.update_xaxes(range=[min(0.0, actual * 1.1), extent])
    fig.update_yaxes(showticklabels=False, showgrid=False)
    return finish(
        fig,
        title=title,
        subtitle=subtitle(target, p, lang),
        source=source_line(snap, [target], lang, drawn),
        height=190,
        lang=lang,
        x_title=x_title,
    )
