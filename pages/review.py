"""Review: uploads waiting for a reviewer, a preview of the figures as if published, approve
or reject; and the audit log (reviewers and admins)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.catalog import Catalog
from indicators.export.data import to_csv_bytes
from indicators.i18n import Lang, _
from indicators.ingest.display import upload_rows_table
from indicators.metrics import assess_all
from indicators.review import ReviewRefused, decide, may_decide
from indicators.store import Store, StoreBusy, StoreError, Upload
from pages import preview
from pages.auth_ui import require_account
from pages.common import lang, snapshot, store


class ReviewKeys:
    CHOOSE = "review.choose"
    REASON = "review.reason"
    APPROVE = "review.approve"
    REJECT = "review.reject"
    DONE = "review.done"
    PREVIEW = "review.preview"
    AUDIT_CSV = "review.audit_csv"


def _label(u: Upload, lg: Lang) -> str:
    what = u.file_name or _(f"history.kind.{u.kind}", lg)
    return f"#{u.id} · {what} · {u.user_name} · {u.created_at:%Y-%m-%d %H:%M}"


def as_if_published(s: Store, catalog: Catalog, upload: Upload, lg: Lang) -> pd.DataFrame:
    """Each target and region the upload touches: latest figure and status now, and as they
    would be once it is published (changed lines marked)."""
    shown = upload.undoes if upload.kind == "undo" and upload.undoes else upload.id
    rows = s.upload_rows(shown)
    out = []
    for region in sorted(set(rows["region_code"])):
        targets = sorted(set(rows[rows["region_code"] == region]["indicator_id"]))
        now = {
            p.target_id: p
            for p in assess_all(catalog, s.current_actuals(targets, [region]), region_code=region)
        }
        then = {
            p.target_id: p
            for p in assess_all(
                catalog,
                s.current_actuals(targets, [region], as_if_published=[upload.id]),
                region_code=region,
            )
        }
        for t in targets:
            if t not in now or t not in then:
                continue
            a, b = now[t], then[t]
            before = (
                f"{a.latest_value:g} ({a.latest_period})" if a.latest_value is not None else "–"
            )
            after = f"{b.latest_value:g} ({b.latest_period})" if b.latest_value is not None else "–"
            out.append(
                {
                    _("ingest.col.indicator", lg): catalog.targets[t].name(lg),
                    _("ingest.col.region", lg): catalog.regions[region].name(lg)
                    if region in catalog.regions
                    else region,
                    _("review.col.now", lg): before,
                    _("review.col.published", lg): after,
                    _("review.col.status_now", lg): _(f"status.{a.status}", lg),
                    _("review.col.status_published", lg): _(f"status.{b.status}", lg),
                    _("review.col.changes", lg): "●"
                    if (before, a.status) != (after, b.status)
                    else "",
                }
            )
    return pd.DataFrame(out)


def _queue(lg: Lang, s: Store, me: str, reviewer: bool) -> None:
    st.subheader(_("review.queue", lg))
    pending = s.submitted_uploads()
    if not reviewer:  # a planner previews its own uploads, and decides nothing
        st.caption(_("preview.own_only", lg))
        pending = [u for u in pending if u.user_name == me]
    if not pending:
        st.caption(_("review.none", lg))
        return
    by_id = {u.id: u for u in pending}
    chosen = by_id[
        st.selectbox(
            _("history.choose", lg),
            list(by_id),
            format_func=lambda i: _label(by_id[i], lg),
            key=ReviewKeys.CHOOSE,
        )
    ]
    catalog = snapshot().catalog
    shown = chosen.undoes if chosen.kind == "undo" and chosen.undoes else chosen.id
    st.markdown(
        _("history.rows_of_undo" if chosen.kind == "undo" else "history.rows_of", lg, id=shown)
    )
    st.dataframe(
        upload_rows_table(s.upload_rows(shown), catalog, lg), hide_index=True, width="stretch"
    )
    st.markdown(f"**{_('review.preview', lg)}**")
    st.dataframe(as_if_published(s, catalog, chosen, lg), hide_index=True, width="stretch")
    if preview.active() != chosen.id:
        st.button(
            _("preview.start", lg, id=chosen.id),
            on_click=preview.start,
            args=(chosen.id,),
            key=ReviewKeys.PREVIEW,
            icon=":material/visibility:",
        )
    account = require_account(lg)
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
        up = decide(s, chosen.id, me, approve=approve, reason=reason)
    except StoreBusy:
        st.warning(_("upload.busy", lg))
        return
    except (ReviewRefused, StoreError) as exc:
        st.error(str(exc))
        return
    st.session_state[ReviewKeys.DONE] = (up.id, up.state)
    st.session_state.pop(ReviewKeys.REASON, None)
    st.rerun()


def _audit(lg: Lang, s: Store) -> None:
    st.subheader(_("review.audit", lg))
    log = s.audit_log()
    frame = pd.DataFrame(
        {
            _("history.col.id", lg): log["id"],
            _("history.col.when", lg): log["created_at"].map(lambda t: f"{t:%Y-%m-%d %H:%M:%S}"),
            _("history.col.user", lg): log["user_name"].fillna(""),
            _("review.col.action", lg): log["action"],
            _("review.col.subject", lg): log["subject"].fillna(""),
            _("review.col.detail", lg): log["detail"].fillna(""),
            _("review.col.client", lg): log["client"].fillna(""),
        }
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
    account = require_account(lg)
    if account is None:
        return
    if not (account.may_review or account.may_upload):
        st.warning(_("auth.not_a_reviewer", lg))
        return
    done = st.session_state.pop(ReviewKeys.DONE, None)
    if done is not None:
        st.success(_(f"review.done.{done[1]}", lg, id=done[0]))
    s = store()
    setting, on = s.review_mode()
    st.caption(
        _(
            "review.mode_now",
            lg,
            mode=_(f"review.mode.{setting}", lg),
            state=_("review.on" if on else "review.off", lg),
        )
    )
    _queue(lg, s, account.name, account.may_review)
    if account.may_review:
        _audit(lg, s)


render()
