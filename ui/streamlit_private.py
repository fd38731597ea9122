"""Every private Streamlit surface the app relies on, in one place.

Streamlit has no public name for these; each is used because the public API cannot do the
job (said at each). `tests/test_streamlit_private.py` has a test per surface that fails
when a Streamlit upgrade renames or removes it, so an upgrade breaks a test here instead of
quietly falling back (every reader below degrades to the public behaviour when its surface
is gone, which is the right thing in production and the wrong thing to miss in review).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

__all__ = [
    "CAPTION",
    "ELEMENT_CONTAINER",
    "MARKDOWN_CONTAINER",
    "PLOTLY_CHART",
    "SIDEBAR_NAV",
    "SIDEBAR_NAV_ITEMS",
    "SKIP_TO_CONTENT",
    "TEST_IDS",
    "UPLOADER_DROPZONE",
    "UPLOADER_INSTRUCTIONS",
    "current_page_path",
    "in_script_run",
    "page_source",
    "requested_page_name",
    "run_marker",
    "send_browser_to",
    "turn_off_pages_directory",
    "widget_drawn_this_run",
]

# --- CSS selectors of Streamlit's own elements (its frontend's data-testid attributes) -----
# The uploader's drop zone, its button's label and its size line (pages/upload.py rewords
# them in the page's language) and the "Skip to main content" link (dashboard.py).
UPLOADER_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
UPLOADER_INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"]'
MARKDOWN_CONTAINER = '[data-testid="stMarkdownContainer"]'
SKIP_TO_CONTENT = '[data-testid="stSkipToContent"]'
# What ui/a11y.py names, labels or restyles for screen readers and keyboards.
SIDEBAR_NAV = '[data-testid="stSidebarNav"]'
SIDEBAR_NAV_ITEMS = '[data-testid="stSidebarNavItems"]'
CAPTION = '[data-testid="stCaptionContainer"]'
PLOTLY_CHART = '[data-testid="stPlotlyChart"]'
ELEMENT_CONTAINER = '[data-testid="stElementContainer"]'
# A page link (the overview's "open domain page: …" links wrap instead of being cut).
PAGE_LINK = '[data-testid="stPageLink"]'
# The uploader as a whole (ui/a11y.py words its refusal of a file over the size limit).
UPLOADER = '[data-testid="stFileUploader"]'
TEST_IDS = (
    "stFileUploaderDropzone",
    "stFileUploaderDropzoneInstructions",
    "stMarkdownContainer",
    "stSkipToContent",
    "stSidebarNav",
    "stSidebarNavItems",
    "stCaptionContainer",
    "stPlotlyChart",
    "stElementContainer",
    "stPageLink",
    "stFileUploader",
)


def in_script_run() -> bool:
    """Whether this code runs inside a Streamlit script run (not bare, as in the upload
    worker's process that re-runs dashboard.py as __main__)."""
    return get_script_run_ctx(suppress_warning=True) is not None


def page_source(page: st.Page) -> Path | Callable[[], None] | None:
    """What an `st.Page` runs: its script's path or its function (`StreamlitPage._page`).
    The aliases draw a page in place with it (pages/registry.py); None: redirect instead."""
    source = getattr(page, "_page", None)
    return source if source is None or callable(source) else Path(str(source))


def run_marker() -> object | None:
    """An object Streamlit makes afresh for each script run (the run's element cursors,
    `ScriptRunContext.cursors`), or None outside one: ui.session.per_run keys on it."""
    return getattr(get_script_run_ctx(suppress_warning=True), "cursors", None)


def widget_drawn_this_run(user_key: str) -> bool:
    """Whether a widget with this key is already on the page in this run (Streamlit keeps
    the run's keys in `ScriptRunContext.shared.widget_user_keys_this_run`, a set that
    answers `in` only); False if that is gone."""
    shared = getattr(get_script_run_ctx(suppress_warning=True), "shared", None)
    keys = getattr(shared, "widget_user_keys_this_run", None)
    try:
        return keys is not None and user_key in keys
    except TypeError:
        return False


def requested_page_name() -> str | None:
    """The path a fresh page load asks for ('tasks' for /tasks), or None on a run that names
    its page itself (a click, a rerun): Streamlit has no public way to ask before
    st.navigation, so this reads its page manager (`intended_page_name`,
    `intended_page_script_hash`)."""
    manager = getattr(get_script_run_ctx(suppress_warning=True), "pages_manager", None)
    if manager is None or getattr(manager, "intended_page_script_hash", None):
        return None
    name = getattr(manager, "intended_page_name", None)
    return name if isinstance(name, str) and name else None


def turn_off_pages_directory() -> None:
    """No legacy `pages/`-folder lookup (`PagesManager.uses_pages_directory`): our `pages/`
    holds modules, and a pasted link such as /task-list must open inside st.navigation."""
    PagesManager.uses_pages_directory = False


def send_browser_to(url: str) -> bool:
    """Have the browser leave the page for `url` (a route of this server): the message
    st.login itself sends (`ForwardMsg.auth_redirect`), as a script cannot set a cookie and
    the sign-in route must (ui/auth_ui.py). False outside a script run."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return False
    msg = ForwardMsg()
    msg.auth_redirect.url = url
    ctx.enqueue(msg)
    return True


def current_page_path() -> str | None:
    """This run's page address ('data-upload'; '' for the default page), from the page
    manager's pages (`get_pages()[current_page_script_hash]["url_pathname"]`); None outside
    a run. st.context.url trims a page alias off its end ('/data-/data-upload')."""
    manager = getattr(get_script_run_ctx(suppress_warning=True), "pages_manager", None)
    if manager is None:
        return None
    try:
        pages: dict[str, Any] = dict(manager.get_pages())
        info = pages.get(manager.current_page_script_hash) or {}
    except (AttributeError, TypeError):
        return None
    return str(info.get("url_pathname", "") or "")


def session_id() -> str | None:
    """This run's browser session (`ScriptRunContext.session_id`), or None outside a run:
    the upload guard and the sign-in throttle key on it."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def session_is_active(session: str) -> bool:
    """Whether the server still holds this browser session (`Runtime.is_active_session`);
    True where no runtime runs (AppTest), so nothing is dropped there."""
    from streamlit.runtime import Runtime

    return not Runtime.exists() or Runtime.instance().is_active_session(session)


def uploaded_file_manager() -> object | None:
    """The server's store of uploaded files (`Runtime.uploaded_file_mgr`), or None where no
    runtime runs: the upload guard counts and frees the bytes it holds."""
    from streamlit.runtime import Runtime

    return Runtime.instance().uploaded_file_mgr if Runtime.exists() else None
