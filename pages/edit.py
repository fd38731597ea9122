"""Correct single values in a table: same validation, preview and record as a file upload."""

from __future__ import annotations

import streamlit as st

from indicators.i18n import Lang, _
from indicators.ingest import Checked, Options, check_records, commit, preview, problems_frame
from indicators.ingest.display import preview_table
from indicators.ingest.edits import edited_records, editor_frame, quantitative_targets
from indicators.store import StoreBusy
from pages.auth_ui import current_account, require_planner
from pages.common import lang, snapshot, store


class EditKeys:
    INDICATOR = "edit.indicator"
    REGION = "edit.region"
    EDITOR = "edit.editor"  # + indicator and region, so each table keeps its own edits
    CHECK = "edit.check"
    CHECKED = "edit.checked"  # (records, Checked) of the last check
    NOTE = "edit.note"
    COMMIT = "edit.commit"
    DONE = "edit.done"


def _column_config(lg: Lang) -> dict[str, object]:
    return {
        "period": st.column_config.TextColumn(_("ingest.col.period", lg),
                                              help=_("edit.period.help", lg)),
        "value": st.column_config.TextColumn(_("ingest.col.figure", lg),
                                             help=_("edit.value.help", lg)),
        "unit": st.column_config.TextColumn(_("ingest.col.unit", lg)),
        "source": st.column_config.TextColumn(_("ingest.col.source", lg), width="large"),
        "note": st.column_config.TextColumn(_("ingest.col.note", lg)),
    }


def render() -> None:
    lg = lang()
    st.title(_("edit.title", lg))
    st.caption(_("edit.intro", lg))
    user = require_planner(lg)
    if user is None:
        return
    done = st.session_state.pop(EditKeys.DONE, None)
    if done is not None:
        st.success(_("edit.stored", lg, id=done.id, new=done.rows_new,
                     changed=done.rows_changed))
        if done.state == "submitted":
            st.info(_("review.submitted", lg, id=done.id))
    s = store()
    catalog = snapshot().catalog
    targets = {i: catalog.targets[i].name(lg) for i in quantitative_targets(catalog)}
    account = current_account()
    # A provincial planner corrects its own regions only (the same rule as uploads).
    regions = {r.code: r.name(lg) for r in catalog.regions.values()
               if account is None or account.covers(r.code)}
    c1, c2 = st.columns(2)
    indicator = c1.selectbox(_("ingest.col.indicator", lg), list(targets),
                             format_func=targets.get, key=EditKeys.INDICATOR)
    region = c2.selectbox(_("ingest.col.region", lg), list(regions), format_func=regions.get,
                          key=EditKeys.REGION)
    original = editor_frame(s.current_actuals([indicator], [region]), indicator, region, lg)
    edited = st.data_editor(original, num_rows="add", hide_index=True, width="stretch",
                            column_config=_column_config(lg),
                            key=f"{EditKeys.EDITOR}.{indicator}.{region}")
    records, numbers = edited_records(original, edited, indicator, region)
    if not records:
        st.caption(_("edit.no_changes", lg))
        return
    if st.button(_("edit.check", lg, n=len(records)), key=EditKeys.CHECK):
        checked = check_records(records, catalog, Options(), row_numbers=numbers)
        st.session_state[EditKeys.CHECKED] = (records, checked)
    last = st.session_state.get(EditKeys.CHECKED)
    if last is None or last[0] != records:
        return
    _preview_and_commit(lg, last[1], user)


def _preview_and_commit(lg: Lang, checked: Checked, user: str) -> None:
    if not checked.ok:
        st.error(_("edit.rejected", lg, n=checked.n_problems))
        st.dataframe(problems_frame(checked.problems, lg), hide_index=True, width="stretch")
        return
    s = store()
    try:
        pv = preview(s, checked)
    except StoreBusy:
        st.warning(_("upload.busy", lg))
        return
    catalog = snapshot().catalog
    for change in ("changed", "new"):
        table = preview_table(pv, catalog, lg, change)
        if len(table):
            st.markdown(f"**{_(f'upload.{change}', lg)}**")
            st.dataframe(table.drop(columns=[_("ingest.col.row", lg)]), hide_index=True,
                         width="stretch")
    note = st.text_input(_("upload.note", lg), key=EditKeys.NOTE)
    if not st.button(_("edit.confirm", lg, n=pv.new + pv.changed), type="primary",
                     disabled=pv.new + pv.changed == 0, key=EditKeys.COMMIT):
        return
    try:
        up = commit(s, checked, user=user, kind="form", note=note.strip() or None)
    except StoreBusy:
        st.warning(_("upload.busy", lg))
        return
    st.session_state[EditKeys.DONE] = up
    st.session_state.pop(EditKeys.CHECKED, None)
    # A fresh editor for the stored values: drop the widget state holding the old edits.
    for k in [k for k in st.session_state if str(k).startswith(EditKeys.EDITOR)]:
        del st.session_state[k]
    st.rerun()


render()
