"""The 42 annex tasks and the 11 Internet+ actions: who leads them and where they stand."""

from __future__ import annotations

import streamlit as st

from indicators.base.clauses import clause_text
from indicators.base.i18n import _
from indicators.domain.taskboard import (
    ROLES,
    SHOWN_STATUSES,
    departments_involved,
    filter_tasks,
    task_rows,
)
from indicators.present.charts import department_summary
from indicators.present.tables import status_cell_styles, tasks_table
from ui import view_state
from ui.chart_view import show_chart
from ui.common import derived, lang, page_header, snapshot
from ui.downloads import table_downloads
from ui.status_form import status_form
from ui.view_state import ViewKeys

ALL = "*"


def render() -> None:
    lg = lang()
    snap = snapshot()
    cat = snap.catalog
    page_header(_("views.tasks.title", lg), _("views.tasks.caption", lg), lg)

    docs = [ALL, *sorted(cat.documents, key=lambda d: cat.documents[d].date, reverse=True)]
    deps = [ALL, *derived(departments_involved)]
    c1, c2, c3 = st.columns([2, 3, 2])
    document = view_state.choice(
        cat,
        ViewKeys.DOCUMENT,
        _("views.tasks.filter.document", lg),
        docs,
        c1,
        lambda d: _("views.tasks.all", lg) if d == ALL else cat.documents[d].number(lg),
    )
    department = view_state.choice(
        cat,
        ViewKeys.DEPARTMENT,
        _("views.tasks.filter.department", lg),
        deps,
        c2,
        lambda d: _("views.tasks.all", lg) if d == ALL else cat.departments[d].name(lg),
    )
    role = view_state.choice(
        cat,
        ViewKeys.ROLE,
        _("views.tasks.filter.role", lg),
        list(ROLES),
        c3,
        lambda r: _(f"views.tasks.role.{r}", lg),
    )
    statuses = view_state.statuses(
        cat,
        _("views.tasks.filter.status", lg),
        SHOWN_STATUSES,
        lambda s: _(f"views.task_status.{s}", lg),
        _("views.tasks.filter.all_statuses", lg),
    )
    view_state.publish(
        cat, ViewKeys.DOCUMENT, ViewKeys.DEPARTMENT, ViewKeys.ROLE, ViewKeys.TASK_STATUS
    )

    rows = filter_tasks(
        derived(task_rows, lg),
        department_id=department,
        role=role or "any",
        statuses=statuses,
        document_id=document,
    )
    st.markdown(_("views.tasks.count", lg, n=len(rows)))
    table = tasks_table(snap, lg, rows)
    styles = status_cell_styles(lg)
    st.dataframe(
        table.drop(columns=["id"]).style.map(
            lambda v: styles.get(v, ""), subset=[_("col.status", lg)]
        ),
        hide_index=True,
        width="stretch",
        # Status before the long task text, so it is on screen without scrolling sideways.
        column_order=[
            _(k, lg)
            for k in (
                "views.col.document",
                "col.clause",
                "col.status",
                "views.col.task",
                "views.col.lead",
                "views.col.co",
                "views.col.updated",
                "views.col.updated_by",
                "views.col.evidence",
            )
        ],
        column_config={_("views.col.task", lg): st.column_config.TextColumn(width="large")},
    )
    table_downloads(table.drop(columns=["id"]), "tasks", lg)

    st.subheader(_("views.tasks.summary", lg))
    show_chart(derived(department_summary, lg, document), "departments", lg)

    with st.expander(_("views.tasks.change", lg)):
        status_form(
            "task",
            {r.id: f"{clause_text(r.clause, lg)} · {r.text}" for r in rows},
            lg,
            form_key="tasks",
        )


render()
