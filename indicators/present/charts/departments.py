"""Tasks by lead department and status."""

from __future__ import annotations

import plotly.graph_objects as go

from indicators.base.catalog import Lang
from indicators.base.i18n import _
from indicators.base.status import TASK_STATUS_COLOURS
from indicators.domain.snapshot import Snapshot
from indicators.domain.taskboard import SHOWN_STATUSES, department_counts
from indicators.present.chart_parts import finish, no_data_figure
from indicators.present.charts.common import DEPARTMENTS_SHOWN, OTHER_DEPARTMENTS


def department_summary(snap: Snapshot, lang: Lang, document_id: str | None = None) -> go.Figure:
    """Tasks each department leads or shares, stacked by status."""
    cat = snap.catalog
    counts = department_counts(snap, document_id)
    docs = [cat.documents[document_id]] if document_id else list(cat.documents.values())
    title = _("views.fig.departments.title", lang)
    source = _(
        "views.fig.source_line.tasks",
        lang,
        target=_("sep.list", lang).join(
            _("views.fig.clause.tasks", lang, document=d.number(lang)) for d in docs
        ),
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
