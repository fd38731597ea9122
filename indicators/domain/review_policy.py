"""When a new upload waits for a reviewer: the review policy, decided here and passed to the
store's writes (which record what they are told).

Light on purpose (no pandas, no database driver at import): the command line's ingest asks
it before loading anything heavy."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indicators.store import Store
    from indicators.store.reviews import ReviewSetting


def review_on(setting: ReviewSetting, active_accounts: int) -> bool:
    """Whether a new upload waits for a reviewer. "auto" (the default): a one-person
    deployment (no account or one) publishes at once; with two or more active accounts
    somebody other than the uploader can review, so uploads wait."""
    if setting != "auto":
        return setting == "on"
    return active_accounts > 1


def review_mode(store: Store) -> tuple[ReviewSetting, bool]:
    """The stored setting (on, off, auto) and whether review is on now. Read just before a
    write: an account added between this read and the write is seen by the next upload."""
    setting = store.review_setting()
    return setting, review_on(setting, store.active_accounts() if setting == "auto" else 0)


def submits_for_review(store: Store) -> bool:
    """Whether an upload committed now waits for a reviewer (pass to Store writes)."""
    return review_mode(store)[1]
