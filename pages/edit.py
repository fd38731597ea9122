"""Correct single values in a table: same validation, preview and record as a file upload."""

from __future__ import annotations

from typing import Any

import streamlit as st

from indicators.base.i18n import Lang, _
from indicators.ingest import Checked, Options, check_records
from indicators.ingest.edits import edited_records, editor_frame, quantitative_targets
from ui.auth_ui import require_planner
from ui.commit_view import CommitKeys, preview_and_commit, show_problems, show_stored
from ui.common import lang, snapshot
from ui.session import store


class EditKeys:
    INDICATOR = "edit.indicator"
    REGION = "edit.region"
    EDITOR = "edit.editor"  # + indicator and region, so each table keeps its own edits
    CHECK = "edit.check"
    CHECKED = "edit.checked"  # (records, Checked) of the last check
    NOTE = "edit.note"
    COMMIT = "edit.commit"
    AGAIN = "edit.again"  # never shown: a form's rows have no file to repeat
    DONE = "edit.done"


def _column_config(lg: Lang) -> dict[str, Any]:
    return {
        "period": st.column_config.TextColumn(
            _("ingest.col.period", lg), help=_("edit.period.help", lg)
        ),
        "value": st.column_config.TextColumn(
            _("ingest.col.figure", lg), help=_("edit.value.help", lg)
        ),
        "unit": st.column_config.TextColumn(_("ingest.col.unit", lg)),
        "source": st.column_config.TextColumn(_("ingest.col.source", lg), width="large"),
        "note": st.column_config.TextColumn(_("ingest.col.note", lg)),
    }


def render() -> None:
    lg = lang()
    st.title(_("edit.title", lg))
    st.caption(_("edit.intro", lg))
    account = require_planner(lg)
    if account is None:
        return
    show_stored(lg, st.session_state.pop(EditKeys.DONE, None), "edit.stored")
    s = store()
    catalog = snapshot().catalog
    targets = {i: catalog.targets[i].name(lg) for i in quantitative_targets(catalog)}
    # A provincial planner corrects its own regions only (the same rule as uploads).
    regions = {r.code: r.name(lg) for r in catalog.regions.values() if account.covers(r.code)}
    c1, c2 = st.columns(2)
    indicator = c1.selectbox(
        _("ingest.col.indicator", lg),
        list(targets),
        format_func=targets.__getitem__,
        key=EditKeys.INDICATOR,
    )
    region = c2.selectbox(
        _("ingest.col.region", lg),
        list(regions),
        format_func=regions.__getitem__,
        key=EditKeys.REGION,
    )
    if indicator is None or region is None:  # no target, or no region this account covers
        return
    original = editor_frame(s.current_actuals([indicator], [region]), indicator, region, lg)
    edited = st.data_editor(
        original,
        num_rows="add",
        hide_index=True,
        width="stretch",
        column_config=_column_config(lg),
        key=f"{EditKeys.EDITOR}.{indicator}.{region}",
    )
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
    _preview_and_commit(lg, last[1], account.name)


def _preview_and_commit(lg: Lang, checked: Checked, user: str) -> None:
    if not checked.ok:
        show_problems(lg, checked, "edit.rejected")
        return
    up = preview_and_commit(
        lg,
        checked,
        user,
        CommitKeys(
            note=EditKeys.NOTE,
            commit=EditKeys.COMMIT,
            again=EditKeys.AGAIN,
            confirm="edit.confirm",
            kind="form",
        ),
    )
    if up is None:
        return
    st.session_state[EditKeys.DONE] = up
    st.session_state.pop(EditKeys.CHECKED, None)
    # A fresh editor for the stored values: drop the widget state holding the old edits.
    for k in [k for k in st.session_state if str(k).startswith(EditKeys.EDITOR)]:
        del st.session_state[k]
    st.rerun()


render()
