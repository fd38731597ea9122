"""What one browser session holds: its keys, its store, and values worked out once per run.

The bottom of the Streamlit glue: sign-in (auth_ui), the preview and the views' cache
(common) all build on it, so it imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from indicators.base.paths import default_db_location
from indicators.store import Store
from ui.streamlit_private import run_marker


class Keys:
    """Session-state and query-string keys, named once."""

    LANG = "lang"
    # (store, data version, day, previewed upload) this run reads; derived results are
    # cached on it.
    DATA_KEY = "views.data_key"
    # Values resolved once per script run (the signed-in account, the preview): see per_run.
    RUN = "run."


def store() -> Store:
    return Store(default_db_location())


def _this_run() -> object | None:
    """An object Streamlit makes afresh for each script run (the run's element cursors),
    or None outside one. A key set by dashboard.py each run would do in the app, but a page
    can run without it (Streamlit's old pages/-folder lookup, which AppTest always uses)."""
    return run_marker()


def per_run(name: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per script run: navigation, the banner, snapshot() and the page
    all ask who is signed in and what they preview, and each answer costs a query. Outside
    a run (no script context) it is computed every time."""
    key, run = Keys.RUN + name, _this_run()
    held = st.session_state.get(key)
    if run is not None and held is not None and held[0] is run:
        return held[1]
    value = compute()
    st.session_state[key] = (run, value)
    return value
