"""Plotly figure builders. Pure functions of the snapshot and the language; no Streamlit.

Each figure stands on its own (it is also exported for slides): a title, axis titles with
the unit, a legend where there is more than one trace, and a bottom line citing the
publications shown, the document clause of the target and the newest period. Status is
never shown by colour alone: its name sits next to the colour in the legend or the label.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from indicators.base.catalog import NATIONAL, Lang, Target
from indicators.base.formatting import format_value, unit_label
from indicators.base.i18n import _
from indicators.base.periods import parse_period
from indicators.base.status import (
    DISPLAY_ORDER,
    STATUS_COLOURS,
    STATUS_SYMBOLS,
    TASK_STATUS_COLOURS,
    brightness,
)
from indicators.domain.metrics import Progress
from indicators.domain.regional import (
    pending_provinces,
    progress_at,
    province_rows,
    ranked_provinces,
)
from indicators.domain.snapshot import Snapshot
from indicators.domain.taskboard import SHOWN_STATUSES, department_counts
from indicators.domain.wording import pct_text, summary_line, value_with_unit
from indicators.present.chart_parts import (
    ACTUAL_COLOUR,
    FONT_FAMILY,
    MUTED,
    PROJECTION_COLOUR,
    REPORTED_COLOUR,
    REQUIRED_COLOUR,
    TARGET_COLOUR,
    date_of_t,
    finish,
    hover_for_rows,
    no_data_figure,
    period_date,
    rows_drawn,
    source_line,
    target_rows,
    year_end_ticks,
)
from indicators.present.tables import regions_table

__all__ = [
    "FONT_FAMILY",
    "STATUS_COLOURS",
    "TASK_STATUS_COLOURS",
    "bullet_chart",
    "department_summary",
    "milestone_timeline",
    "pct_achieved_bar",
    "regions_bar",
    "tile_label",
    "tile_map",
    "trajectory_chart",
]

# Colour-blind safe and readable in greyscale, for % achieved.
PCT_SCALE = "Cividis"
PCT_SCALE_MAX = 120.0
PCT_LABEL_INSIDE = 45.0  # % achieved from which a bar holds its own label
# A tile is about 40 px wide when the map has half of a 1280 px window: its label lines
# must stay within this many characters at TILE_FONT sizes.
TILE_LABEL_CHARS = 8
TILE_FONT = {"en": 9, "zh": 11}
TILE_VALUE_FONT = 9  # "数据不足" (four characters) must fit a tile too
DEPARTMENTS_SHOWN = 15
OTHER_DEPARTMENTS = "_other"


def _region_suffix(snap: Snapshot, region_code: str, lang: Lang) -> str:
    if region_code == NATIONAL:
        return ""
    region = snap.catalog.regions.get(region_code)
    return f" · {region.name(lang) if region else region_code}"


def _axis_title(target: Target, lang: Lang) -> str:
    unit = unit_label(target.unit, lang) if target.unit and target.unit != "event" else ""
    kind = _(f"kind.{target.kind}", lang)
    return f"{kind}({unit})" if lang == "zh" and unit else (f"{kind} ({unit})" if unit else kind)


def _text_colour(hex_colour: str) -> str:
    if hex_colour.startswith("rgb"):
        return "#000000"
    return "#000000" if brightness(hex_colour) > 140 else "#FFFFFF"


def _rgb_to_hex(colour: str) -> str:
    if colour.startswith("#"):
        return colour
    nums = [int(float(x)) for x in colour[colour.index("(") + 1 : colour.index(")")].split(",")]
    return "#" + "".join(f"{n:02X}" for n in nums[:3])


def _no_data(
    snap: Snapshot, target: Target, title: str, lang: Lang, height: int = 240
) -> go.Figure:
    return no_data_figure(
        title,
        _("views.no_data", lang),
        source_line(snap, [target], lang, snap.actuals.iloc[0:0]),
        lang,
        height,
    )


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
                text=[f"{pct_text(p)} · {_(f'status.{status}', lang)}" for _t, p in group],
                # Labels at the start of a long bar, past the end of a short one: never where
                # the 100 % line crosses.
                textposition=[
                    "inside" if (p.pct_achieved or 0) >= PCT_LABEL_INSIDE else "outside"
                    for _t, p in group
                ],
                insidetextanchor="start",
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
    status_name = _(f"status.{p.status}", lang)
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
                "views.fig.legend.latest",
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
        subtitle=summary_line(p, lang),
        source=source_line(snap, [target], lang, drawn),
        height=190,
        lang=lang,
        x_title=x_title,
    )


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


# A preview's pending points: an open ring round the point, in a colour no status uses.
PENDING_COLOUR = "#D81B60"


def _pending_trace(snap: Snapshot, xs: list, ys: list, lang: Lang) -> go.Scatter:
    """Rings round the points a preview shows before they are published (legend: which
    upload)."""
    return go.Scatter(
        x=xs,
        y=ys,
        mode="markers",
        hoverinfo="name",
        marker={"symbol": "circle-open", "size": 20, "color": PENDING_COLOUR, "line": {"width": 3}},
        name=_("preview.fig.pending", lang, id=snap.preview),
        cliponaxis=False,  # whole, like the points they ring
    )


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
        line = value_with_unit(pt.value, unit, lang, pt.qualifier)
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
    latest = p.series[-1]
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
    return finish(
        fig,
        title=title,
        subtitle=summary_line(p, lang),
        source=source_line(snap, [target], lang, rows),
        height=360,
        lang=lang,
        x_title=_("views.fig.axis.period", lang),
        y_title=_axis_title(target, lang),
    )


def sparkline_svg(
    snap: Snapshot, target_id: str, lang: Lang, width: int = 240, height: int = 56
) -> str:
    """The card's sparkline as a small inline SVG: the series, the latest point in its
    status colour, the target as a dashed line. Plain SVG rather than a plotly chart, so
    a card paints before plotly.js (some 4 MB) has loaded; ``role="img"`` with a label
    says what it shows. Empty without figures."""
    target = snap.catalog.targets[target_id]
    p = progress_at(snap, target_id)
    pts = [(pt.t, pt.value) for pt in p.series]
    if not pts:
        return ""
    goal = p.target_value if target.kind != "milestone" else None
    ys = [v for _t, v in pts] + ([goal] if goal is not None else [])
    lo, hi = min(ys), max(ys)
    t0, t1 = pts[0][0], pts[-1][0]
    pad = 5

    def x(t: float) -> float:
        return pad + (width - 2 * pad) * ((t - t0) / (t1 - t0) if t1 > t0 else 0.5)

    def y(v: float) -> float:
        return pad + (height - 2 * pad) * ((hi - v) / (hi - lo) if hi > lo else 0.5)

    line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in pts)
    last_t, last_v = pts[-1]
    label = _(
        "views.card.sparkline",
        lang,
        name=target.name(lang),
        first=p.series[0].period,
        last=p.series[-1].period,
        n=len(pts),
    )
    parts = [
        f'<svg role="img" aria-label="{html.escape(label, quote=True)}" '
        f'viewBox="0 0 {width} {height}" width="100%" height="{height}" '
        f'preserveAspectRatio="none" style="display:block">'
    ]
    if goal is not None:
        parts.append(
            f'<line x1="0" x2="{width}" y1="{y(goal):.1f}" y2="{y(goal):.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1" stroke-dasharray="4 3" '
            'vector-effect="non-scaling-stroke"/>'
        )
    parts.append(
        f'<polyline points="{line}" fill="none" stroke="{ACTUAL_COLOUR}" '
        'stroke-width="2" vector-effect="non-scaling-stroke"/>'
    )
    parts.append(
        f'<circle cx="{x(last_t):.1f}" cy="{y(last_v):.1f}" r="4" '
        f'fill="{STATUS_COLOURS.get(p.status, ACTUAL_COLOUR)}" stroke="#333"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


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
        status=_(f"status.{p.status}", lang),
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
        _("views.fig.axis.gap", lang, unit=unit)
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
                f" {format_value(v)} · {_(f'status.{p.status}', lang)}"
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


def tile_map(snap: Snapshot, target_id: str, lang: Lang, metric: str = "status") -> go.Figure:
    """China as a grid of equal squares, one per province, coloured by status or % achieved.

    Squares instead of boundaries: a map of China's borders must come from an approved
    source, and equal tiles also keep small provinces visible.
    """
    cat = snap.catalog
    target = cat.targets[target_id]
    title = _("views.fig.tiles.title", lang, name=target.name(lang))
    by_code = {p.region_code: p for p in ranked_provinces(snap, target_id)}
    rows = province_rows(snap, target_id)
    if not by_code:
        return no_data_figure(
            title, _("views.no_data", lang), source_line(snap, [target], lang, rows), lang, 300
        )
    # (province, column, row) for the provinces placed on the grid.
    tiles = [
        (r, r.tile_col, r.tile_row)
        for r in cat.provinces
        if r.tile_row is not None and r.tile_col is not None
    ]
    fig = go.Figure()
    groups: dict[str, list] = {}
    for r, col, row in tiles:
        p = by_code.get(r.code)
        if metric == "pct_achieved":
            if p is None or p.pct_achieved is None:
                colour, key = STATUS_COLOURS["no_data"], "no_data"
            else:
                scaled = min(max(p.pct_achieved, 0.0), PCT_SCALE_MAX) / PCT_SCALE_MAX
                colour, key = _rgb_to_hex(sample_colorscale(PCT_SCALE, [scaled])[0]), "pct"
        else:
            key = p.status if p is not None else "no_data"
            colour = STATUS_COLOURS[key]
        fig.add_shape(
            type="rect",
            x0=col - 0.46,
            x1=col + 0.46,
            y0=row - 0.46,
            y1=row + 0.46,
            fillcolor=colour,
            line={"color": "white", "width": 1},
            layer="below",
        )
        value = pct_text(p) if p is not None else _("status.no_data", lang)
        if metric != "pct_achieved":
            value = f"{STATUS_SYMBOLS.get(key, '')} {value}".strip()
        hover = (
            _province_hover(snap, target, p, lang)
            if p is not None
            else f"<b>{r.name(lang)}</b><br>{_('status.no_data', lang)}"
        )
        groups.setdefault(key, []).append(
            (
                r,
                (
                    f"<b>{tile_label(r.name(lang))}</b><br>"
                    f"<span style='font-size:{TILE_VALUE_FONT}px'>"
                    f"{value}</span>"
                ),
                _text_colour(colour),
                hover,
            )
        )
    for items in groups.values():
        fig.add_trace(
            go.Scatter(
                x=[r.tile_col for r, *_rest in items],
                y=[r.tile_row for r, *_rest in items],
                mode="text",
                text=[t for _r, t, _c, _h in items],
                cliponaxis=False,
                textfont={"color": [c for _r, _t, c, _h in items], "size": TILE_FONT[lang]},
                hovertext=[h for *_rest, h in items],
                hoverinfo="text",
                showlegend=False,
            )
        )
    if metric == "pct_achieved":
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                marker={
                    "colorscale": PCT_SCALE,
                    "cmin": 0,
                    "cmax": PCT_SCALE_MAX,
                    "color": [0],
                    "showscale": True,
                    "colorbar": {
                        "title": {"text": _("col.pct_achieved", lang)},
                        "thickness": 12,
                        "len": 0.8,
                        "ticksuffix": "%",
                    },
                },
            )
        )
        legend = False
    else:
        for status in DISPLAY_ORDER:
            if status in groups:
                symbol = STATUS_SYMBOLS.get(status, "")
                fig.add_trace(
                    go.Scatter(
                        x=[None],
                        y=[None],
                        mode="markers",
                        name=f"{symbol} {_(f'status.{status}', lang)}".strip(),
                        marker={"symbol": "square", "size": 14, "color": STATUS_COLOURS[status]},
                    )
                )
        legend = True
    cols = [col for _r, col, _row in tiles]
    tile_rows = [row for _r, _col, row in tiles]
    # Only the grid itself: squares as large as the column allows, kept square by the
    # scale anchor (plotly widens the other axis' range rather than stretching them).
    fig.update_xaxes(visible=False, range=[min(cols) - 0.55, max(cols) + 0.55])
    fig.update_yaxes(
        visible=False,
        range=[max(tile_rows) + 0.55, min(tile_rows) - 0.55],
        scaleanchor="x",
        scaleratio=1,
    )
    metric_name = _("col.pct_achieved", lang) if metric == "pct_achieved" else _("col.status", lang)
    subtitle = _("views.fig.tiles.subtitle", lang, metric=metric_name)
    finish(
        fig,
        title=title,
        subtitle=subtitle,
        source=source_line(snap, [target], lang, rows),
        height=480,
        lang=lang,
        legend=legend,
        width_chars=60,
    )
    fig.update_layout(meta={**fig.layout.meta, "data": _tile_data(snap, target_id, lang)})
    return fig


def _tile_data(snap: Snapshot, target_id: str, lang: Lang) -> dict[str, list]:
    """What the tiles say, for the chart's data download: the provinces table with every
    province (one definition, ``tables.regions_table``), units in the header."""
    table = regions_table(snap, target_id, lang, every_province=True)
    units = table.attrs.get("units", {})
    columns = [f"{c} ({units[c]})" if units.get(c) else str(c) for c in table.columns]
    # Plotly's meta is JSON: a missing number is None, not NaN.
    rows = table.astype(object).where(table.notna(), None).values.tolist()
    return {"columns": columns, "rows": rows}


_PINYIN_VOWELS = set("aeiouü")


def _syllable_starts(word: str) -> list[int]:
    """Where a pinyin syllable may start inside a romanised name (Hei|long|jiang)."""
    low = word.lower()
    out = []
    for i in range(1, len(low) - 1):
        c, nxt, prev = low[i], low[i + 1], low[i - 1]
        if c in _PINYIN_VOWELS or not c.isalpha():
            continue
        if not (nxt in _PINYIN_VOWELS or (c in "zcs" and nxt == "h")):
            continue
        if c == "h" and prev in "zcs":
            continue
        if prev in _PINYIN_VOWELS or low[i - 2 : i] == "ng" or (prev in "nr" and c != "g"):
            out.append(i)
    return out


def _split_word(word: str, width: int) -> list[str]:
    if len(word) <= width or re.search(r"[^\x00-\x7f]", word):
        return [word]
    cuts = [i for i in _syllable_starts(word) if i <= width - 1]
    cut = cuts[-1] if cuts else width - 1
    return [word[:cut] + "-", *_split_word(word[cut:], width)]


def tile_label(name: str, width: int = TILE_LABEL_CHARS) -> str:
    """A province name broken with <br> into lines of at most ``width`` characters, so it
    fits its tile: words on their own lines, long romanised names at a syllable
    ("Heilong-<br>jiang"). Chinese short names (三个字) are left whole."""
    lines: list[str] = []
    for word in name.split():
        for part in _split_word(word, width):
            if lines and len(lines[-1]) + 1 + len(part) <= width and not lines[-1].endswith("-"):
                lines[-1] += " " + part
            else:
                lines.append(part)
    return "<br>".join(lines)


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
    done: dict[str, list[tuple[Target, str]]] = {}  # status -> (target, period first met)
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


def department_summary(snap: Snapshot, lang: Lang, document_id: str | None = None) -> go.Figure:
    """Tasks each department leads or shares, stacked by status."""
    cat = snap.catalog
    counts = department_counts(snap, document_id)
    docs = [cat.documents[document_id]] if document_id else list(cat.documents.values())
    title = _("views.fig.departments.title", lang)
    source = _(
        "views.fig.source_line.tasks",
        lang,
        target="; ".join(_("views.fig.clause.tasks", lang, document=d.number(lang)) for d in docs),
        period=snap.as_of.isoformat(),
    )
    if counts.empty:
        return no_data_figure(title, _("views.no_tasks", lang), source, lang)
    totals = counts.groupby("department_id")["n"].sum().sort_values(ascending=False)
    order = list(totals.index)
    names = {d: (cat.departments[d].name(lang) if d in cat.departments else d) for d in order}
    if len(order) > DEPARTMENTS_SHOWN + 1:
        # The busiest by name, the rest as one row: 35 rows do not fit a slide legibly,
        # and the task table beside the chart lists every department.
        rest = order[DEPARTMENTS_SHOWN:]
        counts = counts.assign(
            department_id=counts["department_id"].where(
                ~counts["department_id"].isin(rest), OTHER_DEPARTMENTS
            )
        )
        counts = counts.groupby(["department_id", "status"], as_index=False)["n"].sum()
        order = [*order[:DEPARTMENTS_SHOWN], OTHER_DEPARTMENTS]
        names[OTHER_DEPARTMENTS] = _("views.fig.departments.other", lang, n=len(rest))
    fig = go.Figure()
    for status in SHOWN_STATUSES:
        part = counts[counts["status"] == status].set_index("department_id")["n"]
        if part.empty:
            continue
        label = _(f"views.task_status.{status}", lang)
        fig.add_trace(
            go.Bar(
                y=[names[d] for d in order],
                x=[int(part.get(d, 0)) for d in order],
                orientation="h",
                name=label,
                marker_color=TASK_STATUS_COLOURS[status],
                hovertemplate=f"%{{y}}: %{{x}} · {label}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(
        categoryorder="array", categoryarray=[names[d] for d in order], autorange="reversed"
    )
    return finish(
        fig,
        title=title,
        subtitle=_("views.fig.departments.subtitle", lang),
        source=source,
        height=120 + 24 * len(order),
        lang=lang,
        x_title=_("views.fig.axis.tasks", lang),
    )


def status_legend(lang: Lang, statuses: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(status, label, colour) in display order, for legends drawn outside a figure; only
    the given statuses when a view knows which it shows."""
    shown = [s for s in DISPLAY_ORDER if statuses is None or s in statuses]
    return [(s, _(f"status.{s}", lang), STATUS_COLOURS[s]) for s in shown]
