"""Problems, preview and commit of a checked batch: one block for the upload page and the
correction form, so the two show the same counts, tabs, warnings and confirm rule."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from indicators.base.escape import for_markdown
from indicators.base.i18n import Lang, _
from indicators.ingest import Checked, DuplicateUpload, Rejected, commit, preview, problems_frame
from indicators.ingest.display import preview_table
from indicators.store import StoreBusy, Upload
from ui.common import snapshot
from ui.session import store
from ui.site import rebuild_site


@dataclass(frozen=True)
class CommitKeys:
    """The widget keys and texts of one page's commit step."""

    note: str
    commit: str
    again: str  # the "upload the same file again" checkbox
    confirm: str  # label of the confirm button, given {n}
    kind: str = "file"  # the upload kind stored: file | form


def grid(frame: pd.DataFrame, lg: Lang) -> None:
    """A table, or a sentence in the page's language where Streamlit would print 'empty'.
    A whole-number column with gaps (the row of a problem about the whole file) is shown as
    text, blank in the gaps: Streamlit would print the English word "None" there."""
    if frame.empty:
        st.caption(_("upload.no_rows", lg))
        return
    gaps = [c for c in frame.columns if frame[c].dtype == "Int64" and frame[c].isna().any()]
    shown = frame.assign(**{c: ["" if pd.isna(v) else str(v) for v in frame[c]] for c in gaps})
    st.dataframe(shown, hide_index=True, width="stretch")


def show_problems(lg: Lang, checked: Checked, message: str) -> None:
    """Every problem with row, column, value, reason and hint; nothing was stored."""
    st.error(_(message, lg, n=checked.n_problems))
    grid(problems_frame(checked.problems, lg, snapshot().catalog), lg)
    if checked.n_problems > len(checked.problems):
        st.caption(_("upload.more_problems", lg, n=checked.n_problems - len(checked.problems)))


def show_stored(lg: Lang, done: Upload | None, message: str) -> None:
    """What the last commit stored (after the rerun), and who sees it: officials at once
    when no review stands between (one account), else once a reviewer approves."""
    if done is None:
        return
    st.success(
        _(
            message,
            lg,
            id=done.id,
            new=done.rows_new,
            changed=done.rows_changed,
            unchanged=done.rows_unchanged,
        )
    )
    if done.state == "submitted":
        st.info(_("review.submitted", lg, id=done.id))
    elif done.state == "published":
        st.info(_("review.published_now", lg, id=done.id))


def _duplicate(lg: Lang, earlier: Upload) -> None:
    st.warning(
        _(
            "upload.duplicate",
            lg,
            id=earlier.id,
            user=for_markdown(earlier.user_name),
            when=f"{earlier.created_at:%Y-%m-%d %H:%M}",
        )
    )


def preview_and_commit(lg: Lang, checked: Checked, user: str, keys: CommitKeys) -> Upload | None:
    """The preview (counts, rows per change), a note and the confirm button; the stored
    upload once confirmed, else None. A busy store is said, never raised."""
    s = store()
    try:
        version = s.data_version()
        pv = preview(s, checked)
    except StoreBusy:
        st.warning(_("upload.busy", lg))
        return None
    except Rejected:
        return None
    st.subheader(_("upload.preview", lg))
    c1, c2, c3 = st.columns(3)
    c1.metric(_("upload.new", lg), f"{pv.new:,}")
    c2.metric(_("upload.changed", lg), f"{pv.changed:,}")
    c3.metric(_("upload.unchanged", lg), f"{pv.unchanged:,}")
    catalog = snapshot().catalog
    # Tabs with rows only, new first: the preview opens where the rows are.
    changes = [c for c in ("new", "changed", "unchanged") if pv.counts[c]]
    tabs = st.tabs([_(f"upload.{c}", lg) for c in changes]) if changes else []
    for tab, change in zip(tabs, changes, strict=True):
        with tab:
            grid(preview_table(pv, catalog, lg, change), lg)
    again = False
    if pv.duplicate_of is not None:
        _duplicate(lg, pv.duplicate_of)
        again = st.checkbox(_("upload.again", lg), key=keys.again)
    note = st.text_input(_("upload.note", lg), key=keys.note)
    if pv.new + pv.changed == 0:
        st.info(_("upload.nothing_new", lg))
    disabled = pv.duplicate_of is not None and not again
    # The store's version when the preview the planner is confirming was drawn: another
    # planner's commit since makes it stale ("300000 new" stored as "0 new, 100032 changed").
    seen_key = f"{keys.commit}.seen"
    seen = st.session_state.get(seen_key)
    st.session_state[seen_key] = version
    if not st.button(
        _(keys.confirm, lg, n=pv.new + pv.changed),
        type="primary",
        disabled=disabled,
        key=keys.commit,
    ):
        return None
    if seen is not None and seen != version:
        st.warning(
            _(
                "upload.stale",
                lg,
                new=f"{pv.new:,}",
                changed=f"{pv.changed:,}",
                unchanged=f"{pv.unchanged:,}",
            )
        )
        return None
    try:
        up = commit(
            s, checked, user=user, kind=keys.kind, note=note.strip() or None, allow_duplicate=again
        )
    except StoreBusy:
        st.warning(_("upload.busy", lg))
        return None
    except DuplicateUpload as exc:
        _duplicate(lg, exc.upload)
        return None
    rebuild_site(s, up)  # published at once (review off): the public site follows
    return up
