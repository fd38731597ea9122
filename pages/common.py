"""What every page shares: language, the cached snapshot, session-state keys."""

from __future__ import annotations

import streamlit as st

from indicators.i18n import DEFAULT_LANG, LANGS, Lang, _, normalise_lang
from indicators.paths import default_db_path
from indicators.snapshot import Snapshot, load_snapshot
from indicators.store import NotInitialised, Store


class Keys:
    """Session-state and query-string keys, named once."""

    LANG = "lang"


def store() -> Store:
    return Store(default_db_path())


@st.cache_data(show_spinner=False, max_entries=4)
def _snapshot(db_path: str, data_version: int) -> Snapshot:
    return load_snapshot(Store(db_path))


def snapshot() -> Snapshot:
    """The data for this run, recomputed only when something was written."""
    s = store()
    try:
        version = s.data_version()
    except NotInitialised:
        st.error(_("error.no_db", lang(), path=str(s.path)))
        st.stop()
    return _snapshot(str(s.path), version)


def lang() -> Lang:
    if Keys.LANG not in st.session_state:
        st.session_state[Keys.LANG] = normalise_lang(
            st.query_params.get(Keys.LANG, DEFAULT_LANG))
    return st.session_state[Keys.LANG]


def _on_lang_change() -> None:
    st.query_params[Keys.LANG] = st.session_state[Keys.LANG]


def language_switch() -> Lang:
    current = lang()
    st.sidebar.radio(
        _("app.language", current), LANGS, key=Keys.LANG, horizontal=True,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        on_change=_on_lang_change,
    )
    st.query_params[Keys.LANG] = st.session_state[Keys.LANG]
    return st.session_state[Keys.LANG]
