"""Provinces: for a target with provincial figures, the ranking, the tile map and the table."""

from __future__ import annotations

import streamlit as st

from indicators.base.i18n import _
from indicators.domain.regional import pending_provinces, targets_with_provinces
from indicators.present.charts import regions_bar, tile_map
from indicators.present.tables import regions_table, status_cell_styles
from ui import view_state
from ui.chart_view import show_chart
from ui.common import derived, lang, page_header, readable, snapshot
from ui.downloads import table_downloads
from ui.view_state import ViewKeys


def render() -> None:
    lg = lang()
    snap = snapshot()
    cat = snap.catalog
    page_header(_("views.regions.title", lg), _("views.regions.caption", lg), lg)
    ids = derived(targets_with_provinces)
    if not ids:
        st.info(_("views.regions.none", lg))
        return
    target_id = view_state.choice(
        cat,
        ViewKeys.TARGET,
        _("views.regions.target", lg),
        ids,
        st,
        lambda t: cat.targets[t].name(lg),
    )
    metric = view_state.tile_metric_filter(cat, lg)
    view_state.publish(cat, ViewKeys.TARGET, ViewKeys.TILE_METRIC)
    # A preview: the provinces whose figure drawn below is not published yet (the rule the
    # charts ring them by).
    pending = pending_provinces(snap, target_id) if target_id is not None else set()
    if pending:
        sep = "、" if lg == "zh" else ", "
        st.warning(
            _(
                "preview.regions",
                lg,
                id=snap.preview,
                regions=sep.join(cat.regions[r].name(lg) for r in sorted(pending)),
            ),
            icon=":material/pending:",
        )
    left, right = st.columns(2)
    with left:
        show_chart(derived(tile_map, target_id, lg, metric), f"tiles-{target_id}", lg)
    with right:
        show_chart(derived(regions_bar, target_id, lg), f"regions-{target_id}", lg)
    table = derived(regions_table, target_id, lg)
    styles = status_cell_styles(lg)
    shown = readable(table, [_("col.pct_achieved", lg), _("col.gap", lg)])
    st.dataframe(
        shown.style.map(lambda v: styles.get(v, ""), subset=[_("col.status", lg)]),
        hide_index=True,
        width="stretch",
        column_config={_("col.gap", lg): st.column_config.Column(help=_("views.col.gap_help", lg))},
    )
    table_downloads(table, f"regions-{target_id}", lg)


render()
