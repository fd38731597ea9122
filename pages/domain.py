"""One module renders every domain page: its targets, provinces, milestones, goals and tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.base.catalog import NATIONAL, Lang, Target
from indicators.base.clauses import clause_text
from indicators.base.escape import for_markdown
from indicators.base.i18n import _
from indicators.domain.regional import provinces_with_figures
from indicators.domain.snapshot import Snapshot
from indicators.domain.taskboard import filter_tasks, task_rows
from indicators.domain.wording import quote_caption
from indicators.present.cards import target_card
from indicators.present.charts import (
    bullet_chart,
    milestone_timeline,
    regions_bar,
    tile_map,
    trajectory_chart,
)
from indicators.present.tables import (
    checklist_table,
    regions_table,
    status_cell_styles,
    tasks_table,
)
from ui import view_state
from ui.chart_view import show_chart
from ui.common import chip, derived, lang, page_header, readable, snapshot
from ui.downloads import table_downloads
from ui.status_form import status_form
from ui.view_state import ViewKeys

if TYPE_CHECKING:  # pandas loads its styler (and jinja2) only when a table is styled
    from pandas.io.formats.style import Styler


def styled(df: pd.DataFrame, lg: Lang) -> pd.DataFrame | Styler:
    styles = status_cell_styles(lg)
    col = _("col.status", lg)
    return df.style.map(lambda v: styles.get(v, ""), subset=[col]) if col in df else df


def chart(fig: go.Figure, name: str, lg: Lang) -> None:
    show_chart(fig, name, lg)


def target_section(
    snap: Snapshot, t: Target, lg: Lang, region: str, years: tuple[int, int] | None, metric: str
) -> None:
    doc = snap.catalog.documents[t.document_id]
    st.subheader(t.name(lg))
    st.caption(quote_caption(t, doc.number(lg), clause_text(t.clause, lg), lg))
    if region != NATIONAL and not t.regional:
        st.info(_("views.no_regional_target", lg, region=snap.catalog.regions[region].name(lg)))
    c = derived(target_card, t.id, lg, region)
    if c.pending:  # a preview: some of this target's figures are not published yet
        st.warning(c.pending, icon=":material/pending:")
    if region != NATIONAL and not c.has_data:
        st.info(_("views.region_no_figures", lg, region=snap.catalog.regions[region].name(lg)))
    period = f" ({c.period})" if c.period else ""
    latest = _("views.domain.metric.derived" if c.derivation else "views.domain.metric.latest", lg)
    if c.status == "unverified" and c.caption:
        period = c.caption  # the headline is the verdict; the dated last figure beside it
    facts = [
        (latest, f"{c.value} {c.arrow}", (c.derivation or period) if c.derivation else period),
        (_("views.domain.metric.target", lg), c.target, ""),
        (_("views.domain.metric.pct", lg), c.pct_achieved, c.gap if c.has_data else ""),
        (_("views.domain.metric.status", lg), chip(c.colour, c.status_label), c.detail or ""),
    ]
    # Plain blocks rather than st.metric, which cuts long values (a verdict) short.
    for col, (label, value, note) in zip(st.columns([3, 3, 2, 5]), facts, strict=True):
        # Markdown, no HTML: painted without waiting for the HTML renderer (common.chip).
        # The note is worked-out text ("98% in 2019-08, met early" may start with ">"):
        # escaped, so it is never read as Markdown.
        col.markdown(f":gray[:small[{label}]]  \n**{value.strip()}**")
        if note:
            col.caption(for_markdown(note))
    if not derived(provinces_with_figures, t.id):
        progress_charts(t, lg, region, years)
        return
    # Tabs that track their state render only the open one: half the charts per rerun.
    progress, provinces = st.tabs(
        [_("views.domain.tab.progress", lg), _("views.domain.provinces", lg)],
        key=f"views.tabs.{t.id}",
        on_change="rerun",
    )
    if progress.open:
        with progress:
            progress_charts(t, lg, region, years)
    if provinces.open:
        with provinces:
            left, right = st.columns(2)
            with left:
                chart(derived(regions_bar, t.id, lg), f"regions-{t.id}", lg)
            with right:
                chart(derived(tile_map, t.id, lg, metric), f"tiles-{t.id}", lg)
            table = derived(regions_table, t.id, lg)
            shown = readable(table, [_("col.pct_achieved", lg), _("col.gap", lg)])
            st.dataframe(styled(shown, lg), hide_index=True, width="stretch")
            table_downloads(table, f"regions-{t.id}", lg)


def progress_charts(t: Target, lg: Lang, region: str, years: tuple[int, int] | None) -> None:
    if not derived(target_card, t.id, lg, region).has_data:
        # Two empty charts with download buttons say less than one line.
        st.info(_("views.domain.no_figures", lg))
        return
    chart(derived(bullet_chart, t.id, lg, region), f"bullet-{t.id}", lg)
    chart(derived(trajectory_chart, t.id, lg, region, years=years), f"trajectory-{t.id}", lg)


def render(domain_id: str) -> None:
    lg = lang()
    snap = snapshot()
    cat = snap.catalog
    domain = cat.domains[domain_id]
    doc = cat.documents[domain.document_id]
    targets = sorted(cat.targets_in(domain_id), key=lambda t: t.sort)
    numeric = [t for t in targets if t.quantitative and t.kind != "milestone"]
    # Region and year filters only where there is a series for them to act on.
    region, years, metric = NATIONAL, None, "status"
    if numeric:
        region = view_state.region_filter(cat, lg)
        years = view_state.years_filter(cat, lg)
        if any(derived(provinces_with_figures, t.id) for t in numeric):
            metric = view_state.tile_metric_filter(cat, lg)
        view_state.publish(cat, ViewKeys.REGION, ViewKeys.YEARS, ViewKeys.TILE_METRIC)

    page_header(
        domain.name(lg),
        _(
            "views.domain.caption",
            lg,
            document=doc.number(lg),
            title=doc.title(lg),
            clause=clause_text(domain.clause, lg),
        ),
        lg,
    )
    milestones = [t for t in targets if t.kind == "milestone"]
    goals = [t for t in targets if t.kind == "qualitative"]

    if numeric:
        for t in numeric:
            target_section(snap, t, lg, region, years, metric)
            st.divider()
    elif not milestones:
        st.info(_("views.no_targets", lg))

    if milestones:
        st.subheader(_("views.domain.milestones", lg))
        chart(derived(milestone_timeline, domain_id, lg), f"milestones-{domain_id}", lg)

    if goals:
        st.subheader(_("views.domain.checklist", lg))
        table = derived(checklist_table, domain_id, lg)
        st.dataframe(styled(table.drop(columns=["id"]), lg), hide_index=True, width="stretch")
        table_downloads(table.drop(columns=["id"]), f"checklist-{domain_id}", lg)
        with st.expander(_("views.domain.change_checklist", lg)):
            status_form(
                "target", {t.id: t.name(lg) for t in goals}, lg, form_key=f"checklist-{domain_id}"
            )

    rows = filter_tasks(derived(task_rows, lg), domain_id=domain_id)
    if rows:
        st.subheader(_("views.domain.tasks", lg))
        table = tasks_table(snap, lg, rows)
        st.dataframe(styled(table.drop(columns=["id"]), lg), hide_index=True, width="stretch")
        table_downloads(table.drop(columns=["id"]), f"tasks-{domain_id}", lg)
        st.page_link(
            "pages/tasks.py",
            label=_("views.domain.open_tasks", lg),
            icon=":material/checklist:",
            query_params={"lang": lg},
        )
