"""Review: uploads waiting for a reviewer, a preview of the figures as if published, approve
or reject; and the audit log (reviewers and admins)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.base.i18n import Lang, _
from indicators.domain.auth import Account
from indicators.domain.review import (
    ReviewRefused,
    as_if_published,
    decide,
    may_decide,
    upload_label,
)
from indicators.domain.review_policy import review_mode
from indicators.export.data import inert_frame, to_csv_bytes
from indicators.ingest.display import upload_rows_table
from indicators.store import NotWaiting, Store, StoreBusy, StoreError
from ui import preview
from ui.auth_ui import require_account
from ui.common import lang, memo_on, published_and_preview
from ui.session import store
from ui.site import rebuild_site


class ReviewKeys:
    CHOOSE = "review.choose"
    REASON = "review.reason"
    APPROVE = "review.approve"
    REJECT = "review.reject"
    DONE = "review.done"
    PREVIEW = "review.preview"
    AUDIT_CSV = "review.audit_csv"


def _queue(lg: Lang, s: Store, account: Account) -> None:
    st.subheader(_("review.queue", lg))
    pending = s.submitted_uploads()
    if not account.may_review:  # a planner previews its own uploads, and decides nothing
        st.caption(_("preview.own_only", lg))
        pending = [u for u in pending if u.user_name == account.name]
    if not pending:
        st.caption(_("review.none", lg))
        return
    by_id = {u.id: u for u in pending}
    chosen = by_id[
        st.selectbox(
            _("history.choose", lg),
            list(by_id),
            format_func=lambda i: upload_label(by_id[i], lg),
            key=ReviewKeys.CHOOSE,
        )
    ]
    try:
        published, previewed = published_and_preview(chosen.id)
    except NotWaiting:  # another reviewer decided it since the queue was read: read it again
        st.rerun()
    st.markdown(
        _(
            "history.rows_of_undo" if chosen.kind == "undo" else "history.rows_of",
            lg,
            id=chosen.rows_id,
        )
    )
    st.dataframe(
        upload_rows_table(s.upload_rows(chosen.rows_id), previewed.catalog, lg),
        hide_index=True,
        width="stretch",
    )
    st.markdown(f"**{_('review.preview', lg)}**")
    # Worked out once per data version and language, for every reviewer.
    compared = memo_on(
        previewed,
        ("review.as_if_published", lg),
        lambda: as_if_published(published, previewed, lg),
    )
    st.dataframe(compared, hide_index=True, width="stretch")
    if preview.active() != chosen.id:
        st.button(
            _("preview.start", lg, id=chosen.id),
            on_click=preview.start,
            args=(chosen.id,),
            key=ReviewKeys.PREVIEW,
            icon=":material/visibility:",
        )
    if not may_decide(account, chosen):
        st.caption(_("review.own", lg))
        return
    reason = st.text_input(_("review.reason", lg), key=ReviewKeys.REASON)
    c1, c2 = st.columns(2)
    approve = c1.button(
        _("review.approve", lg, id=chosen.id), type="primary", key=ReviewKeys.APPROVE
    )
    reject = c2.button(_("review.reject", lg, id=chosen.id), key=ReviewKeys.REJECT)
    if not (approve or reject):
        return
    if reject and not reason.strip():
        st.error(_("review.reason_needed", lg))
        return
    try:
        up = decide(s, chosen.id, account.name, approve=approve, reason=reason)
    except StoreBusy:
        st.warning(_("upload.busy", lg))
        return
    except (ReviewRefused, StoreError) as exc:
        st.error(str(exc))
        return
    rebuild_site(s, up)
    st.session_state[ReviewKeys.DONE] = (up.id, up.state)
    st.session_state.pop(ReviewKeys.REASON, None)
    st.rerun()


def _audit(lg: Lang, s: Store) -> None:
    st.subheader(_("review.audit", lg))
    log = s.audit_log()
    # Inert as shown: the table's own "Download as CSV" writes the cells as they are.
    frame = inert_frame(
        pd.DataFrame(
            {
                _("review.col.id", lg): log["id"],
                _("history.col.when", lg): log["created_at"].map(
                    lambda t: f"{t:%Y-%m-%d %H:%M:%S}"
                ),
                _("history.col.user", lg): log["user_name"].fillna(""),
                _("review.col.action", lg): log["action"],
                _("review.col.subject", lg): log["subject"].fillna(""),
                _("review.col.detail", lg): log["detail"].fillna(""),
                _("review.col.client", lg): log["client"].fillna(""),
            }
        )
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button(
        _("review.audit_csv", lg),
        to_csv_bytes(frame, lg),
        file_name="audit-log.csv",
        mime="text/csv",
        key=ReviewKeys.AUDIT_CSV,
    )


def render() -> None:
    lg = lang()
    st.title(_("review.title", lg))
    st.caption(_("review.intro", lg))
    account = require_account(lg, "reviewer")
    if account is None:
        return
    if not (account.may_review or account.may_upload):
        st.warning(_("auth.not_a_reviewer", lg))
        return
    done = st.session_state.pop(ReviewKeys.DONE, None)
    if done is not None:
        st.success(_(f"review.done.{done[1]}", lg, id=done[0]))
    s = store()
    setting, on = review_mode(s)
    st.caption(
        _(
            "review.mode_now",
            lg,
            mode=_(f"review.mode.{setting}", lg),
            state=_("review.on" if on else "review.off", lg),
        )
    )
    _queue(lg, s, account)
    if account.may_review:
        _audit(lg, s)


render()
