"""Milestones: when each target of a domain was (or is due to be) met."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from indicators.base.catalog import Lang, Target
from indicators.base.i18n import _
from indicators.base.status import STATUS_COLOURS, Status
from indicators.domain.regional import progress_at
from indicators.domain.snapshot import Snapshot
from indicators.present.chart_parts import (
    MUTED,
    TARGET_COLOUR,
    finish,
    hover_for_rows,
    no_data_figure,
    period_date,
    source_line,
    target_rows,
    year_end_ticks,
)

# --- milestones and tasks -----------------------------------------------------------------


def _milestones(snap: Snapshot, targets: list[Target], title: str, lang: Lang) -> go.Figure:
    if not targets:
        return no_data_figure(
            title, _("views.no_milestones", lang), source_line(snap, [], lang), lang, 220
        )
    fig = go.Figure()
    names = [t.name(lang) for t in targets]
    due_x: list[date] = []
    due_text: list[str] = []
    done: dict[Status, list[tuple[Target, str]]] = {}  # status -> (target, period first met)
    for t in targets:
        p = progress_at(snap, t.id)
        due_x.append(date(t.target_year, 12, 31))
        due_text.append(_("views.fig.milestone.due", lang, year=t.target_year))
        if p.first_met_period:
            done.setdefault(p.status, []).append((t, p.first_met_period))
    fig.add_trace(
        go.Scatter(
            # Labelled "due by the end of 2020" on the chart: the diamond sits on the year's
            # last day, at the gridline, and must not be read as 2021.
            x=due_x,
            y=names,
            mode="markers+text",
            text=due_text,
            textposition="bottom center",
            name=_("views.fig.milestone.deadline", lang),
            marker={
                "symbol": "diamond-open",
                "size": 16,
                "color": TARGET_COLOUR,
                "line": {"width": 2},
            },
            hovertext=due_text,
            hoverinfo="text",
            cliponaxis=False,
        )
    )
    for key, group in done.items():
        label = _(f"status.{key}", lang)
        colour = STATUS_COLOURS[key]
        hover = []
        for t, met in group:
            rows = target_rows(snap, t)
            rows = rows[rows["period"] == met]
            trace = hover_for_rows(rows, lang, t.unit)
            hover.append(f"<b>{t.name(lang)}</b>: {met}<br>{trace[0] if trace else ''}")
        fig.add_trace(
            go.Scatter(
                x=[period_date(met) for _t, met in group],
                y=[t.name(lang) for t, _met in group],
                mode="markers+text",
                text=[f"{label} · {met}" for _t, met in group],
                textposition="top center",
                name=label,
                marker={"symbol": "circle", "size": 14, "color": colour},
                hovertext=hover,
                hoverinfo="text",
            )
        )
    pending = [t.name(lang) for t in targets if not progress_at(snap, t.id).first_met_period]
    if pending:
        fig.add_trace(
            go.Scatter(
                x=[
                    date(t.target_year, 12, 31)
                    for t in targets
                    if not progress_at(snap, t.id).first_met_period
                ],
                y=pending,
                mode="markers+text",
                text=[_("views.fig.milestone.pending", lang)] * len(pending),
                # An unseen marker the deadline's size, so the word clears the diamond.
                marker={"size": 16, "color": "rgba(0,0,0,0)"},
                textposition="top center",
                name=_("views.fig.milestone.pending", lang),
                hoverinfo="skip",
            )
        )
    as_of = snap.as_of.isoformat()
    fig.add_shape(
        type="line",
        x0=as_of,
        x1=as_of,
        yref="paper",
        y0=0,
        y1=1,
        line={"color": MUTED, "width": 1, "dash": "dot"},
    )
    fig.add_annotation(
        x=as_of,
        y=1,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=_("views.fig.today", lang, date=snap.as_of.isoformat()),
        font={"size": 11, "color": MUTED},
    )
    first_year = (
        min(
            [t.target_year for t in targets]
            + [
                period_date(p).year
                for p in (progress_at(snap, t.id).first_met_period for t in targets)
                if p
            ]
        )
        - 1
    )
    last_year = max(snap.as_of.year, *(t.target_year for t in targets))
    # Year bands as on the trajectories: a deadline "by the end of 2020" is the right edge
    # of the 2020 band, not a point under a "2021" tick.
    # Half a year past the last band: room for the labels of a deadline at its edge.
    fig.update_xaxes(
        range=[date(first_year, 1, 1).isoformat(), date(last_year + 1, 6, 30).isoformat()]
    )
    year_end_ticks(fig, first_year, last_year)
    fig.update_yaxes(categoryorder="array", categoryarray=names)
    return finish(
        fig,
        title=title,
        source=source_line(snap, targets, lang),
        height=150 + 60 * len(targets),
        lang=lang,
        x_title=_("views.fig.axis.date", lang),
    )


def milestone_timeline(snap: Snapshot, domain_id: str, lang: Lang) -> go.Figure:
    """Each dated milestone of a domain: its deadline and when it actually happened."""
    targets = [
        t
        for t in sorted(snap.catalog.targets_in(domain_id), key=lambda t: t.sort)
        if t.kind == "milestone"
    ]
    domain = snap.catalog.domains[domain_id]
    title = _("views.fig.milestones.title", lang, domain=domain.name(lang))
    return _milestones(snap, targets, title, lang)
