"""Provinces ranked by their gap to the target (a bar per province)."""

from __future__ import annotations

import plotly.graph_objects as go

from indicators.base.catalog import Lang, Target
from indicators.base.formatting import format_value, unit_label
from indicators.base.i18n import _
from indicators.base.status import DISPLAY_ORDER, STATUS_COLOURS
from indicators.domain.metrics import Progress
from indicators.domain.regional import pending_provinces, province_rows, ranked_provinces
from indicators.domain.snapshot import Snapshot
from indicators.domain.wording import pct_text, status_label
from indicators.present.chart_parts import (
    TARGET_COLOUR,
    finish,
    hover_for_rows,
    no_data_figure,
    source_line,
    target_rows,
)
from indicators.present.charts.common import _pending_trace

# --- provinces ----------------------------------------------------------------------------


def _province_hover(snap: Snapshot, target: Target, p: Progress, lang: Lang) -> str:
    region = snap.catalog.regions[p.region_code]
    rows = target_rows(snap, target, p.region_code)
    latest = rows[rows["period"] == p.latest_period]
    trace = hover_for_rows(latest, lang, target.unit)
    head = _(
        "views.fig.hover.province",
        lang,
        name=region.name(lang),
        status=status_label(p, lang),
        pct=pct_text(p),
    )
    return f"<b>{head}</b><br>{trace[0] if trace else ''}"


def regions_bar(snap: Snapshot, target_id: str, lang: Lang) -> go.Figure:
    """Provinces ranked by gap to the target (furthest first), coloured and labelled by status."""
    target = snap.catalog.targets[target_id]
    title = _("views.fig.regions.title", lang, name=target.name(lang))
    ranked = ranked_provinces(snap, target_id)
    rows = province_rows(snap, target_id)
    if not ranked:
        return no_data_figure(
            title, _("views.no_data", lang), source_line(snap, [target], lang, rows), lang, 240
        )
    by_gap = all(p.gap is not None for p in ranked)
    names = [snap.catalog.regions[p.region_code].name(lang) for p in ranked]
    fig = go.Figure()
    for status in DISPLAY_ORDER:
        group = [p for p in ranked if p.status == status]
        if not group:
            continue
        fig.add_trace(
            go.Bar(
                x=[(p.gap if by_gap else p.latest_value) for p in group],
                y=[snap.catalog.regions[p.region_code].name(lang) for p in group],
                orientation="h",
                name=_(f"status.{status}", lang),
                marker_color=STATUS_COLOURS[status],
                hovertext=[_province_hover(snap, target, p, lang) for p in group],
                hoverinfo="text",
            )
        )
    unit = unit_label(target.unit, lang)
    x_title = (
        # A share's or a rate's gap is in percentage points, not in per cent.
        (
            _("views.fig.axis.gap_points", lang)
            if target.unit == "%"
            else _("views.fig.axis.gap", lang, unit=unit)
        )
        if by_gap
        else _("views.fig.axis.latest", lang, unit=unit)
    )
    fig.update_yaxes(categoryorder="array", categoryarray=names, autorange="reversed")
    xs = [(p.gap if by_gap else p.latest_value) or 0.0 for p in ranked]
    # Each label ("11.2 · 进展有限") right of its bar or of zero, whichever is further right:
    # left of a bar below zero it ran into the province names on a phone ("Beiji-1 · Met…").
    shown = [round(p.gap, 2) if by_gap and p.gap is not None else p.latest_value for p in ranked]
    fig.add_trace(
        go.Scatter(
            x=[max(x, 0.0) for x in xs],
            y=names,
            mode="text",
            text=[
                f" {format_value(v)} · {status_label(p, lang)}"
                for v, p in zip(shown, ranked, strict=True)
            ],
            textposition="middle right",
            cliponaxis=False,
            showlegend=False,
            hoverinfo="skip",
        )
    )
    lo, hi = min(0.0, *xs), max(0.0, *xs)
    span = (hi - lo) or 1.0
    fig.update_xaxes(range=[lo - 0.02 * span, hi + 0.45 * span])
    if by_gap:
        fig.add_vline(x=0, line_color=TARGET_COLOUR, line_width=1)
    pending = pending_provinces(snap, target_id)
    marked = [p for p in ranked if p.region_code in pending]
    if marked:
        fig.add_trace(
            _pending_trace(
                snap,
                [(p.gap if by_gap else p.latest_value) for p in marked],
                [snap.catalog.regions[p.region_code].name(lang) for p in marked],
                lang,
            )
        )
    return finish(
        fig,
        title=title,
        source=source_line(snap, [target], lang, rows),
        height=120 + 22 * len(ranked),
        lang=lang,
        x_title=x_title,
        width_chars=60,
        subtitle=_("views.fig.regions.subtitle" if by_gap else "views.fig.regions.no_target", lang),
    )
