"""The public static site seen from the app: a link to it in the sidebar, and its rebuild
(in the background: the reviewer does not wait) after figures are published here."""

from __future__ import annotations

import os

import streamlit as st

from indicators.base.i18n import Lang, _
from indicators.store import Store, Upload


def site_link(lg: Lang) -> None:
    """Where the public reads the same figures without signing in ($INDICATORS_SITE_URL)."""
    url = os.environ.get("INDICATORS_SITE_URL", "").strip()
    if url:
        lang_page = f"{url.rstrip('/')}/{lg}/index.html"
        st.sidebar.markdown(f"[{_('site.app.public_site', lg)}]({lang_page})")


def rebuild_site(store: Store, upload: Upload | None) -> None:
    """After an approval, an upload or undo published at once, or (`upload` None) a task or
    goal status set: rebuild $INDICATORS_SITE_DIR if set (imported only then: the site
    loads its own templates)."""
    if upload is not None and upload.state != "published":
        return
    if not os.environ.get("INDICATORS_SITE_DIR", "").strip():
        return
    from indicators.site import rebuild_after

    rebuild_after(store, upload, background=True)
