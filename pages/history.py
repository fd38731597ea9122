"""Uploads history: who wrote what and when, the rows each wrote, undo, and tracing a figure.

Reading the history needs no login (officials may check where a figure came from); undoing
does.
"""

from __future__ import annotations

import streamlit as st

from indicators.base.i18n import Lang, _
from indicators.domain.auth import may_undo
from indicators.domain.review import upload_label
from indicators.domain.review_policy import submits_for_review
from indicators.export.data import inert_frame
from indicators.ingest.display import (
    figure_history_table,
    upload_rows_table,
    uploads_table,
)
from indicators.store import StoreBusy, StoreError, Upload
from ui.auth_ui import current_account, require_planner
from ui.common import lang, snapshot
from ui.session import store
from ui.site import rebuild_site


class HistoryKeys:
    UPLOAD = "history.upload"
    CONFIRM = "history.confirm"
    UNDO = "history.undo"
    DONE = "history.done"
    TRACE_INDICATOR = "history.trace.indicator"
    TRACE_REGION = "history.trace.region"
    TRACE_PERIOD = "history.trace.period"


def _undo(lg: Lang, chosen: Upload) -> None:
    if chosen.kind == "undo" or chosen.undone_by is not None or chosen.state != "published":
        return
    with st.expander(_("history.undo", lg)):
        account = require_planner(lg)
        if account is None:
            return
        if not may_undo(store(), account, chosen.id):
            st.warning(_("history.undo_outside_regions", lg))
            return
        st.caption(_("history.undo_explain", lg, n=chosen.rows_new + chosen.rows_changed))
        sure = st.checkbox(_("history.confirm", lg, id=chosen.id), key=HistoryKeys.CONFIRM)
        clicked = st.button(
            _("history.undo", lg), disabled=not sure, key=HistoryKeys.UNDO, type="primary"
        )
    if clicked:
        try:
            up = store().undo_upload(
                chosen.id, user=account.name, review=submits_for_review(store())
            )
        except StoreBusy:
            st.warning(_("upload.busy", lg))
            return
        except StoreError as exc:
            st.error(str(exc))
            return
        rebuild_site(store(), up)
        st.session_state[HistoryKeys.DONE] = (chosen.id, up.id, up.state)
        st.session_state.pop(HistoryKeys.CONFIRM, None)
        st.rerun()


def _trace(lg: Lang, show_users: bool) -> None:
    """Where one figure came from: every version, the upload that wrote it, which is live."""
    s = store()
    # The cached snapshot holds every figure the views show (national and provinces);
    # reading all current actuals here would load millions of county rows every rerun.
    snap = snapshot()
    catalog, current = snap.catalog, snap.actuals
    st.subheader(_("history.trace", lg))
    if current.empty:
        st.caption(_("history.no_figures", lg))
        return
    targets = {
        t.id: t.name(lg) for t in catalog.targets.values() if t.id in set(current["indicator_id"])
    }
    c1, c2, c3 = st.columns(3)
    indicator = c1.selectbox(
        _("ingest.col.indicator", lg),
        list(targets),
        format_func=targets.__getitem__,
        key=HistoryKeys.TRACE_INDICATOR,
    )
    mine = current[current["indicator_id"] == indicator]
    regions = {
        code: catalog.regions[code].name(lg) if code in catalog.regions else code
        for code in dict.fromkeys(mine["region_code"])
    }
    region = c2.selectbox(
        _("ingest.col.region", lg),
        list(regions),
        format_func=regions.__getitem__,
        key=HistoryKeys.TRACE_REGION,
    )
    periods = list(mine[mine["region_code"] == region]["period"])
    period = c3.selectbox(_("ingest.col.period", lg), periods, key=HistoryKeys.TRACE_PERIOD)
    if indicator is None or region is None or period is None:
        return
    history = s.actual_history(indicator, region, period)
    # Versions waiting for review (or rejected) are not figures yet: the review page has them.
    history = history[history["review_state"] == "published"]
    st.dataframe(
        figure_history_table(history, lg, show_users=show_users), hide_index=True, width="stretch"
    )


def render() -> None:
    lg = lang()
    s = store()
    st.title(_("history.title", lg))
    st.caption(_("history.intro", lg))
    done = st.session_state.pop(HistoryKeys.DONE, None)
    if done is not None:
        if done[2] == "submitted":
            st.info(_("review.submitted", lg, id=done[1]))
        else:
            st.success(_("history.undone", lg, id=done[0], undo_id=done[1]))
    # Visitors see published uploads without account names; accounts see everything.
    show_users = current_account() is not None
    ups = [u for u in s.uploads() if show_users or u.state == "published"]
    st.dataframe(
        inert_frame(uploads_table(ups, lg, show_users=show_users)), hide_index=True, width="stretch"
    )
    if ups:
        by_id = {u.id: u for u in ups}
        chosen_id = st.selectbox(
            _("history.choose", lg),
            list(by_id),
            format_func=lambda i: upload_label(by_id[i], lg, show_user=show_users),
            key=HistoryKeys.UPLOAD,
        )
        chosen = by_id[chosen_id]
        if chosen.sha256:
            st.caption(f"SHA-256 {chosen.sha256}")
        st.markdown(
            _(
                "history.rows_of_undo" if chosen.kind == "undo" else "history.rows_of",
                lg,
                id=chosen.rows_id,
            )
        )
        st.dataframe(
            upload_rows_table(s.upload_rows(chosen.rows_id), snapshot().catalog, lg),
            hide_index=True,
            width="stretch",
        )
        if chosen.undone_by is not None:
            st.info(_("history.undone_by", lg, id=chosen.undone_by))
        _undo(lg, chosen)
    _trace(lg, show_users)


render()
