"""Preview mode: a signed-in planner or reviewer sees every view as if a submitted upload
were published, with a banner on every page and the pending figures marked.

The choice lives in the session only; it is checked on every run (still signed in, still
allowed, the upload still waiting), so an official's session, which has no account, never
gets a preview snapshot, and a preview ends by itself once the upload is decided.
"""

from __future__ import annotations

import streamlit as st

from indicators.base.i18n import Lang, _
from indicators.domain.review import may_preview
from indicators.store import StoreError
from ui.auth_ui import current_account
from ui.session import per_run, store


class PreviewKeys:
    UPLOAD = "preview.upload"
    ENDED = "preview.ended"
    EXIT = "preview.exit"


def start(upload_id: int) -> None:
    st.session_state[PreviewKeys.UPLOAD] = int(upload_id)


def stop() -> None:
    st.session_state.pop(PreviewKeys.UPLOAD, None)


def active() -> int | None:
    """The upload this session previews, or None (and the choice dropped) when it may not.
    Checked once per run (navigation, the banner, snapshot() and pages ask)."""
    upload_id: int | None = per_run("preview", _allowed)
    return upload_id


def _allowed() -> int | None:
    upload_id = st.session_state.get(PreviewKeys.UPLOAD)
    if upload_id is None:
        return None
    account = current_account()
    try:
        upload = store().upload(upload_id) if account is not None else None
    except StoreError:
        upload = None
    if may_preview(account, upload):
        return int(upload_id)
    stop()
    if account is not None:
        st.session_state[PreviewKeys.ENDED] = upload_id
    return None


def banner(lg: Lang) -> None:
    """On every page while a preview is on: which upload, and the way out."""
    upload_id = active()
    ended = st.session_state.pop(PreviewKeys.ENDED, None)
    if upload_id is None:
        if ended is not None:
            st.info(_("preview.ended", lg, id=ended))
        return
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.warning(_("preview.banner", lg, id=upload_id), icon=":material/visibility:")
    right.button(_("preview.exit", lg), on_click=stop, key=PreviewKeys.EXIT, type="primary")
