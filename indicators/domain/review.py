"""Who may publish what: the review step between a planner's upload and the officials' views.

With review on, a committed upload is `submitted`; a reviewer (or admin) who did not upload it
approves it (`published`) or rejects it with a reason the planner sees. With review off, the
store publishes at once. The store keeps the state; the rules about people live here, with
what a reviewer reads about an upload (its label, the figures as if it were published).
"""

from __future__ import annotations

import pandas as pd

from indicators.base.i18n import Lang, _
from indicators.domain.auth import Account, Accounts, AuthError
from indicators.domain.metrics import Progress, assess_all
from indicators.domain.snapshot import Snapshot
from indicators.store import Store, Upload


class ReviewRefused(AuthError):
    pass


def _reviewer(accounts: Accounts, name: str) -> Account:
    account = accounts.get(name)
    if account is None or not account.may_review:
        raise ReviewRefused(
            f"{name!r} is not a reviewer: only a reviewer or an admin may "
            "approve or reject an upload"
        )
    return account


def may_decide(account: Account | None, upload: Upload) -> bool:
    """Whether `account` may approve or reject `upload` (never its own)."""
    return (
        account is not None
        and account.may_review
        and upload.state == "submitted"
        and upload.user_name != account.name
    )


def decide(
    store: Store, upload_id: int, reviewer: str, *, approve: bool, reason: str | None = None
) -> Upload:
    account = _reviewer(Accounts(store), reviewer)
    upload = store.upload(upload_id)
    if upload.user_name == account.name:
        raise ReviewRefused(
            f"{reviewer!r} uploaded upload {upload_id}: another reviewer must check it"
        )
    if upload.state != "submitted":
        raise ReviewRefused(f"upload {upload_id} is {upload.state}, not waiting for review")
    if not approve and not (reason or "").strip():
        raise ReviewRefused("a rejection needs a reason the planner can act on")
    return store.decide(
        upload_id, approve=approve, reviewer=account.name, reason=(reason or "").strip() or None
    )


def may_preview(account: Account | None, upload: Upload | None) -> bool:
    """Whether `account` may see the dashboard as if `upload` were published: a reviewer any
    submitted upload, a planner its own (a province's unpublished figures are not another
    province's planner's to see). Officials, with no account, never."""
    if account is None or account.disabled or upload is None or upload.state != "submitted":
        return False
    return account.may_review or (account.may_upload and upload.user_name == account.name)


def upload_label(upload: Upload, lang: Lang, *, show_user: bool = True) -> str:
    """'#id · file (or kind) · user · time', as the history and review pages list an upload
    (visitors never see account names: `show_user` False)."""
    what = upload.file_name or _(f"history.kind.{upload.kind}", lang)
    who = f" · {upload.user_name}" if show_user else ""
    return f"#{upload.id} · {what}{who} · {upload.created_at:%Y-%m-%d %H:%M}"


def as_if_published(published: Snapshot, preview: Snapshot, lang: Lang) -> pd.DataFrame:
    """Each target and region the previewed upload touches (`preview.pending`): latest
    figure and status in the published snapshot and in the preview one, changed lines marked.
    Both snapshots are the views' cached ones, so this reads nothing from the store."""
    catalog = preview.catalog
    touched: dict[str, set[str]] = {}
    for indicator, region, _period in preview.pending:
        touched.setdefault(region, set()).add(indicator)
    out = []
    for region in sorted(touched):
        ids = sorted(touched[region])
        targets = [catalog.targets[t] for t in ids if t in catalog.targets]
        now, then = (
            {
                p.target_id: p
                for p in assess_all(
                    catalog, snap.actuals, as_of=snap.as_of, region_code=region, targets=targets
                )
            }
            for snap in (published, preview)
        )
        for t in ids:
            if t not in now or t not in then:  # a checklist goal: no figure to compare
                continue
            a, b = now[t], then[t]
            before, after = _latest(a), _latest(b)
            out.append(
                {
                    _("ingest.col.indicator", lang): catalog.targets[t].name(lang),
                    _("ingest.col.region", lang): catalog.regions[region].name(lang)
                    if region in catalog.regions
                    else region,
                    _("review.col.now", lang): before,
                    _("review.col.published", lang): after,
                    _("review.col.status_now", lang): _(f"status.{a.status}", lang),
                    _("review.col.status_published", lang): _(f"status.{b.status}", lang),
                    _("review.col.changes", lang): "●"
                    if (before, a.status) != (after, b.status)
                    else "",
                }
            )
    return pd.DataFrame(out)


def _latest(p: Progress) -> str:
    return f"{p.latest_value:g} ({p.latest_period})" if p.latest_value is not None else "–"
