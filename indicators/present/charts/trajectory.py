"""One target's trajectory over time: published figures, the path required to the target,
the projection, a preview's pending points."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from indicators.base.catalog import NATIONAL, Lang, Target
from indicators.base.formatting import unit_decimals
from indicators.base.i18n import _
from indicators.base.periods import parse_period
from indicators.domain.metrics import Progress
from indicators.domain.regional import progress_at
from indicators.domain.snapshot import Snapshot
from indicators.domain.wording import value_with_unit
from indicators.present.chart_parts import (
    ACTUAL_COLOUR,
    MUTED,
    PROJECTION_COLOUR,
    REPORTED_COLOUR,
    REQUIRED_COLOUR,
    TARGET_COLOUR,
    date_of_t,
    finish,
    hover_for_rows,
    period_date,
    source_line,
    target_rows,
    year_end_ticks,
)
from indicators.present.charts.common import (
    _axis_title,
    _no_data,
    _pending_trace,
    _region_suffix,
    subtitle,
)
from indicators.present.charts.milestones import _milestones


def _path(
    start_t: float,
    start: float,
    end_t: float,
    end: float,
    compound: bool,
    start_x: date | None = None,
) -> tuple[list[date], list[float]]:
    """A line from a figure to the target year; ``start_x`` is the figure's own date, so the
    line leaves the point it starts from (a month's t maps back to a date a day off)."""
    steps = max(2, int((end_t - start_t) * 4) + 1)
    ts = [start_t + (end_t - start_t) * i / (steps - 1) for i in range(steps)]
    if compound and start > 0 and end > 0:
        ys = [start * (end / start) ** ((t - start_t) / (end_t - start_t)) for t in ts]
    else:
        ys = [start + (end - start) * (t - start_t) / (end_t - start_t) for t in ts]
    xs = [date_of_t(t) for t in ts]
    if start_x is not None:
        xs[0] = start_x
    return xs, ys


def trajectory_chart(
    snap: Snapshot,
    target_id: str,
    lang: Lang,
    region_code: str = NATIONAL,
    *,
    years: tuple[int, int] | None = None,
) -> go.Figure:
    """Actuals, the path required to the target, and the current trend projected to it."""
    cat = snap.catalog
    target = cat.targets[target_id]
    title = _("views.fig.trajectory.title", lang, name=target.name(lang)) + _region_suffix(
        snap, region_code, lang
    )
    if target.kind == "milestone":
        # An event has no path: its chart shows the deadline and when it happened.
        title = _("views.fig.milestone.title", lang, name=target.name(lang)) + _region_suffix(
            snap, region_code, lang
        )
        return _milestones(snap, [target], title, lang)
    p = progress_at(snap, target_id, region_code)
    rows = target_rows(snap, target, region_code)
    if not p.series:
        return _no_data(snap, target, title, lang, 320)
    unit = target.unit
    fig = go.Figure()
    # A derived series (a rate computed from a level target) is drawn from its level's rows.
    level = cat.targets[target.derived_from] if target.derived_from else None
    derived = level is not None and any(pt.derived for pt in p.series)
    drawn_id, drawn_unit = (level.id, level.unit) if derived and level else (target.id, unit)
    hover_by_period = dict(
        zip(
            rows.loc[rows["indicator_id"] == drawn_id, "period"],
            hover_for_rows(rows[rows["indicator_id"] == drawn_id], lang, drawn_unit),
            strict=True,
        )
    )

    # Marks are drawn whole at the axis' edge (a year's figure sits on its last day, often the
    # right edge: clipped, it showed half a dot), so none outside a chosen window is drawn.
    def in_window(period: str) -> bool:
        return years is None or years[0] <= parse_period(period).year <= years[1]

    series = [pt for pt in p.series if in_window(pt.period)]
    hover = []
    for pt in series:
        line = value_with_unit(pt.value, unit, lang, pt.qualifier, pt.high)
        if pt.derived and level is not None:
            base = level
            line = _(
                "views.fig.hover.derived",
                lang,
                period=pt.period,
                value=f"{pt.value:.2f}",
                base=base.baseline_period,
                level=base.name(lang),
            )
        hover.append(f"{line}<br>{hover_by_period.get(pt.period, '')}")
    series_name = _("views.fig.series.derived" if derived else "views.fig.series.actual", lang)
    fig.add_trace(
        go.Scatter(
            x=[period_date(pt.period) for pt in series],
            y=[pt.value for pt in series],
            mode="lines+markers",
            name=series_name,
            line={"color": ACTUAL_COLOUR, "width": 3},
            marker={"size": 8},
            hovertext=hover,
            hoverinfo="text",
            cliponaxis=False,
            # For the data download: each figure's qualifier as published ("约5", not 5.0).
            meta={"qualifiers": [pt.qualifier or "" for pt in series]},
        )
    )
    pending = set(snap.pending_periods([target.id, drawn_id], region_code))
    if pending:
        marked = [pt for pt in series if pt.period in pending]
        fig.add_trace(
            _pending_trace(
                snap, [period_date(pt.period) for pt in marked], [pt.value for pt in marked], lang
            )
        )
    T = float(target.target_year)
    goal = p.target_value
    _required_path(fig, p, target, lang)
    latest = p.series[-1]
    _projection(fig, p, target, lang)
    if derived:
        # The directly published year-on-year figures, as context beside the derived average.
        reported = rows[rows["indicator_id"] == target.id]
        reported = reported[[in_window(x) for x in reported["period"]]]
        if not reported.empty:
            fig.add_trace(
                go.Scatter(
                    x=[period_date(x) for x in reported["period"]],
                    y=list(reported["value"]),
                    mode="markers",
                    marker={"symbol": "diamond", "size": 11, "color": REPORTED_COLOUR},
                    name=_("views.fig.series.reported", lang),
                    hovertext=hover_for_rows(reported, lang, unit),
                    hoverinfo="text",
                    cliponaxis=False,
                    meta={"qualifiers": [_qualifier(q) for q in reported.get("qualifier", [])]},
                )
            )
    if goal is not None:
        fig.add_trace(
            go.Scatter(
                x=[date_of_t(T)],
                y=[goal],
                mode="markers",
                marker={"symbol": "star", "size": 16, "color": TARGET_COLOUR},
                name=_(
                    "views.fig.legend.target",
                    lang,
                    value=value_with_unit(goal, unit, lang),
                    year=target.target_year,
                ),
                # At the year's end, often the axis' right edge: drawn whole, not cut in half.
                hoverinfo="name",
                cliponaxis=False,
            )
        )
    year_end = date_of_t(T).isoformat()
    fig.add_shape(
        type="line",
        x0=year_end,
        x1=year_end,
        yref="paper",
        y0=0,
        y1=1,
        line={"color": TARGET_COLOUR, "width": 1, "dash": "dot"},
    )
    # Left of the line: inside the target year's band, and inside the plot at its edge.
    fig.add_annotation(
        x=year_end,
        y=1,
        yref="paper",
        yanchor="bottom",
        xanchor="right",
        showarrow=False,
        text=_("views.fig.target_year", lang, year=target.target_year),
        font={"size": 11, "color": MUTED},
    )
    first = min(parse_period(pt.period).year for pt in p.series)
    if p.baseline_period:
        first = min(first, parse_period(p.baseline_period).year)
    last = max(target.target_year, parse_period(latest.period).year)
    if years is not None:
        first, last = years
    # Whole years, so every year's band is complete and labelled.
    fig.update_xaxes(range=[date(first, 1, 1).isoformat(), date(last + 1, 1, 1).isoformat()])
    year_end_ticks(fig, first, last)
    # The data download writes each value to the precision the pages show it at (a path's
    # 4.00643 is 4.01 in the target's unit).
    for trace in fig.data:
        trace.meta = {**(trace.meta or {}), "decimals": unit_decimals(unit)}
    return finish(
        fig,
        title=title,
        subtitle=subtitle(target, p, lang),
        source=source_line(snap, [target], lang, rows),
        height=360,
        lang=lang,
        x_title=_("views.fig.axis.period", lang),
        y_title=_axis_title(target, lang),
    )


def _required_path(fig: go.Figure, p: Progress, target: Target, lang: Lang) -> None:
    """The path required to the target (a growth rate: its level line), or a line saying
    the start already met it; the catalog's baseline marked where it is the start."""
    T = float(target.target_year)
    goal, unit = p.target_value, target.unit
    if goal is not None and target.kind == "growth_rate":
        start = p.series[0]
        fig.add_trace(
            go.Scatter(
                x=[period_date(start.period), date_of_t(T)],
                y=[goal, goal],
                mode="lines",
                name=_("views.fig.series.required_rate", lang, value=f"{goal:g}"),
                line={"color": REQUIRED_COLOUR, "dash": "dash", "width": 2},
                hoverinfo="skip",
            )
        )
    elif goal is not None and p.baseline_period is not None and p.baseline_value is not None:
        t0 = parse_period(p.baseline_period).t
        # A start that already meets the target needs no path (it would run backwards).
        if T > t0 and not p.met_at_baseline:
            xs, ys = _path(
                t0,
                p.baseline_value,
                T,
                goal,
                p.method == "compound",
                period_date(p.baseline_period),
            )
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=_("views.fig.series.required", lang, start=p.baseline_period),
                    line={"color": REQUIRED_COLOUR, "dash": "dash", "width": 2},
                    hovertemplate="%{y:.3g}<extra></extra>",
                )
            )
        elif p.met_at_baseline:
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    marker={"opacity": 0},
                    hoverinfo="skip",
                    name=_("views.fig.series.already_met", lang, start=p.baseline_period),
                )
            )
        if p.baseline_source == "catalog":
            fig.add_trace(
                go.Scatter(
                    x=[period_date(p.baseline_period)],
                    y=[p.baseline_value],
                    mode="markers",
                    marker={
                        "symbol": "square-open",
                        "size": 11,
                        "color": MUTED,
                        "line": {"width": 2},
                    },
                    name=_(
                        "views.fig.legend.baseline",
                        lang,
                        value=value_with_unit(p.baseline_value, unit, lang),
                        period=p.baseline_period,
                    ),
                    hoverinfo="name",
                )
            )


def _projection(fig: go.Figure, p: Progress, target: Target, lang: Lang) -> None:
    """The current trend carried to the target year, while that year is still open."""
    T = float(target.target_year)
    goal, unit, latest = p.target_value, target.unit, p.series[-1]
    if (
        goal is not None
        and not p.target_year_passed
        and latest.t < T
        and target.kind != "growth_rate"
    ):
        end = p.projected_value if p.method == "compound" else p.projected_linear
        if end is not None:
            xs, ys = _path(
                latest.t, latest.value, T, end, p.method == "compound", period_date(latest.period)
            )
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=_(
                        "views.fig.series.projection",
                        lang,
                        year=target.target_year,
                        value=value_with_unit(round(end, 3), unit, lang),
                    ),
                    line={"color": PROJECTION_COLOUR, "dash": "dot", "width": 3},
                    hovertemplate="%{y:.3g}<extra></extra>",
                )
            )


def _qualifier(q: object) -> str:
    return q if isinstance(q, str) else ""
