"""Pieces every figure shares: the source line, hover text, dates and the common layout.

Figures are exported on their own for slides, so each carries its title, units, source and
"data as of" line inside the picture rather than in the surrounding page.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from indicators.base.catalog import NATIONAL, Lang, Target
from indicators.base.clauses import clause_text
from indicators.base.escape import for_plotly
from indicators.base.formatting import (  # noqa: F401 (re-exported)
    format_value,
    text_width,
    unit_label,
    unit_suffix,
)
from indicators.base.i18n import _
from indicators.base.periods import parse_period
from indicators.base.sources import source_text
from indicators.domain.snapshot import Snapshot

FONT_FAMILY = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif"
INK = "#222222"
MUTED = "#666666"
# Line styles carry meaning too, so the chart reads in greyscale and for colour-blind eyes.
ACTUAL_COLOUR = "#0072B2"
REQUIRED_COLOUR = "#555555"
PROJECTION_COLOUR = "#E69F00"
TARGET_COLOUR = "#000000"
REPORTED_COLOUR = "#CC79A7"
MAX_SOURCES = 2
LINE_HEIGHT_PX = 15
TITLE_LINE_PX = 20
# A 16 px title character is about 1.4 times as wide as an 11 px source-line character:
# titles wrap at this share of ``width_chars`` so both fit the same column.
TITLE_WIDTH_SHARE = 0.7


def date_of_t(t: float) -> date:
    """The calendar date of a point on the periods time axis (a period sits at its end)."""
    whole = math.floor(t + 1e-9)
    frac = t - whole
    if frac < 1e-6:
        return date(whole, 12, 31)
    year = whole + 1
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    return date(year, 1, 1) + timedelta(days=max(round(frac * days) - 1, 0))


def period_date(label: str) -> date:
    return parse_period(label).end


def wrap(text: str, width: int = 110) -> str:
    """Break a long line with <br> so the source line never runs off an exported figure."""
    lines, line = [], ""
    for word in _tokens(text):
        if line and text_width(line + word) > width:
            lines.append(line.rstrip())
            line = word.lstrip()
        else:
            line += word
    lines.append(line.rstrip())
    return "<br>".join(x for x in lines if x)


def title_width(width_chars: int) -> int:
    """Where a figure's title wraps, in half-width characters, for a given source width."""
    return int(width_chars * TITLE_WIDTH_SHARE)


def wrap_title(title: str, width_chars: int = 100) -> str:
    """The title broken with <br> so it fits the width its source line wraps at."""
    return wrap(title, title_width(width_chars))


# Chinese line-breaking rules (避头尾): closing marks never begin a line, opening marks never
# end one ("三(十三" / ")。数据截至" read as a typo on an exported figure).
NO_LINE_START = frozenset("，。、；：？！）》」』】〕”’)]}.,;:?!%")
NO_LINE_END = frozenset("（《「『【〔“‘([{")


def _tokens(text: str) -> list[str]:
    # Latin words stay whole; every CJK character may end a line.
    out: list[str] = []
    for ch in text:
        if not out:
            out.append(ch)
            continue
        prev = out[-1][-1]
        kept = ch in NO_LINE_START or (prev in NO_LINE_END and ch != " ")
        may_break = text_width(ch) == 2 or ch == " " or prev == " " or text_width(prev) == 2
        if kept or not may_break:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def target_rows(snap: Snapshot, target: Target, region_code: str = NATIONAL) -> pd.DataFrame:
    """The stored figures a target's chart shows (its own and, if derived, its source's)."""
    ids = [target.id] + ([target.derived_from] if target.derived_from else [])
    a = snap.actuals
    return a[a["indicator_id"].isin(ids) & (a["region_code"] == region_code)]


def cited_sources(rows: pd.DataFrame, lang: Lang) -> str:
    """The publications behind the figures shown, newest first, a few by name."""
    if rows.empty:
        return _("views.fig.source.none", lang)
    ordered = rows.sort_values("t", ascending=False)["source"].dropna().astype(str)
    names = list(
        dict.fromkeys(for_plotly(source_text(s.strip(), lang)) for s in ordered if s.strip())
    )
    if not names:
        # There are figures, only no publication named with them.
        return _("views.fig.source.unnamed", lang)
    shown = _("sep.list", lang).join(names[:MAX_SOURCES])
    if len(names) > MAX_SOURCES:
        shown += _("views.fig.source.more", lang, n=len(names) - MAX_SOURCES)
    return shown


def newest_period(rows: pd.DataFrame) -> str | None:
    if rows.empty:
        return None
    return str(rows.sort_values("t")["period"].iloc[-1])


def source_line(
    snap: Snapshot,
    targets: list[Target],
    lang: Lang,
    rows: pd.DataFrame | None = None,
    *,
    source: str | None = None,
) -> str:
    """'Source: <publications>; target: <document, clause>. Data as of <period>'."""
    cat = snap.catalog
    if rows is None:
        rows = (
            pd.concat([target_rows(snap, t) for t in targets])
            if targets
            else snap.actuals.iloc[0:0]
        )
    cites = list(
        dict.fromkeys(
            _(
                "views.fig.clause",
                lang,
                document=cat.documents[t.document_id].number(lang),
                clause=clause_text(t.clause, lang),
            )
            for t in targets
        )
    )
    if rows.empty and source is None:
        # Nothing drawn, nothing to cite: only what the target is.
        return _(
            "views.fig.source_line.target_only", lang, target=_("sep.list", lang).join(cites) or "–"
        )
    period = newest_period(rows) or snap.summary.get("newest_period") or "–"
    line = _(
        "views.fig.source_line",
        lang,
        source=source or cited_sources(rows, lang),
        target=_("sep.list", lang).join(cites) or "–",
        period=period,
    )
    # a figure made for a past date says what it shows is what was known then
    return line if snap.known_on is None else f"{line} · {snap.known_line(lang)}"


def rows_drawn(rows: pd.DataFrame, periods: Iterable[str | None]) -> pd.DataFrame:
    """The stored figures behind the points a chart draws (a source line cites only these)."""
    wanted = {p for p in periods if p}
    return rows[rows["period"].isin(wanted)]


def hover_for_rows(rows: pd.DataFrame, lang: Lang, unit: str) -> list[str]:
    """One hover line per figure, tracing it to its publication and the upload that wrote it."""
    u = unit_label(unit, lang)
    out = []
    for r in rows.itertuples():
        qualifier = r.qualifier if isinstance(r.qualifier, str) else None
        out.append(
            _(
                "views.fig.hover.actual",
                lang,
                period=r.period,
                value=format_value(r.value, qualifier, lang),
                unit=u,
                source=for_plotly(source_text(r.source, lang)) if r.source else "–",
                upload=int(r.upload_id),
                file=for_plotly(r.file_name) if isinstance(r.file_name, str) else "–",
                user=for_plotly(r.user_name or "–"),
            )
        )
    return out


def _legend_items(fig: go.Figure) -> int:
    return sum(1 for t in fig.data if t.showlegend is not False and t.name)


# The band under the plot: tick labels, then the axis title (a fixed standoff so its place
# does not depend on the renderer), then the source line. Measured in plotly's SVG: tick
# labels take 22 px; a 14 px title sits STANDOFF below them: its baseline 35 px under the
# plot, its descenders 39 px.
AXIS_STANDOFF = 10
TICKS_PX = 22
AXIS_TITLE_PX = TICKS_PX + AXIS_STANDOFF + 10
SOURCE_GAP_PX = 10
# Category labels (provinces, targets, departments) wrap at this many half-width cells, so
# a long ministry name cannot push the plot off a phone screen or a slide.
LABEL_WRAP = 36
LABEL_CELL_PX = 6.5
LABEL_LINE_PX = 14


def _category_labels(fig: go.Figure) -> list[str]:
    """The y-axis categories of horizontal bar charts, in order of first appearance."""
    order = list(fig.layout.yaxis.categoryarray or ())
    for t in fig.data:
        if t.type == "bar" and t.orientation == "h" and t.y is not None:
            order += [str(v) for v in t.y if isinstance(v, str) and v]
    return list(dict.fromkeys(order))


def _label_axis(fig: go.Figure) -> tuple[int, int]:
    """Wrap long category labels, show every one of them, and return (left margin in px
    the labels need, extra height in px for the added lines)."""
    labels = _category_labels(fig)
    if not labels:
        return 0, 0
    wrapped = [wrap(label, LABEL_WRAP) for label in labels]
    # Every label is drawn: plotly would otherwise thin dense category ticks.
    fig.update_yaxes(tickmode="array", tickvals=labels, ticktext=wrapped)
    widest = max(text_width(line) for w in wrapped for line in w.split("<br>"))
    # plotly gives every category the same height: room for the longest label in each.
    extra_lines = max(w.count("<br>") for w in wrapped) * len(wrapped)
    return int(widest * LABEL_CELL_PX) + 12, extra_lines * LABEL_LINE_PX


def finish(
    fig: go.Figure,
    *,
    title: str,
    source: str,
    height: int,
    lang: Lang,
    x_title: str | None = None,
    y_title: str | None = None,
    legend: bool = True,
    subtitle: str | None = None,
    width_chars: int = 100,
) -> go.Figure:
    """Title, subtitle and legend stacked above the plot, the source line under it.

    Everything is placed in pixels from the top (one legend entry a row), so nothing
    overlaps however many entries or lines there are. ``height`` is the plot's own share;
    the figure grows by what the header needs. ``width_chars`` is where long lines wrap,
    in half-width characters: lower it for figures shown in a narrow column. The title
    wraps at a proportionally shorter width (its font is larger).

    ``layout.meta`` keeps the plain texts and the pixels they take, so a page can show
    title, summary and source as wrapping text instead (``on_screen``).
    """
    title_html = wrap_title(title, width_chars)
    n_title = title_html.count("<br>") + 1
    source_html = wrap(source, width_chars)
    n_source = source_html.count("<br>") + 1
    sub_html = wrap(subtitle, width_chars - 8) if subtitle else ""
    n_sub = sub_html.count("<br>") + 1 if sub_html else 0
    n_legend = _legend_items(fig) if legend else 0
    title_px, sub_px, legend_px = 30 + TITLE_LINE_PX * (n_title - 1), 17 * n_sub, 20 * n_legend
    label_px, label_extra = _label_axis(fig)
    height += label_extra
    top = 10 + title_px + sub_px + legend_px + 24
    axis_px = AXIS_TITLE_PX + SOURCE_GAP_PX if x_title else TICKS_PX + SOURCE_GAP_PX
    source_px = n_source * LINE_HEIGHT_PX + 10
    bottom = axis_px + source_px
    total = height + title_px - 30 + sub_px + legend_px + n_source * LINE_HEIGHT_PX
    # The source starts at the figure's left edge, under the category labels, not at the
    # plot's edge (which long labels push far right).
    fig.add_annotation(
        text=source_html,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-axis_px,
        xshift=-label_px,
        showarrow=False,
        align="left",
        font={"size": 11, "color": MUTED},
        name="source",
    )
    fig.update_layout(
        title={
            "text": title_html,
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            # plotly anchors a title's first line: lower it by the lines that follow.
            "y": 1 - (10 + TITLE_LINE_PX * (n_title - 1)) / total,
            "yanchor": "top",
            "yref": "container",
            "font": {"size": 16, "color": INK},
            "subtitle": {"text": sub_html, "font": {"size": 12, "color": MUTED}},
        },
        font={"family": FONT_FAMILY, "color": INK, "size": 12},
        height=total,
        margin={"l": 10 + label_px, "r": 24, "t": top, "b": bottom},
        showlegend=n_legend > 0,
        # Above the plot in paper coordinates: a legend placed in container coordinates
        # makes plotly push the plot sideways to make room for it.
        legend={
            "orientation": "v",
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yanchor": "bottom",
            "yref": "paper",
            "tracegroupgap": 2,
            "font": {"size": 12},
        },
        hoverlabel={"font": {"family": FONT_FAMILY}},
        plot_bgcolor="white",
        paper_bgcolor="white",
        meta={
            "title": _plain(title),
            "subtitle": _plain(subtitle or ""),
            "source": _plain(source),
            "header_px": 10 + title_px + sub_px,
            "source_px": source_px,
        },
    )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title, title_standoff=AXIS_STANDOFF)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    fig.update_xaxes(automargin=True, gridcolor="#EEEEEE", zeroline=False)
    fig.update_yaxes(automargin=True, gridcolor="#EEEEEE", zeroline=False)
    return fig


def _plain(text: str) -> str:
    """The figure's text without plotly's markup: tags dropped, escaped characters back to
    what was typed (a page escapes them again for where it draws them)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text.replace("<br>", " "))).strip()


def on_screen(fig: go.Figure) -> tuple[go.Figure, dict[str, str]]:
    """A copy of a finished figure without its title, summary and source line, and those
    texts: a page writes them as text, which wraps on a phone and is read by a screen
    reader (plotly's SVG text does neither). Exports keep the figure as it is."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else None
    if not meta or "header_px" not in meta:
        return fig, {}
    out = go.Figure(fig)
    # Assigned, not passed to update_layout, which would merge the list into the old one.
    out.layout.annotations = [a for a in out.layout.annotations if a.name != "source"]
    m = out.layout.margin
    out.update_layout(
        title={"text": "", "subtitle": {"text": ""}},
        margin={"t": m.t - meta["header_px"], "b": m.b - meta["source_px"]},
        height=out.layout.height - meta["header_px"] - meta["source_px"] + 10,
        meta=None,
    )
    return out, {k: meta[k] for k in ("title", "subtitle", "source")}


def year_end_ticks(fig: go.Figure, first: int, last: int) -> None:
    """Each year labelled in the middle of its own span, gridlines at the new year.

    A figure sits at its period's end (periods.py): 2019-08 inside the 2019 span, the
    annual 2019 figure and a "by the end of 2020" deadline at the right edge of their
    year, just before the next gridline. A label at the year's end made 2019-08 look
    earlier than 2019 and the deadline look like 2021; a reader now places every point
    by the band it is in.
    """
    step = 1 if last - first <= 12 else 2
    fig.update_xaxes(
        type="date",
        tick0=f"{first}-01-01",
        dtick=f"M{12 * step}",
        tickformat="%Y",
        ticklabelmode="period",
        showgrid=True,
    )


def no_data_figure(
    title: str, message: str, source: str, lang: Lang, height: int = 260
) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 16, "color": MUTED},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title=title, source=source, height=height, lang=lang, legend=False)
