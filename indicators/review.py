"""Who may publish what: the review step between a planner's upload and the officials' views.

With review on, a committed upload is `submitted`; a reviewer (or admin) who did not upload it
approves it (`published`) or rejects it with a reason the planner sees. With review off, the
store publishes at once. The store keeps the state; the rules about people live here.
"""

from __future__ import annotations

from .auth import Account, Accounts, AuthError
from .store import Store, Upload


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
